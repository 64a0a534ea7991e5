"""Two-factor is required for all staff outside demo mode."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

_OPEN_PREFIXES = ("/static/", "/i18n/", "/api/")


def _verified(user: object) -> bool:
    check = getattr(user, "is_verified", None)  # set by django_otp's OTPMiddleware
    return bool(check is not None and check())


class TwoFactorRequiredMiddleware:
    """Send a signed-in but not yet verified user to the two-factor step."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            settings.AKRIM_REQUIRE_2FA
            and user.is_authenticated
            and not _verified(user)
            and not request.path.startswith(_OPEN_PREFIXES)
        ):
            allowed = {reverse("accounts:two_factor"), reverse("accounts:logout")}
            if request.path not in allowed:
                return redirect("accounts:two_factor")
        return self.get_response(request)
