"""The ``akrim`` command line: createuser (with an API token), usage errors, demo setup."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from akrim.cli import main
from akrim.organisation.models import Staff

pytestmark = pytest.mark.django_db


def test_createuser_with_api_token_prints_a_working_token(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("AKRIM_PASSWORD", "a long enough passphrase")
    code = main(
        [
            "createuser",
            "lena",
            "--agency",
            "skv",
            "--centre",
            "Stockholm",
            "--centre",
            "Mitt",
            "--role",
            "inspector",
            "--role",
            "analyst",
            "--api-token",
        ]
    )
    assert code == 0
    token = capsys.readouterr().out.strip()
    staff = Staff.objects.get(user__username="lena")
    assert staff.agency.code == "SKV"
    assert sorted(c.name for c in staff.centres.all()) == ["Mitt", "Stockholm"]
    assert staff.roles == ["analyst", "inspector"]
    assert User.objects.get(username="lena").check_password("a long enough passphrase")
    response = Client().get("/api/search", {"q": "x"}, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--agency", "XX", "--role", "inspector"], "Unknown agency"),
        (["--agency", "AV", "--role", "chief"], "role"),
        (["--agency", "AV", "--centre", "Gotham", "--role", "inspector"], "Unknown centre"),
    ],
)
def test_createuser_refuses_bad_input_with_a_message(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    message: str,
) -> None:
    monkeypatch.setenv("AKRIM_PASSWORD", "a long enough passphrase")
    assert main(["createuser", "bo", *args]) == 1
    assert message in capsys.readouterr().err
    assert not User.objects.filter(username="bo").exists()


def test_createuser_refuses_a_weak_password(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("AKRIM_PASSWORD", "short")
    assert main(["createuser", "bo", "--agency", "AV", "--role", "inspector"]) == 1
    assert "too short" in capsys.readouterr().err


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["import"])
    assert exit_info.value.code == 2
    assert main(["demo-world", "--out", "never-written", "--companies", "0"]) == 2


def test_demo_setup_is_complete_and_rerunnable(
    settings: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from akrim.demo.setup import DEMO_USERS, setup_demo
    from akrim.registry.models import Company, ImportBatch

    settings.VAR_DIR = tmp_path
    setup_demo(companies=60, progress=lambda stage, done, total: None)
    out = capsys.readouterr().out
    password = (tmp_path / "demo_password").read_text().strip()
    assert password in out
    for username, *_ in DEMO_USERS:
        assert username in out
        assert User.objects.get(username=username).check_password(password)
    companies = Company.objects.count()
    assert companies > 0
    # the selection lists and the training pages have something to show
    from akrim.targeting.models import ScoringRun, WorkplaceScore
    from akrim.training.models import Enrolment, Session, StaffingRule

    assert ScoringRun.objects.filter(status="done").count() == 1
    assert WorkplaceScore.objects.exists()
    assert Session.objects.count() == 4
    assert Enrolment.objects.exclude(completed_on=None).count() == 6
    assert StaffingRule.objects.filter(centre__code="stockholm").count() == 1
    setup_demo(companies=60, progress=lambda stage, done, total: None)
    assert Company.objects.count() == companies
    assert ImportBatch.objects.count() == 1
    assert (ScoringRun.objects.count(), Session.objects.count()) == (1, 4)  # re-runnable


def test_demo_setup_seeds_tips_visits_and_a_tip_whose_code_reads_the_reply(
    settings: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str], client: Any
) -> None:
    import re

    from akrim.demo.setup import setup_demo
    from akrim.portal.models import PageVisit
    from akrim.tips.models import Message, Tip
    from tests.tips.conftest import token

    settings.VAR_DIR = tmp_path
    setup_demo(companies=60, progress=lambda stage, done, total: None)
    out = capsys.readouterr().out
    found = re.search(r"receipt code ([0-9A-Z-]{29})", out)
    assert found, out
    tips, visits = Tip.objects.count(), PageVisit.objects.count()
    assert tips > 100
    assert visits > 1000
    assert Tip.objects.exclude(sni_section="").exists()  # some are linked to the registers
    assert Message.objects.count() == 1
    page = client.post("/pl/tip/status/", {"code": found.group(1), "token": token("status")})
    assert page.status_code == 200
    assert "Otrzymaliśmy Twoje zgłoszenie" in page.content.decode()  # in Polish
    setup_demo(companies=60, progress=lambda stage, done, total: None)
    assert (Tip.objects.count(), PageVisit.objects.count()) == (tips, visits)
    assert "receipt code" not in capsys.readouterr().out  # shown once, when it was made


def test_demo_setup_shares_between_av_pol_and_skv_only_for_assigned_controls(
    settings: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from akrim.access.models import SharingRule
    from akrim.demo.setup import setup_demo

    settings.VAR_DIR = tmp_path
    setup_demo(companies=60, progress=lambda stage, done, total: None)
    rules = SharingRule.objects.all()
    assert rules.count() == 6 * 6 * 3  # 6 ordered pairs × 6 categories × 3 purposes
    assert set(rules.values_list("condition", flat=True)) == {"assigned_to_control"}
    assert set(rules.values_list("purpose", flat=True)) == {"planning", "execution", "follow_up"}
    setup_demo(companies=60, progress=lambda stage, done, total: None)
    assert SharingRule.objects.count() == 6 * 6 * 3


def test_controls_tasks_creates_the_due_tasks_once(
    db: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["controls", "tasks", "--today", "2026-01-01"]) == 0
    assert "0 created" in capsys.readouterr().out
    with pytest.raises(SystemExit) as exit_info:
        main(["controls", "tasks", "--today", "tomorrow"])
    assert exit_info.value.code == 2
