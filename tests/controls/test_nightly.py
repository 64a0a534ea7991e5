"""``akrim nightly``: every nightly job in one run, a failing step not stopping the rest."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from akrim.audit.models import AuditCheckpoint
from akrim.cli import main
from akrim.controls import services
from akrim.controls.models import Task
from akrim.nightly import STEPS
from tests.controls.conftest import World
from tests.controls.test_follow_up import carried_out

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def demo_keys(settings: Any, tmp_path: Path) -> None:
    """Demo mode: the audit checkpoint makes its own key, in this test's folder."""
    settings.AKRIM_ENV = "demo"
    settings.VAR_DIR = tmp_path
    settings.AKRIM_AUDIT_SIGNING_KEY = ""
    settings.AKRIM_AUDIT_SIGNING_KEY_FILE = ""
    settings.AKRIM_AUDIT_VERIFY_KEY = ""


def _summary(out: str) -> dict[str, str]:
    """step -> status, from the summary at the end of the output."""
    lines = out.split("nightly run as of", 1)[1].splitlines()[1:]
    return {line.split()[0]: line.split()[1] for line in lines if line.strip()}


def test_every_step_runs_and_does_its_work(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    control = carried_out(world)
    start = timezone.localdate(control.starts_at)
    services.record_decision(
        actor=world.actor("coordinator"),
        control_id=control.pk,
        kind="order",
        decided_on=start,
        deadline=start + dt.timedelta(days=30),
    )
    today = (start + dt.timedelta(days=40)).isoformat()
    assert main(["nightly", "--today", today]) == 0
    out = capsys.readouterr().out
    summary = _summary(out)
    assert list(summary) == list(STEPS)
    assert set(summary.values()) == {"ok"}  # the world's register holds workplaces: scored
    assert "follow-up tasks as of" in out
    assert Task.objects.count() == 1  # the passed deadline
    assert AuditCheckpoint.objects.count() == 1
    assert "audit chain intact" in out
    assert main(["nightly", "--today", today, "--skip", "scoring"]) == 0
    again = capsys.readouterr().out
    assert Task.objects.count() == 1  # re-runnable: no second task
    assert _summary(again)["scoring"] == "skipped"
    assert "--skip" in again


def test_a_failing_step_does_not_stop_the_others(
    db: None, settings: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    settings.AKRIM_ENV = "production"  # no signing key: the checkpoint cannot be signed
    assert main(["nightly", "--today", "2026-01-05"]) == 1
    captured = capsys.readouterr()
    summary = _summary(captured.out)
    assert summary["checkpoint"] == "FAILED"
    assert summary["verify"] == "ok"  # the step after it still ran
    assert summary["retention"] == summary["tasks"] == summary["reminders"] == "ok"
    assert summary["scoring"] == "skipped"  # nothing to score, not a failure
    assert "no register holds workplaces yet" in captured.out
    assert "akrim nightly: failed: checkpoint" in captured.err
    assert "AKRIM_AUDIT_SIGNING_KEY" in captured.err
    assert not AuditCheckpoint.objects.exists()


@pytest.mark.parametrize("argv", [["--today", "tomorrow"], ["--skip", "everything"]])
def test_wrong_usage_exits_2(db: None, argv: list[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["nightly", *argv])
    assert exit_info.value.code == 2
