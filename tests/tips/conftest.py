"""Tips fixtures: form tokens old enough to be accepted, a public client, tips."""

from __future__ import annotations

import datetime as dt
import re
import secrets
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.core import signing
from django.test import Client
from django.utils import timezone

from akrim.tips import guards
from akrim.tips.models import Tip
from tests.cast import Cast

TIP_FORM = "/en/tip/"
STATUS = "/en/tip/status/"
ADD = "/en/tip/status/add/"
CODE_RE = re.compile(r'data-testid="receipt-code"[^>]*>([0-9A-Z-]+)<')
STOCKHOLM = "0180"  # Stockholm municipality → the Stockholm centre
MALMO = "1280"  # Malmö → Syd


@pytest.fixture(autouse=True)
def _cheap_argon2(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2id at test cost (the parameters are checked in test_codes)."""
    from argon2 import PasswordHasher, Type

    from akrim.tips import codes

    monkeypatch.setattr(
        codes, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1, type=Type.ID)
    )
    codes._dummy_hash.cache_clear()


@pytest.fixture
def one_minute(monkeypatch: pytest.MonkeyPatch) -> None:
    """Move the clock on to one second past the next turn of a minute.

    The throttles count per clock minute (``guards.count``); a test that expects its
    requests in one window would otherwise cross into the next now and then (a test taking
    two seconds: once in 30 runs). Moved, it has 59 seconds. Tokens from ``token`` only grow
    older (by at most a minute), so they stay between the minimum and maximum age."""
    real_now = timezone.now
    now = real_now()
    offset = now.replace(second=1, microsecond=0) + dt.timedelta(minutes=1) - now
    monkeypatch.setattr(timezone, "now", lambda: real_now() + offset)


def token(form: str, *, tip: str = "", age: int = 60) -> str:
    """A form token as the page would have issued it ``age`` seconds ago."""
    payload = {"f": form, "n": secrets.token_urlsafe(12), "t": tip, "i": int(time.time()) - age}
    return signing.TimestampSigner(salt=guards.SALT).sign_object(payload, compress=False)


def send_tip(client: Client, url: str = TIP_FORM, **fields: Any) -> Any:
    data = {
        "token": token("tip"),
        "what": "Twelve people sleep in the back room of the restaurant and work without pay.",
        "where_name": "Example Bistro",
        "where_address": "Storgatan 1",
        "municipality": STOCKHOLM,
        "since": "March",
        "contact": "",
    }
    data.update(fields)
    return client.post(url, data)


def receipt_code(response: Any) -> str:
    match = CODE_RE.search(response.content.decode())
    assert match, response.content.decode()[:2000]
    return match.group(1)


@pytest.fixture
def public() -> Client:
    return Client()


@pytest.fixture
def sent(db: None, public: Client) -> tuple[Tip, str]:
    """A tip sent through the portal, and its receipt code."""
    response = send_tip(public)
    assert response.status_code == 200
    return Tip.objects.get(), receipt_code(response)


@pytest.fixture
def tip_for(cast: Cast) -> Callable[..., Tip]:
    from akrim.core.actor import Actor
    from akrim.tips.services import create_tip

    def make(
        municipality: str = STOCKHOLM, what: str = "Unpaid wages at a building site", **kw: Any
    ) -> Tip:
        return create_tip(
            Actor.system(), source="staff", what=what, municipality_code=municipality, **kw
        )

    return make
