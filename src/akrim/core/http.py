"""Map DomainErrors to HTTP responses in one place (pages)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from akrim.core.errors import DomainError


def domain_errors_as_pages(
    view: Callable[..., HttpResponse],
) -> Callable[..., HttpResponse]:
    """Render a DomainError raised by a view's service or query as an error page."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except DomainError as error:
            return render(
                request,
                "core/error.html",
                {
                    "status": error.status,
                    "title": error.message,
                    "code": error.code,
                    "incident": getattr(request, "request_id", ""),
                },
                status=error.status,
            )

    return wrapper
