"""The tip pages never keep the sender's address or browser: not in logs, not in any
table, not in error reports."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from django.apps import apps
from django.core import mail
from django.db import connection
from django.test import Client, RequestFactory

from akrim.tips import guards
from akrim.tips.middleware import ForgetClientMiddleware
from akrim.tips.models import RateWindow
from tests.tips.conftest import STATUS, receipt_code, send_tip, token

pytestmark = pytest.mark.django_db

ADDRESS = "203.0.113.77"
AGENT = "SentinelBrowser/9.9 (canary-7f3a)"
FORWARDED = "198.51.100.23"
CLUSTER = "192.0.2.201"  # a proxy's own header, in no deny-list
SENTINELS = (ADDRESS, AGENT, "canary-7f3a", FORWARDED, CLUSTER)
META: dict[str, Any] = {
    "REMOTE_ADDR": ADDRESS,
    "HTTP_USER_AGENT": AGENT,
    "HTTP_X_FORWARDED_FOR": FORWARDED,
    "HTTP_X_CLUSTER_CLIENT_IP": CLUSTER,
}


def _client() -> Client:
    return Client(raise_request_exception=False, **META)


def _everything_in_the_database() -> str:
    parts = []
    with connection.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            table = model._meta.db_table
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - table names from the models
            parts.append(f"{table}: {cursor.fetchall()!r}")
    return "\n".join(parts)


def _found(text: str) -> list[str]:
    return [s for s in SENTINELS if s in text]


def _records(caplog: pytest.LogCaptureFixture) -> str:
    out = []
    for record in caplog.records:
        out.append(record.getMessage())
        out.append(repr(record.__dict__))
        request = getattr(record, "request", None)
        if request is not None and hasattr(request, "META"):
            out.append(repr(request.META))
    return "\n".join(out)


def _mails() -> str:
    parts = []
    for message in mail.outbox:
        parts.append(f"{message.subject}\n{message.body}")
        parts.extend(str(content) for content, _type in getattr(message, "alternatives", []))
    return "\n".join(parts)


def test_a_sentinel_address_and_browser_appear_nowhere(
    caplog: pytest.LogCaptureFixture, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.ADMINS = [("Admin", "admin@example.org")]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.DEBUG = False
    for name in ("", "django", "django.request", "django.db.backends", "akrim"):
        caplog.set_level(logging.DEBUG, logger=name)
    connection.force_debug_cursor = True  # log every SQL statement with its parameters
    client = _client()
    try:
        client.get("/th/tip/")
        code = receipt_code(send_tip(client, "/th/tip/", contact="call me"))
        send_tip(client, "/th/tip/", what="")  # refused input
        send_tip(client, "/th/tip/", token="forged")  # refused token
        client.get("/th/tip/status/")
        assert client.post(STATUS, {"token": token("status"), "code": code}).status_code == 200
        assert client.post(STATUS, {"token": token("status"), "code": "0" * 24}).status_code == 400
        assert client.post(STATUS, {"token": token("status"), "code": "<>"}).status_code == 400
        for i in range(guards.GLOBAL_FAILURES_PER_MINUTE):
            client.post(STATUS, {"token": token("status"), "code": f"{i:024d}"})
        assert client.post(STATUS, {"token": token("status"), "code": code}).status_code == 429

        # A forced error inside a tip view: the report goes to the administrators.
        from akrim.tips import intake

        def broken(**kwargs: Any) -> Any:
            raise RuntimeError("forced error for the privacy test")

        monkeypatch.setattr(intake, "receive_tip", broken)
        assert send_tip(client, "/th/tip/").status_code == 500
        monkeypatch.setattr(intake, "messages_for_sender", broken)
        RateWindow.objects.all().delete()
        assert client.post(STATUS, {"token": token("status"), "code": code}).status_code == 500
    finally:
        connection.force_debug_cursor = False

    assert mail.outbox, "the forced error was reported"
    assert "forced error for the privacy test" in _mails()
    assert _found(_mails()) == []
    assert len(mail.outbox) == 2
    plain = code.replace("-", "")
    assert code not in _mails()
    assert plain not in _mails()
    assert code not in _records(caplog)
    assert plain not in _records(caplog)
    assert caplog.records
    assert "SELECT" in _records(caplog)
    assert _found(_records(caplog)) == []
    dump = _everything_in_the_database()
    assert "tips_tip" in dump
    assert "audit_auditentry" in dump
    assert _found(dump) == []


def test_the_same_error_report_on_a_staff_page_would_show_them(
    settings: Any, monkeypatch: pytest.MonkeyPatch, client_for: Any
) -> None:
    """The detector works: outside the tip pages, Django's report includes the address."""
    settings.ADMINS = [("Admin", "admin@example.org")]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.DEBUG = False
    from akrim.tips import queries

    def broken(**kwargs: Any) -> Any:
        raise RuntimeError("forced staff error")

    monkeypatch.setattr(queries, "list_tips", broken)
    staff = client_for("skv_inspector")
    staff.raise_request_exception = False
    assert staff.get("/en/tips/", **META).status_code == 500
    assert ADDRESS in _mails()


def test_the_middleware_forgets_the_client_on_tip_pages_only() -> None:
    seen: dict[str, str] = {}

    def view(request: Any) -> Any:
        seen.update({k: v for k, v in request.META.items() if k in META})
        return None

    middleware = ForgetClientMiddleware(view)
    factory = RequestFactory()
    middleware(factory.get("/th/tip/status/", **META))
    assert seen == {}
    middleware(factory.get("/en/tips/", **META))
    assert seen == META
