"""Retention of scoring runs: old runs give up the scores nobody needs any more.

A run's scores are kept for ``AKRIM_SCORE_RETENTION_DAYS`` (default two years: a year of
feedback and the year before it). After that a run keeps only

- everything, if it is its owner's newest finished run (the selection list reads it), and
- the score of each workplace that a joint control later visited, when that run is the one
  the feedback page judges the control by (the newest run before the control's start that
  scored the workplace) — so hit rates and the calibration check do not change.

Failed runs past the cutoff, and finished runs left without scores, are deleted. Run
nightly with the register purge (``akrim retention purge``); one audit entry per purge.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction

from akrim.audit import services as audit
from akrim.controls.models import ControlWorkplace
from akrim.core.actor import Actor, Role
from akrim.core.errors import Forbidden
from akrim.targeting.models import ScoringRun, WorkplaceScore

DEFAULT_DAYS = 730
CHUNK = 2_000  # workplace keys per IN (...) list


@dataclass(frozen=True)
class RunPurge:
    cutoff: dt.date
    runs_deleted: int
    scores_deleted: int
    scores_kept: int  # scores of old runs kept for the feedback loop


def retention_days() -> int:
    return int(getattr(settings, "AKRIM_SCORE_RETENTION_DAYS", DEFAULT_DAYS))


def purge_runs(*, actor: Actor, today: dt.date) -> RunPurge:
    """Thin out scoring runs older than the retention (see the module). The system and
    administrators only (raises Forbidden); all or nothing, in one transaction."""
    if not (actor.is_system or actor.has_role(Role.ADMIN)):
        raise Forbidden()
    cutoff = today - dt.timedelta(days=retention_days())
    start = dt.datetime.combine(cutoff, dt.time(), tzinfo=ZoneInfo(settings.TIME_ZONE))
    runs_deleted = scores_deleted = kept = 0
    with transaction.atomic():
        failed = ScoringRun.objects.filter(status=ScoringRun.Status.FAILED, finished_at__lt=start)
        runs_deleted += failed.delete()[1].get(ScoringRun._meta.label, 0)
        for owner in _owners_with_old_runs(start):
            keep = _judged(owner)
            done = ScoringRun.objects.filter(owner_id=owner, status=ScoringRun.Status.DONE)
            newest = done.order_by("-finished_at", "-id").values_list("id", flat=True).first()
            for run in done.filter(finished_at__lt=start).exclude(id=newest or 0):
                wanted = keep.get(run.pk, set())
                doomed = WorkplaceScore.objects.filter(run=run).exclude(
                    workplace_id__in=sorted(wanted)
                )
                scores_deleted += doomed.delete()[0]
                left = WorkplaceScore.objects.filter(run=run).count()
                kept += left
                if not left:
                    run.delete()
                    runs_deleted += 1
        audit.record(
            actor=actor,
            action="retention_purge",
            object_type="ScoringRun",
            detail={
                "retention_days": retention_days(),
                "cutoff": cutoff.isoformat(),
                "runs_deleted": runs_deleted,
                "scores_deleted": scores_deleted,
                "scores_kept": kept,
            },
        )
    return RunPurge(cutoff, runs_deleted, scores_deleted, kept)


def _owners_with_old_runs(start: dt.datetime) -> list[int]:
    return sorted(
        set(
            ScoringRun.objects.filter(
                status=ScoringRun.Status.DONE, finished_at__lt=start
            ).values_list("owner_id", flat=True)
        )
    )


def _judged(owner: int) -> dict[int, set[str]]:
    """Run id → the workplace keys whose score in that run the feedback page uses: for each
    visit of a joint control, the newest of ``owner``'s runs before the control's start that
    scored the workplace."""
    visits: dict[str, list[dt.datetime]] = defaultdict(list)
    for key, starts_at in ControlWorkplace.objects.values_list(
        "workplace_id", "control__starts_at"
    ):
        visits[key].append(starts_at)
    open_visits = {(key, start) for key, starts in visits.items() for start in starts}
    runs = ScoringRun.objects.filter(owner_id=owner, status=ScoringRun.Status.DONE).order_by(
        "-finished_at", "-id"
    )
    judged: dict[int, set[str]] = defaultdict(set)
    for run_id, finished_at in runs.values_list("id", "finished_at"):
        waiting = sorted({key for key, start in open_visits if start > finished_at})
        if not waiting:
            continue
        present: set[str] = set()
        for i in range(0, len(waiting), CHUNK):
            present.update(
                WorkplaceScore.objects.filter(
                    run_id=run_id, workplace_id__in=waiting[i : i + CHUNK]
                ).values_list("workplace_id", flat=True)
            )
        found = {
            (key, start) for key, start in open_visits if key in present and start > finished_at
        }
        judged[run_id].update(key for key, _start in found)
        open_visits -= found
        if not open_visits:
            break
    return judged
