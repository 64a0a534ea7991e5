"""Safe error pages: no stack traces, an incident id the user can quote."""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

log = logging.getLogger("akrim.errors")


def _error(request: HttpRequest, status: int, title: str) -> HttpResponse:
    incident = getattr(request, "request_id", "")
    return render(
        request,
        "core/error.html",
        {"status": status, "title": title, "incident": incident},
        status=status,
    )


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 400, "Bad request")


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 403, "Forbidden")


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 404, "Not found")


def server_error(request: HttpRequest) -> HttpResponse:
    log.error("server error, incident %s", getattr(request, "request_id", ""))
    return _error(request, 500, "Server error")
