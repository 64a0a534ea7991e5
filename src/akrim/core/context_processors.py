"""Template context shared by every staff page."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from akrim.access.services import CHOOSABLE
from akrim.core.actor import Purpose


def akrim(request: HttpRequest) -> dict[str, Any]:
    session = getattr(request, "session", None)
    return {
        "akrim_demo": settings.AKRIM_ENV == "demo",
        "request_id": getattr(request, "request_id", ""),
        "purposes": [p.value for p in CHOOSABLE],
        "current_purpose": session.get("purpose", Purpose.ANALYSIS.value) if session else "",
    }
