"""Writes of risk-based selection: score the registers, train a model, activate a model,
add chosen workplaces to the plan as a draft control.

Every service: authorize → validate → compute (outside the transaction; the engine is
pure) → write in one ``transaction.atomic()`` with its audit entry.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from akrim.audit import services as audit
from akrim.controls.models import Control
from akrim.controls.services import draft_control
from akrim.core.actor import Actor
from akrim.core.errors import DomainError, Forbidden, InvalidInput, NotFound
from akrim.core.reference import sni_section
from akrim.engines.exchange.opening_hours import parse_opening_hours
from akrim.engines.scoring.card import model_card
from akrim.engines.scoring.indicators import INDICATORS, compute_features
from akrim.engines.scoring.model import Model, score, train
from akrim.organisation.models import Agency, Municipality
from akrim.registry.models import Workplace
from akrim.targeting import policies
from akrim.targeting.frames import register_frames
from akrim.targeting.models import ScoringModel, ScoringRun, WorkplaceScore

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]
BATCH = 5000
MAX_PLAN = 50  # workplaces in one draft (the controls app's limit)
MAX_PURPOSE = 2000
FOUNDERS = ("AV", "POL", "SKV")  # members of every centre since it opened
SLOT_HOURS = 3
SLOT_STARTS = (dt.time(9, 0), dt.time(13, 0), dt.time(18, 0))
SLOT_DAYS = 14


# --- scoring ---------------------------------------------------------------------------


def _owner(actor: Actor, owner: str | None) -> str:
    code = (owner or actor.agency or "").strip().upper()
    if not code:
        raise InvalidInput("Name the agency whose registers to score.")
    if not Agency.objects.filter(code=code).exists():
        raise InvalidInput("Unknown agency %(agency)s.", agency=code[:8])
    return code


def scored_owners() -> list[str]:
    """Agencies that hold register workplaces (what a nightly run scores)."""
    return sorted(set(Workplace.objects.values_list("owner__code", flat=True).distinct()))


def _features(owner: str, progress: Progress | None) -> pl.DataFrame:
    frames = register_frames(owner=owner, progress=progress)
    if frames["workplaces"].height == 0:
        raise InvalidInput("%(owner)s has no workplaces in its registers.", owner=owner)
    return compute_features(frames, progress=progress)


def _active(owner: str) -> ScoringModel | None:
    return ScoringModel.objects.filter(owner__code=owner, active=True).first()


def _store_model(
    actor: Actor, owner: str, model: Model, features: pl.DataFrame, *, active: bool
) -> ScoringModel:
    """Inside the caller's transaction: keep ``model`` (active when asked, replacing the
    owner's active one)."""
    now = timezone.now()
    if active:
        ScoringModel.objects.filter(owner__code=owner, active=True).update(active=False)
    return ScoringModel.objects.create(
        owner=Agency.objects.get(code=owner),
        model={**model.to_json(), "validation": _finite(model.validation)},
        created_by=User.objects.filter(pk=actor.user_id).first() if actor.user_id else None,
        created_by_name=actor.username,
        trained_on=model.trained_on,
        positives=model.positives,
        fallback=model.fallback,
        validation=_finite(model.validation),
        active=active,
        activated_at=now if active else None,
        card=model_card(model, features, source=f"{owner} registers in akrim"),
    )


def _number(value: Any) -> float:
    """A float fit for JSON (NaN and infinities are not: they count as 0, no signal)."""
    number = float(value)
    return round(number, 6) if math.isfinite(number) else 0.0


def _finite(values: dict[str, Any]) -> dict[str, float]:
    """Metrics fit for JSON: a metric that could not be computed (NaN) is left out."""
    return {str(k): round(float(v), 6) for k, v in values.items() if math.isfinite(float(v))}


def _centres() -> dict[str, str]:
    return dict(Municipality.objects.values_list("code", "county__centre__code"))


