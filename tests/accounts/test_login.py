"""Login with password and TOTP, throttling, deactivation, language, API tokens."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from akrim.accounts.services import issue_api_token, user_for_token
from akrim.audit.models import AuditEntry
from akrim.core.actor import Actor
from akrim.core.errors import Forbidden
from akrim.organisation.services import deactivate_user
from tests.cast import PASSWORD, Cast

pytestmark = pytest.mark.django_db


def _code(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():06d}"


def test_login_lands_on_the_start_page_and_is_audited(cast: Cast) -> None:
    client = Client()
    response = client.post(
        "/sv/accounts/login/", {"username": "skv_inspector", "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/sv/home/"
    assert b"Regionalt centrum Stockholm" in response.content
    assert AuditEntry.objects.filter(action="login", username="skv_inspector").count() == 1


def test_wrong_password_is_refused_audited_and_throttled(cast: Cast) -> None:
    client = Client()
    for _ in range(5):
        response = client.post(
            "/en/accounts/login/", {"username": "skv_inspector", "password": "wrong"}
        )
        assert response.status_code == 200
    assert AuditEntry.objects.filter(action="login_failed").count() == 5
    blocked = client.post(
        "/en/accounts/login/", {"username": "skv_inspector", "password": PASSWORD}
    )
    assert blocked.status_code == 429
    assert b"Too many failed attempts" in blocked.content


def test_two_factor_required_enrols_then_verifies(cast: Cast, settings: Any) -> None:
    settings.AKRIM_REQUIRE_2FA = True
    client = Client()
    response = client.post("/en/accounts/login/", {"username": "skv_analyst", "password": PASSWORD})
    assert response["Location"] == "/en/accounts/two-factor/"
    assert client.get("/en/home/").status_code == 302  # not verified: nothing else opens
    page = client.get("/en/accounts/two-factor/")
    assert b"Scan the code" in page.content
    device = TOTPDevice.objects.get(user=cast.user("skv_analyst"), confirmed=False)
    wrong = client.post(
        "/en/accounts/two-factor/", {"code": "000000" if _code(device) != "000000" else "111111"}
    )
    assert b"wrong or has expired" in wrong.content
    device.refresh_from_db()
    assert device.throttling_failure_count == 1  # django-otp slows down guessing
    device.throttle_reset()
    ok = client.post("/en/accounts/two-factor/", {"code": _code(device)})
    assert ok.status_code == 302
    assert client.get("/en/home/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed


def test_two_factor_code_must_be_six_digits(cast: Cast, settings: Any) -> None:
    settings.AKRIM_REQUIRE_2FA = True
    client = Client()
    client.post("/en/accounts/login/", {"username": "skv_analyst", "password": PASSWORD})
    for junk in ["", "12345", "1234567", "abcdef", "<script>", "1" * 5000]:
        response = client.post("/en/accounts/two-factor/", {"code": junk})
        assert response.status_code == 200
        assert b"aria-invalid" in response.content


def test_deactivated_user_cannot_log_in_and_is_out_on_next_request(cast: Cast) -> None:
    refused = Client().post(
        "/en/accounts/login/", {"username": "deactivated", "password": PASSWORD}
    )
    assert refused.status_code == 200
    client = Client()
    client.post("/en/accounts/login/", {"username": "skv_inspector", "password": PASSWORD})
    assert client.get("/en/home/").status_code == 200
    deactivate_user(actor=Actor.system(), username="skv_inspector")
    assert client.get("/en/home/").status_code == 302


def test_language_can_be_switched(cast: Cast) -> None:
    client = Client()
    client.post("/sv/accounts/login/", {"username": "skv_inspector", "password": PASSWORD})
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/sv/home/"})
    assert response["Location"] == "/en/home/"
    assert b'lang="en"' in client.get("/en/home/").content
    assert b'lang="sv"' in client.get("/sv/home/").content


def test_api_tokens_are_issued_by_admins_and_stored_as_digests(cast: Cast) -> None:
    with pytest.raises(Forbidden):
        issue_api_token(actor=cast.actor("coordinator"), user=cast.user("skv_inspector"))
    token = issue_api_token(actor=cast.actor("admin"), user=cast.user("skv_inspector"))
    assert user_for_token(token) == cast.user("skv_inspector")
    assert user_for_token(token + "x") is None
    assert user_for_token("x" * 5000) is None
    from akrim.accounts.models import ApiToken

    assert not ApiToken.objects.filter(digest=token).exists()


def test_security_headers_are_sent(cast: Cast) -> None:
    response = Client().get("/en/accounts/login/")
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Request-ID"]
