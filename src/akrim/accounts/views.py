"""Login (password, then TOTP), two-factor enrolment, logout."""

from __future__ import annotations

from typing import Any

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from akrim.accounts.forms import TokenForm

MAX_FAILURES = 5
FAILURE_WINDOW_SECONDS = 15 * 60


def _throttle_key(request: HttpRequest) -> str:
    username = str(request.POST.get("username", ""))[:150].lower()
    return f"login-fail:{username}:{request.META.get('REMOTE_ADDR', '')}"


class LoginView(auth_views.LoginView):
    """Password step. After five failures for one name and address, wait 15 minutes."""

    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if cache.get(_throttle_key(request), 0) >= MAX_FAILURES:
            form = self.get_form()
            form.add_error(None, _("Too many failed attempts. Try again in 15 minutes."))
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form: Any) -> HttpResponse:
        key = _throttle_key(self.request)
        cache.set(key, cache.get(key, 0) + 1, FAILURE_WINDOW_SECONDS)
        return super().form_invalid(form)

    def form_valid(self, form: Any) -> HttpResponse:
        cache.delete(_throttle_key(self.request))
        response = super().form_valid(form)
        user = form.get_user()
        if (
            settings.AKRIM_REQUIRE_2FA
            or TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        ):
            return redirect("accounts:two_factor")
        return response


@login_required
def two_factor(request: HttpRequest) -> HttpResponse:
    """Verify a TOTP code; enrol a new authenticator first when the user has none."""
    user = request.user
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    enrolling = device is None
    if enrolling:
        device, _created = TOTPDevice.objects.get_or_create(
            user=user, confirmed=False, defaults={"name": "authenticator"}
        )
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            if enrolling:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
            otp_login(request, device)
            return redirect(settings.LOGIN_REDIRECT_URL)
        form.add_error("code", _("The code is wrong or has expired."))
    context: dict[str, Any] = {"form": form, "enrolling": enrolling}
    if enrolling:
        context["qr_svg_uri"] = segno.make(device.config_url).svg_data_uri(scale=5)
        context["secret"] = device.config_url.split("secret=")[1].split("&")[0]
    return render(request, "accounts/two_factor.html", context)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.info(request, _("You are logged out."))
    return redirect("accounts:login")