def _score_rows(scored: pl.DataFrame, features: pl.DataFrame) -> list[WorkplaceScore]:
    """The engine's scores joined with the features, as unsaved rows (rank from 1)."""
    codes = [i.code for i in INDICATORS if i.code in features.columns]
    keep = ["workplace_id", "municipality", "sni", "opening_hours"]
    keep += ["controlled_before", "found_before", *codes]
    joined = scored.join(
        features.select(keep).rename({c: f"signal_{c}" for c in codes}),
        on="workplace_id",
        how="left",
    )
    centres = _centres()
    contrib = [c for c in codes if f"contrib_{c}" in joined.columns]
    rows = []
    for rank, row in enumerate(joined.iter_rows(named=True), start=1):
        municipality = row["municipality"] or ""
        rows.append(
            WorkplaceScore(
                workplace_id=row["workplace_id"],
                rank=rank,
                score=float(row["score"]),
                contributions={c: _number(row[f"contrib_{c}"] or 0.0) for c in contrib},
                signals={c: _number(row[f"signal_{c}"] or 0.0) for c in codes},
                reasons=row["reasons"] or "",
                centre=centres.get(municipality, ""),
                municipality=municipality,
                sni_section=sni_section(row["sni"] or ""),
                opening_hours=(row["opening_hours"] or "")[:255],
                controlled_before=bool(row["controlled_before"]),
                found_before=bool(row["found_before"]),
            )
        )
    return rows


def _failed(actor: Actor, owner: str, started: dt.datetime, seconds: float, error: str) -> None:
    with transaction.atomic():
        run = ScoringRun.objects.create(
            owner=Agency.objects.get(code=owner),
            started_at=started,
            finished_at=timezone.now(),
            started_by=actor.username,
            status=ScoringRun.Status.FAILED,
            seconds=round(seconds, 3),
            error=error[:500],
        )
        audit.record(
            actor=actor,
            action="score_workplaces_failed",
            object_type="scoring_run",
            object_id=str(run.pk),
            object_owner=owner,
            detail={"error": error[:500]},
        )


def run_scoring(
    *, actor: Actor, owner: str | None = None, progress: Progress | None = None
) -> ScoringRun:
    """Score every workplace of ``owner``'s operating companies (default: the actor's
    agency) from the registers in the database and akrim's closed controls, with the
    owner's active model; the first run trains one (and makes it active). Stores the run
    and its scores in one transaction with an audit entry.

    Callable by the system, administrators, and analysts and coordinators of a centre for
    their own agency. Raises Forbidden, InvalidInput (unknown agency, no workplaces). An
    engine failure is recorded as a failed run and raised again.
    """
    policies.check_may_use(actor=actor)
    code = _owner(actor, owner)
    policies.check_may_score(actor=actor, owner=code)
    started, clock = timezone.now(), time.perf_counter()
    try:
        features = _features(code, progress)
        stored = _active(code)
        trained: Model | None = None
        if stored is None:
            model = trained = train(features)
        else:
            model = Model.from_json(stored.model)
        rows = _score_rows(score(model, features), features)
    except DomainError:
        raise
    except Exception as error:
        log.exception("scoring %s failed", code)
        _failed(actor, code, started, time.perf_counter() - clock, f"{type(error).__name__}")
        raise
    with transaction.atomic():
        if trained is not None:
            stored = _store_model(actor, code, trained, features, active=True)
        run = ScoringRun.objects.create(
            owner=Agency.objects.get(code=code),
            model=stored,
            started_at=started,
            finished_at=timezone.now(),
            started_by=actor.username,
            status=ScoringRun.Status.DONE,
            workplaces=len(rows),
            seconds=round(time.perf_counter() - clock, 3),
        )
        for row in rows:
            row.run = run
        for offset in range(0, len(rows), BATCH):
            WorkplaceScore.objects.bulk_create(rows[offset : offset + BATCH])
            if progress is not None:
                progress("store", min(offset + BATCH, len(rows)), len(rows))
        audit.record(
            actor=actor,
            action="score_workplaces",
            object_type="scoring_run",
            object_id=str(run.pk),
            object_owner=code,
            detail={
                "model": stored.pk if stored else None,
                "trained": trained is not None,
                "workplaces": len(rows),
            },
        )
    run.seconds = round(time.perf_counter() - clock, 3)
    ScoringRun.objects.filter(pk=run.pk).update(seconds=run.seconds)
    return run


