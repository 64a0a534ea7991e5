"""Session idle timeout and absolute lifetime, enforced on every request."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

STARTED = "akrim_started_at"
SEEN = "akrim_seen_at"


class SessionTimeoutMiddleware:
    """Log out after ``AKRIM_SESSION_IDLE_SECONDS`` without a request, and in any case after
    ``SESSION_COOKIE_AGE`` from login (absolute lifetime)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = time.time()
            started = float(request.session.get(STARTED, now))
            seen = float(request.session.get(SEEN, now))
            idle = now - seen > settings.AKRIM_SESSION_IDLE_SECONDS
            expired = now - started > settings.SESSION_COOKIE_AGE
            if idle or expired:
                logout(request)
                messages.info(request, _("Your session has ended. Please log in again."))
                return redirect("accounts:login")
            request.session[STARTED] = started
            request.session[SEEN] = now
        return self.get_response(request)
