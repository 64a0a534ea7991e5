"""Retention of scoring runs: old runs shrink to what the selection list and the feedback
page still read, and the feedback figures do not change."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from akrim.audit.models import AuditEntry
from akrim.core.actor import Actor
from akrim.core.errors import Forbidden
from akrim.targeting import queries
from akrim.targeting.models import ScoringRun, WorkplaceScore
from akrim.targeting.retention import purge_runs
from akrim.targeting.services import run_scoring
from tests.targeting.conftest import Staffed, closed_control

pytestmark = pytest.mark.django_db


def _age(run: ScoringRun, days: int) -> None:
    """Move a run ``days`` into the past (runs are stamped with the time they finished)."""
    when = timezone.now() - dt.timedelta(days=days)
    ScoringRun.objects.filter(pk=run.pk).update(started_at=when, finished_at=when)


def test_old_runs_keep_only_the_scores_the_feedback_uses(
    scored: ScoringRun, staff: Staffed
) -> None:
    old, middle = scored, run_scoring(actor=Actor.system(), owner="SKV")
    newest = run_scoring(actor=Actor.system(), owner="SKV")
    _age(old, 900)
    _age(middle, 800)
    _age(newest, 1)
    rows = list(WorkplaceScore.objects.filter(run=old).order_by("rank")[:2])
    # a control 850 days ago is judged by the oldest run; one 10 days ago by the newest
    long_ago = timezone.localdate() - dt.timedelta(days=850)
    closed_control(staff.cast, rows[0].workplace_id, day=long_ago, finding="SKV_NO_FTAX")
    closed_control(staff.cast, rows[1].workplace_id, day=timezone.localdate(), finding=None)
    analyst = staff.actor("skv_analyst")
    before = queries.feedback(actor=analyst, owner="SKV")
    total = WorkplaceScore.objects.count()

    result = purge_runs(actor=Actor.system(), today=timezone.localdate())

    assert result.scores_kept == 1  # the oldest run's score of the first control's site
    assert list(WorkplaceScore.objects.filter(run=old).values_list("workplace_id", flat=True)) == [
        rows[0].workplace_id
    ]
    assert not ScoringRun.objects.filter(pk=middle.pk).exists()  # nothing in it was needed
    assert WorkplaceScore.objects.filter(run=newest).count() == newest.workplaces
    assert result.runs_deleted == 1
    assert result.scores_deleted == total - WorkplaceScore.objects.count()
    after = queries.feedback(actor=analyst, owner="SKV")
    assert after.own == before.own  # the same controls judged, the same hits
    assert after.own_mean_score == before.own_mean_score
    assert [r.own for r in after.indicators] == [r.own for r in before.indicators]
    entry = AuditEntry.objects.filter(object_type="ScoringRun", action="retention_purge").get()
    assert entry.detail["scores_deleted"] == result.scores_deleted


def test_the_newest_run_stays_whole_however_old_and_recent_runs_are_untouched(
    scored: ScoringRun,
) -> None:
    _age(scored, 2000)
    scored.refresh_from_db()
    failed = ScoringRun.objects.create(
        owner=scored.owner,
        started_at=scored.started_at,
        finished_at=scored.finished_at,
        started_by="system",
        status=ScoringRun.Status.FAILED,
    )
    result = purge_runs(actor=Actor.system(), today=timezone.localdate())
    assert WorkplaceScore.objects.filter(run=scored).count() == scored.workplaces
    assert not ScoringRun.objects.filter(pk=failed.pk).exists()
    assert (result.runs_deleted, result.scores_deleted) == (1, 0)
    again = purge_runs(actor=Actor.system(), today=timezone.localdate())
    assert (again.runs_deleted, again.scores_deleted) == (0, 0)


def test_only_the_system_and_administrators_may_purge(scored: ScoringRun, staff: Staffed) -> None:
    for name in ["skv_analyst", "skv_auditor", "coordinator"]:
        with pytest.raises(Forbidden):
            purge_runs(actor=staff.actor(name), today=timezone.localdate())
    assert ScoringRun.objects.filter(pk=scored.pk).exists()