# --- training --------------------------------------------------------------------------


@dataclass(frozen=True)
class TrainingResult:
    """The owner's active model before training (if any) and the new one, side by side."""

    old: ScoringModel | None
    new: ScoringModel

    @property
    def metrics(self) -> list[tuple[str, float | None, float | None]]:
        """(metric, old value, new value) for every metric either model reports."""
        old = self.old.validation if self.old else {}
        names = sorted(set(old) | set(self.new.validation))
        return [(n, old.get(n), self.new.validation.get(n)) for n in names]


def train_model(
    *,
    actor: Actor,
    owner: str | None = None,
    activate: bool = False,
    seed: int = 0,
    progress: Progress | None = None,
) -> TrainingResult:
    """Retrain from ``owner``'s registers and akrim's closed controls. The new model is
    kept beside the active one and becomes active only with ``activate`` (or when the
    owner has no active model yet). Same callers and errors as ``run_scoring``."""
    policies.check_may_use(actor=actor)
    code = _owner(actor, owner)
    policies.check_may_score(actor=actor, owner=code)
    features = _features(code, progress)
    model = train(features, seed=seed)
    with transaction.atomic():
        old = _active(code)
        new = _store_model(actor, code, model, features, active=activate or old is None)
        audit.record(
            actor=actor,
            action="train_scoring_model",
            object_type="scoring_model",
            object_id=str(new.pk),
            object_owner=code,
            detail={
                "previous": old.pk if old else None,
                "active": new.active,
                "trained_on": new.trained_on,
                "positives": new.positives,
                "fallback": new.fallback,
                "validation": new.validation,
            },
        )
    return TrainingResult(old=old, new=new)


def activate_model(*, actor: Actor, model_id: int) -> ScoringModel:
    """Make a kept model the owner's active one. Same callers as ``run_scoring``.
    Raises NotFound, Forbidden."""
    policies.check_may_use(actor=actor)
    with transaction.atomic():
        row = ScoringModel.objects.select_for_update().filter(pk=model_id).first()
        if row is None:
            raise NotFound()
        owner = Agency.objects.get(pk=row.owner_id).code
        policies.check_may_score(actor=actor, owner=owner)
        ScoringModel.objects.filter(owner_id=row.owner_id, active=True).update(active=False)
        row.active, row.activated_at = True, timezone.now()
        row.save(update_fields=["active", "activated_at"])
        audit.record(
            actor=actor,
            action="activate_scoring_model",
            object_type="scoring_model",
            object_id=str(row.pk),
            object_owner=owner,
        )
    return row


# --- add to plan -----------------------------------------------------------------------


def _keys(workplace_ids: Sequence[str]) -> list[str]:
    keys = sorted({str(key).strip() for key in workplace_ids if str(key).strip()})
    if not keys:
        raise InvalidInput("Choose at least one workplace.")
    if len(keys) > MAX_PLAN or any(len(key) > 40 for key in keys):
        raise InvalidInput("Choose at most %(max)s workplaces.", max=MAX_PLAN)
    return keys


def _is_open(texts: Sequence[str], start: dt.datetime) -> bool:
    for text in texts:
        try:
            if not parse_opening_hours(text).is_open(start):
                return False
        except ValueError:
            continue  # unreadable hours do not block, as in the controls app
    return True


