"""Session timeouts and production settings that pass Django's deployment checks."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from typing import Any

import pytest
from django.test import Client

from tests.cast import PASSWORD, Cast

pytestmark = pytest.mark.django_db


def _logged_in() -> Client:
    client = Client()
    client.post("/en/accounts/login/", {"username": "skv_inspector", "password": PASSWORD})
    assert client.get("/en/home/").status_code == 200
    return client


def test_idle_session_ends(cast: Cast, monkeypatch: pytest.MonkeyPatch) -> None:
    client = _logged_in()
    later = time.time() + 31 * 60
    monkeypatch.setattr(time, "time", lambda: later)
    response = client.get("/en/home/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert client.get("/en/home/").status_code == 302  # and it stays ended


def test_active_session_ends_at_its_absolute_lifetime(
    cast: Cast, monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    client = _logged_in()
    start = time.time()
    for minutes in range(20, 8 * 60, 20):  # a request every 20 minutes: never idle
        moment = start + minutes * 60
        monkeypatch.setattr(time, "time", lambda moment=moment: moment)
        assert client.get("/en/home/").status_code == 200, minutes
    monkeypatch.setattr(time, "time", lambda: start + 8 * 3600 + 60)
    assert client.get("/en/home/").status_code == 302


def test_production_settings_pass_the_deployment_checks(tmp_path: Any) -> None:
    env = {
        **os.environ,
        "AKRIM_ENV": "production",
        "AKRIM_SECRET_KEY": "x" * 60 + "-prod-test",
        "AKRIM_TIPS_KEY": "dGVzdC1vbmx5LXRlc3Qtb25seS10ZXN0LW9ubHktMzI=",  # 32 bytes, tests only
        "AKRIM_ALLOWED_HOSTS": "akrim.example.org",
        "DATABASE_URL": str(tmp_path / "p.db"),
        "AKRIM_VAR_DIR": str(tmp_path),
    }
    done = subprocess.run(
        [sys.executable, "-m", "akrim.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


@pytest.mark.parametrize(
    "missing", ["AKRIM_SECRET_KEY", "AKRIM_TIPS_KEY", "AKRIM_ALLOWED_HOSTS", "DATABASE_URL"]
)
def test_production_refuses_to_start_without_its_settings(tmp_path: Any, missing: str) -> None:
    env = {
        **os.environ,
        "AKRIM_ENV": "production",
        "AKRIM_SECRET_KEY": "x" * 60,
        "AKRIM_TIPS_KEY": "dGVzdC1vbmx5LXRlc3Qtb25seS10ZXN0LW9ubHktMzI=",
        "AKRIM_ALLOWED_HOSTS": "akrim.example.org",
        "DATABASE_URL": str(tmp_path / "p.db"),
    }
    del env[missing]
    done = subprocess.run(
        [sys.executable, "-m", "akrim.cli", "check"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode != 0
    assert missing in done.stderr
