"""Template context shared by every staff page."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def akrim(request: HttpRequest) -> dict[str, Any]:
    return {
        "akrim_demo": settings.AKRIM_ENV == "demo",
        "request_id": getattr(request, "request_id", ""),
    }
