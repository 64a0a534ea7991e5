"""Safe error pages: no stack traces, an incident id the user can quote."""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from akrim.core.i18n import portal_languages

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
    # A visitor of the public portal (not logged in) who mistypes an address under a
    # portal language gets the portal's page in that language: no staff page, no cookie.
    lang = request.path_info.strip("/").split("/", 1)[0]
    user = getattr(request, "user", None)
    if not (user is not None and user.is_authenticated) and lang in portal_languages():
        from akrim.portal.public_views import not_found

        return not_found(request, lang)
    return _error(request, 404, "Not found")


def server_error(request: HttpRequest) -> HttpResponse:
    log.error("server error, incident %s", getattr(request, "request_id", ""))
    return _error(request, 500, "Server error")