def default_slot(texts: Sequence[str], today: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The first weekday slot (09–12, 13–16 or 18–21) in the next two weeks when every
    site is open by its register opening hours; else the next weekday 09–12."""
    zone = timezone.get_current_timezone()
    days = [today + dt.timedelta(days=n) for n in range(1, SLOT_DAYS + 1)]
    weekdays = [day for day in days if day.weekday() < 5]
    for day in weekdays:
        for start in SLOT_STARTS:
            moment = dt.datetime.combine(day, start, tzinfo=zone)
            if _is_open(texts, moment):
                return moment, moment + dt.timedelta(hours=SLOT_HOURS)
    moment = dt.datetime.combine(weekdays[0], SLOT_STARTS[0], tzinfo=zone)
    return moment, moment + dt.timedelta(hours=SLOT_HOURS)


def purpose_text(scores: Sequence[WorkplaceScore], reasons: dict[str, str]) -> str:
    """The draft's purpose: why each workplace was chosen, within the controls app's
    2000 characters (long reasons are cut, never the list of workplaces)."""
    head = _("Chosen by risk-based selection (run %(run)s). Reasons per workplace:") % {
        "run": ", ".join(sorted({str(s.run_id) for s in scores}))
    }
    lines = [
        f"- {s.workplace_id} ({round(100 * s.score)} %): {reasons.get(s.workplace_id) or '-'}"
        for s in scores
    ]
    room = MAX_PURPOSE - len(head) - len(lines)
    share = max(room // max(len(lines), 1), 20)
    cut = [line if len(line) <= share else line[: share - 1] + "…" for line in lines]
    return "\n".join([head, *cut])[:MAX_PURPOSE]


def add_to_plan(
    *,
    actor: Actor,
    workplace_ids: Sequence[str],
    centre: str,
    starts_at: dt.datetime | None = None,
    ends_at: dt.datetime | None = None,
    outside_opening_hours: bool = False,
) -> Control:
    """Create a DRAFT control at ``centre`` for workplaces on its selection list, with
    each workplace's score and reasons in the purpose. Without a time, the first
    weekday slot in two weeks when every site is open is used. Agencies: AV, POL and SKV
    (members of every centre) and the actor's own; the actor's agency leads.

    Callable by coordinators of the centre (and administrators). Raises Forbidden,
    InvalidInput (no or too many workplaces, one not on the centre's list), Conflict
    (from the controls app, e.g. a site closed at the chosen time).
    """
    from akrim.targeting import queries

    policies.check_may_use(actor=actor)
    centre = centre.strip().lower()[:20]
    if not policies.may_plan(actor=actor, centre=centre):
        raise Forbidden("Only a coordinator of the centre may add workplaces to its plan.")
    keys = _keys(workplace_ids)
    scores = queries.latest_scores(actor=actor, workplace_ids=keys, centre=centre)
    missing = [key for key in keys if key not in scores]
    if missing:
        raise InvalidInput(
            "Not on the selection list of the centre: %(ids)s.", ids=", ".join(missing[:10])
        )
    chosen = [scores[key] for key in keys]
    if starts_at is None or ends_at is None:
        starts_at, ends_at = default_slot([s.opening_hours for s in chosen], timezone.localdate())
    agencies = sorted({*FOUNDERS, *([actor.agency] if actor.agency else [])})
    reasons = {s.workplace_id: queries.reasons_of(s) for s in chosen}
    with transaction.atomic():
        control = draft_control(
            actor=actor,
            centre=centre,
            lead_agency=actor.agency or FOUNDERS[0],
            agencies=agencies,
            workplaces=keys,
            starts_at=starts_at,
            ends_at=ends_at,
            purpose=purpose_text(chosen, reasons),
            outside_opening_hours=outside_opening_hours,
        )
        audit.record(
            actor=actor,
            action="add_to_plan",
            object_type="control",
            object_id=str(control.pk),
            detail={
                "workplaces": keys,
                "scores": {s.workplace_id: [s.run_id, round(s.score, 4)] for s in chosen},
            },
        )
    return control
