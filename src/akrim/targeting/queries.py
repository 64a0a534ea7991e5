"""Reads of risk-based selection: the selection list, a workplace's score history and
explanation, the feedback figures and the bias and coverage report.

Every read starts with ``policies.check_may_use`` (analysts and coordinators of a centre,
administrators) and shows only scores of workplaces whose owner's register row the actor
may see (``policies.visible_workplaces``). Reads that show workplaces write an audit entry.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import get_language

from akrim.audit import services as audit
from akrim.controls import policies as control_policies
from akrim.controls.models import Control, ControlWorkplace, Finding, Status
from akrim.core.actor import Actor
from akrim.core.errors import InvalidInput, NotFound
from akrim.core.reference import SNI_SECTIONS, municipality_name, sni_section_label
from akrim.core.text import looks_like_key
from akrim.engines.exchange.opening_hours import is_public_holiday, parse_opening_hours
from akrim.engines.scoring.indicators import BY_CODE, Indicator
from akrim.engines.scoring.model import MIN_REASON
from akrim.organisation.models import Centre, Municipality
from akrim.registry.models import Workplace
from akrim.targeting import policies
from akrim.targeting.models import ScoringModel, ScoringRun, WorkplaceScore

PAGE_SIZE = 100
MAX_PAGE = 100_000
TOP_REASONS = 3
DEFAULT_TOP = 100
MAX_TOP = 100_000
WEEKDAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
TIME = re.compile(r"^([01][0-9]|2[0-3]):([0-5][0-9])$")
MAX_PARAM = 20  # characters of any filter value


# --- indicators in plain words ---------------------------------------------------------


def indicators() -> dict[str, Indicator]:
    return BY_CODE


def reason(indicator: Indicator) -> str:
    """The indicator's plain-words reason in the current language."""
    return indicator.reason_sv if (get_language() or "").startswith("sv") else indicator.reason_en


def reasons_of(row: WorkplaceScore, *, top: int = TOP_REASONS) -> str:
    """The reasons of a score in the current language: the ``top`` indicators that raised
    it most, by at least the engine's threshold (its English text when none is known)."""
    known = indicators()
    order = {code: index for index, code in enumerate(known)}
    raised = sorted(
        (
            (value, code)
            for code, value in row.contributions.items()
            if (value or 0) >= MIN_REASON and code in known
        ),
        key=lambda item: (-item[0], order[item[1]]),
    )
    words = [reason(known[code]) for _value, code in raised[:top]]
    return "; ".join(words) if words else row.reasons


# --- runs and what the actor may see ---------------------------------------------------


def latest_runs() -> list[ScoringRun]:
    """The newest finished run of each owner agency."""
    done = ScoringRun.objects.filter(status=ScoringRun.Status.DONE)
    newest = done.filter(owner_id=OuterRef("owner_id")).order_by("-finished_at", "-id")
    latest = done.filter(pk=Subquery(newest.values("pk")[:1])).select_related("owner")
    return sorted(latest, key=lambda run: run.owner.code)


def _visible(actor: Actor, runs: Iterable[ScoringRun]) -> Q | None:
    """Scores of these runs whose workplace the actor may see; None when none."""
    combined: Q | None = None
    for run in runs:
        keys = policies.visible_workplaces(actor=actor, owner=run.owner.code)
        q = Q(run=run, workplace_id__in=keys)
        combined = q if combined is None else combined | q
    return combined


def _scores(actor: Actor, runs: Sequence[ScoringRun]) -> QuerySet[WorkplaceScore]:
    q = _visible(actor, runs)
    return WorkplaceScore.objects.none() if q is None else WorkplaceScore.objects.filter(q)


def latest_scores(
    *, actor: Actor, workplace_ids: Sequence[str], centre: str
) -> dict[str, WorkplaceScore]:
    """The latest visible score of each workplace on ``centre``'s list (the actor's own
    agency's run first when several owners scored it)."""
    rows = (
        _scores(actor, latest_runs())
        .filter(workplace_id__in=list(workplace_ids), centre=centre)
        .select_related("run__owner")
    )
    found: dict[str, WorkplaceScore] = {}
    for row in sorted(rows, key=lambda r: (r.run.owner.code != actor.agency, r.run.owner.code)):
        found.setdefault(row.workplace_id, row)
    return found


def _audit_read(actor: Actor, object_type: str, object_id: str, detail: dict[str, Any]) -> None:
    audit.record(
        actor=actor, action="read", object_type=object_type, object_id=object_id, detail=detail
    )


# --- the selection list ----------------------------------------------------------------


@dataclass(frozen=True)
class SelectionFilters:
    """What the selection list is narrowed to. ``min_score`` is a percentage."""

    centre: str
    municipality: str = ""
    section: str = ""
    open_day: int | None = None  # 0 = Monday
    open_time: dt.time | None = None
    min_score: int = 0
    page: int = 1


def _param(params: Mapping[str, str], name: str) -> str:
    value = str(params.get(name, "") or "").strip()
    if len(value) > MAX_PARAM:
        raise InvalidInput("The filter %(field)s is too long.", field=name)
    return value


def _whole(value: str, name: str, low: int, high: int) -> int:
    if not value.isascii() or not value.isdigit() or not low <= int(value) <= high:
        raise InvalidInput(
            "%(field)s must be a whole number from %(low)s to %(high)s.",
            field=name,
            low=low,
            high=high,
        )
    return int(value)


def centre_choices(*, actor: Actor) -> list[tuple[str, str]]:
    """(code, name) of the centres whose list the actor may open."""
    names = dict(Centre.objects.order_by("name").values_list("code", "name"))
    allowed = policies.centres_of(actor=actor, all_centres=list(names))
    return [(code, names[code]) for code in names if code in allowed]


def _centre(actor: Actor, value: str) -> str:
    choices = [code for code, _name in centre_choices(actor=actor)]
    if not value:
        if not choices:
            raise NotFound()
        return choices[0]
    code = value.lower()
    if code in choices:
        return code
    if Centre.objects.filter(code=code).exists():
        raise NotFound()  # another centre's list: not for this actor
    raise InvalidInput("Unknown centre %(centre)s.", centre=value)


def _open_at(params: Mapping[str, str]) -> tuple[int | None, dt.time | None]:
    day, moment = _param(params, "day"), _param(params, "time")
    if not day and not moment:
        return None, None
    if not day or not moment:
        raise InvalidInput("To filter by opening hours, give both a weekday and a time.")
    if day not in WEEKDAYS:
        raise InvalidInput("The weekday must be one of %(days)s.", days=", ".join(WEEKDAYS))
    match = TIME.match(moment)
    if match is None:
        raise InvalidInput("The time must be written HH:MM, from 00:00 to 23:59.")
    return WEEKDAYS.index(day), dt.time(int(match[1]), int(match[2]))


def parse_selection(*, actor: Actor, params: Mapping[str, str]) -> SelectionFilters:
    """The filters of the query string; raises InvalidInput naming the wrong one, NotFound
    for another centre's list, Forbidden for actors who may not use selection."""
    policies.check_may_use(actor=actor)
    centre = _centre(actor, _param(params, "centre"))
    municipality = _param(params, "municipality")
    if municipality and not (
        len(municipality) == 4
        and municipality.isascii()
        and municipality.isdigit()
        and Municipality.objects.filter(code=municipality).exists()
    ):
        raise InvalidInput("The municipality must be a four-digit municipality code.")
    section = _param(params, "industry").upper()
    if section and section not in SNI_SECTIONS:
        raise InvalidInput("The industry must be an SNI section letter from A to U.")
    day, moment = _open_at(params)
    raw_score, raw_page = _param(params, "min_score"), _param(params, "page")
    return SelectionFilters(
        centre=centre,
        municipality=municipality,
        section=section,
        open_day=day,
        open_time=moment,
        min_score=_whole(raw_score, "min_score", 0, 100) if raw_score else 0,
        page=_whole(raw_page, "page", 1, MAX_PAGE) if raw_page else 1,
    )


def next_weekday(day: int, today: dt.date) -> dt.date:
    """The next date (from today) on that weekday that is not a public holiday."""
    date = today + dt.timedelta(days=(day - today.weekday()) % 7)
    while is_public_holiday(date):
        date += dt.timedelta(days=7)
    return date


def _open_filter(rows: Iterable[tuple[int, str]], moment: dt.datetime) -> list[int]:
    """Ids of the rows whose opening hours say open at ``moment``; unreadable or missing
    hours are left out (we cannot say the site is open)."""
    known: dict[str, bool] = {}
    kept = []
    for pk, text in rows:
        if text not in known:
            try:
                known[text] = bool(text) and parse_opening_hours(text).is_open(moment)
            except ValueError:
                known[text] = False
        if known[text]:
            kept.append(pk)
    return kept


@dataclass(frozen=True)
class SelectionRow:
    score: WorkplaceScore
    owner: str
    name: str | None  # None: the actor's grants withhold the name
    reasons: str

    @property
    def percent(self) -> int:
        return round(100 * self.score.score)


@dataclass(frozen=True)
class Selection:
    filters: SelectionFilters
    runs: list[ScoringRun]
    rows: list[SelectionRow]
    total: int
    pages: int
    open_on: dt.datetime | None  # the moment the opening-hours filter checked

    @property
    def page(self) -> int:
        return min(self.filters.page, self.pages)


def _narrowed(
    actor: Actor, runs: list[ScoringRun], f: SelectionFilters
) -> QuerySet[WorkplaceScore]:
    rows = _scores(actor, runs).filter(centre=f.centre)
    if f.municipality:
        rows = rows.filter(municipality=f.municipality)
    if f.section:
        rows = rows.filter(sni_section=f.section)
    if f.min_score:
        rows = rows.filter(score__gte=f.min_score / 100)
    if len(runs) == 1:  # one run: its rank is the order, and the index serves it
        return rows.order_by("rank")
    return rows.order_by("-score", "workplace_id", "run_id")


def _names(actor: Actor, rows: Sequence[WorkplaceScore]) -> dict[tuple[str, str], str | None]:
    """(owner, workplace key) -> name, or None when the actor's grants withhold names."""
    names: dict[tuple[str, str], str | None] = {}
    by_owner: dict[str, list[str]] = {}
    for row in rows:
        by_owner.setdefault(row.run.owner.code, []).append(row.workplace_id)
    for owner, keys in by_owner.items():
        fields = policies.shown_fields(actor=actor, owner=owner)
        shown = fields is None or "name" in fields
        for key, name in Workplace.objects.filter(
            owner__code=owner, workplace_id__in=keys
        ).values_list("workplace_id", "name"):
            names[(owner, key)] = name if shown else None
    return names


def selection(*, actor: Actor, filters: SelectionFilters) -> Selection:
    """One page of a centre's selection list, highest score first. Audited read."""
    policies.check_may_use(actor=actor)
    runs = latest_runs()
    rows = _narrowed(actor, runs, filters)
    open_on = None
    if filters.open_day is not None and filters.open_time is not None:
        day = next_weekday(filters.open_day, timezone.localdate())
        open_on = dt.datetime.combine(
            day, filters.open_time, tzinfo=timezone.get_current_timezone()
        )
        ids = _open_filter(rows.values_list("pk", "opening_hours").iterator(), open_on)
        total = len(ids)
        pages = max(1, -(-total // PAGE_SIZE))
        page = min(filters.page, pages)
        wanted = ids[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
        chosen = list(rows.filter(pk__in=wanted).select_related("run__owner"))
    else:
        total = rows.count()
        pages = max(1, -(-total // PAGE_SIZE))
        page = min(filters.page, pages)
        start = (page - 1) * PAGE_SIZE
        chosen = list(rows.select_related("run__owner")[start : start + PAGE_SIZE])
    names = _names(actor, chosen)
    result = [
        SelectionRow(
            score=row,
            owner=row.run.owner.code,
            name=names.get((row.run.owner.code, row.workplace_id)),
            reasons=reasons_of(row),
        )
        for row in chosen
    ]
    with transaction.atomic():
        _audit_read(
            actor,
            "workplace_scores",
            filters.centre,
            {
                "filters": {
                    "municipality": filters.municipality,
                    "industry": filters.section,
                    "open_at": open_on.isoformat() if open_on else "",
                    "min_score": filters.min_score,
                    "page": page,
                },
                "workplaces": [row.score.workplace_id for row in result],
            },
        )
    return Selection(filters, runs, result, total, pages, open_on)


def municipality_choices(centre: str) -> list[tuple[str, str]]:
    codes = Municipality.objects.filter(county__centre__code=centre).values_list("code", flat=True)
    return sorted(((code, municipality_name(code)) for code in codes), key=lambda c: c[1])


def section_choices() -> list[tuple[str, str]]:
    language = get_language() or "en"
    return [(letter, sni_section_label(letter, language)) for letter in SNI_SECTIONS]


# --- one workplace ---------------------------------------------------------------------


@dataclass(frozen=True)
class Explanation:
    """One indicator's part in a score."""

    indicator: Indicator
    reason: str
    signal: float
    contribution: float


@dataclass(frozen=True)
class WorkplaceHistory:
    workplace_id: str
    owner: str
    name: str | None
    scores: list[WorkplaceScore]  # newest run first
    explanation: list[Explanation]  # of the newest score, largest contribution first

    @property
    def latest(self) -> WorkplaceScore:
        return self.scores[0]


def _explain(row: WorkplaceScore) -> list[Explanation]:
    items = [
        Explanation(
            indicator=indicator,
            reason=reason(indicator),
            signal=float(row.signals.get(code) or 0.0),
            contribution=float(row.contributions.get(code) or 0.0),
        )
        for code, indicator in indicators().items()
        if code in row.contributions or code in row.signals
    ]
    return sorted(items, key=lambda e: (-e.contribution, e.indicator.code))


def workplace_history(*, actor: Actor, workplace_id: str) -> WorkplaceHistory:
    """Every finished run's score of one workplace and the newest score's explanation,
    from the owners whose workplace record the actor may see (the actor's own agency's
    first). Audited read. Raises Forbidden, NotFound (unknown or not visible)."""
    policies.check_may_use(actor=actor)
    if not looks_like_key(workplace_id, max_length=40):
        raise NotFound()
    owners = sorted(
        set(
            WorkplaceScore.objects.filter(
                workplace_id=workplace_id, run__status=ScoringRun.Status.DONE
            ).values_list("run__owner__code", flat=True)
        ),
        key=lambda code: (code != actor.agency, code),
    )
    owner = next(
        (
            code
            for code in owners
            if policies.visible_workplaces(actor=actor, owner=code)
            .filter(workplace_id=workplace_id)
            .exists()
        ),
        None,
    )
    if owner is None:
        raise NotFound()
    scores = list(
        WorkplaceScore.objects.filter(
            workplace_id=workplace_id,
            run__owner__code=owner,
            run__status=ScoringRun.Status.DONE,
        )
        .select_related("run__model")
        .order_by("-run__finished_at", "-run_id")
    )
    name = _names(actor, [scores[0]]).get((owner, workplace_id)) if scores else None
    with transaction.atomic():
        _audit_read(actor, "workplace_score", workplace_id, {"owner": owner, "runs": len(scores)})
    return WorkplaceHistory(workplace_id, owner, name, scores, _explain(scores[0]))


# --- feedback ---------------------------------------------------------------------------


@dataclass(frozen=True)
class HitRate:
    """Of ``pointed`` controls where the indicator fired, ``hits`` found something."""

    pointed: int
    hits: int

    @property
    def rate(self) -> float | None:
        return self.hits / self.pointed if self.pointed else None


@dataclass(frozen=True)
class IndicatorFeedback:
    indicator: Indicator
    reason: str
    history: HitRate  # earlier controls in the registers' history (latest run)
    own: HitRate  # akrim's closed controls, by the score before the control


@dataclass(frozen=True)
class ModelColumn:
    model: ScoringModel
    values: dict[str, float | None]


@dataclass(frozen=True)
class Feedback:
    owner: str
    owners: list[str]
    run: ScoringRun | None
    history: HitRate  # every controlled workplace: the base rate
    own: HitRate  # every scored closed akrim control
    own_mean_score: float | None  # mean predicted chance of those controls
    indicators: list[IndicatorFeedback]
    metrics: list[str]
    models: list[ModelColumn]


def _owner_choice(actor: Actor, value: str) -> tuple[str, list[str], ScoringRun | None]:
    runs = {run.owner.code: run for run in latest_runs()}
    owners = sorted(runs)
    code = value.strip().upper()[:MAX_PARAM]
    if code and code not in owners:
        raise InvalidInput("No scores from agency %(agency)s.", agency=code)
    if not code:
        code = actor.agency if actor.agency in runs else (owners[0] if owners else "")
    return code, owners, runs.get(code)


def _history_rates(rows: QuerySet[WorkplaceScore]) -> tuple[HitRate, dict[str, HitRate]]:
    controlled = rows.filter(controlled_before=True)
    hit = Q(found_before=True)
    counts: dict[str, Any] = {"n": Count("id"), "hits": Count("id", filter=hit)}
    for code in indicators():  # one query for every indicator at once
        fired = Q(**{f"signals__{code}__gt": 0})
        counts[f"n_{code}"] = Count("id", filter=fired)
        counts[f"hits_{code}"] = Count("id", filter=fired & hit)
    got = controlled.aggregate(**counts)
    rates = {code: HitRate(got[f"n_{code}"], got[f"hits_{code}"]) for code in indicators()}
    return HitRate(got["n"], got["hits"]), rates


def _own_rates(actor: Actor, owner: str) -> tuple[HitRate, float | None, dict[str, HitRate]]:
    """akrim's closed controls (not imported history) the actor may see, each judged by
    the workplace's newest visible score from a run finished before the control began."""
    closed = control_policies.visible(
        Control.objects.filter(status=Status.CLOSED, imported_from__isnull=True), actor=actor
    )
    sites = list(
        ControlWorkplace.objects.filter(control__in=closed).values_list(
            "control_id", "workplace_id", "control__starts_at"
        )
    )
    with_finding = set(
        Finding.objects.filter(control__in=closed).values_list("control_id", flat=True)
    )
    runs = ScoringRun.objects.filter(owner__code=owner, status=ScoringRun.Status.DONE)
    keys = policies.visible_workplaces(actor=actor, owner=owner)
    scores: dict[str, list[WorkplaceScore]] = {}
    candidates = (
        WorkplaceScore.objects.filter(run__in=runs, workplace_id__in=keys)
        .filter(
            workplace_id__in=ControlWorkplace.objects.filter(control__in=closed).values(
                "workplace_id"
            )
        )
        .select_related("run")
        .order_by("-run__finished_at", "-run_id")
    )
    for row in candidates:
        scores.setdefault(row.workplace_id, []).append(row)
    judged: list[tuple[WorkplaceScore, bool]] = []
    for control_id, key, starts_at in sites:
        before = next((s for s in scores.get(key, []) if s.run.finished_at < starts_at), None)
        if before is not None:
            judged.append((before, control_id in with_finding))
    rates = {
        code: HitRate(
            sum(1 for s, _hit in judged if (s.signals.get(code) or 0) > 0),
            sum(1 for s, hit in judged if hit and (s.signals.get(code) or 0) > 0),
        )
        for code in indicators()
    }
    mean = sum(s.score for s, _hit in judged) / len(judged) if judged else None
    return HitRate(len(judged), sum(1 for _s, hit in judged if hit)), mean, rates


def _models(owner: str) -> tuple[list[str], list[ModelColumn]]:
    models = list(ScoringModel.objects.filter(owner__code=owner)[:6])
    metrics = sorted({name for m in models for name in m.validation})
    return metrics, [ModelColumn(m, {n: m.validation.get(n) for n in metrics}) for m in models]


def feedback(*, actor: Actor, owner: str = "") -> Feedback:
    """Per indicator, how often controls it pointed at found something, in the
    registers' history and in akrim's own closed controls; and the owner's models side
    by side. Raises Forbidden, InvalidInput (an owner without scores)."""
    policies.check_may_use(actor=actor)
    code, owners, run = _owner_choice(actor, owner)
    rows = _scores(actor, [run]) if run else WorkplaceScore.objects.none()
    base, history = _history_rates(rows)
    own, mean, own_rates = _own_rates(actor, code) if code else (HitRate(0, 0), None, {})
    known = indicators()
    items = [
        IndicatorFeedback(
            known[c],
            reason(known[c]),
            history.get(c, HitRate(0, 0)),
            own_rates.get(c, HitRate(0, 0)),
        )
        for c in known
    ]
    metrics, models = _models(code)
    return Feedback(code, owners, run, base, own, mean, items, metrics, models)


# --- bias and coverage ------------------------------------------------------------------


@dataclass(frozen=True)
class CoverageRow:
    key: str
    label: str
    register: int  # workplaces scored
    selected: int  # of them among the top N
    register_share: float
    selected_share: float
    controlled: int  # controlled before (history)
    hits: int  # of them with a finding
    selected_controlled: int
    selected_hits: int

    @property
    def register_percent(self) -> float:
        return 100 * self.register_share

    @property
    def selected_percent(self) -> float:
        return 100 * self.selected_share

    @property
    def ratio(self) -> float | None:
        """Share among the selected over share in the register (1 = proportional)."""
        return self.selected_share / self.register_share if self.register_share else None

    @property
    def hit_rate(self) -> float | None:
        return self.hits / self.controlled if self.controlled else None

    @property
    def selected_hit_rate(self) -> float | None:
        return self.selected_hits / self.selected_controlled if self.selected_controlled else None


@dataclass(frozen=True)
class Coverage:
    owner: str
    owners: list[str]
    run: ScoringRun | None
    top: int
    register: int
    selected: int
    by_industry: list[CoverageRow]
    by_municipality: list[CoverageRow]
    by_centre: list[CoverageRow]


def parse_top(value: str) -> int:
    value = value.strip()
    if len(value) > MAX_PARAM:
        raise InvalidInput("The filter %(field)s is too long.", field="top")
    return _whole(value, "top", 1, MAX_TOP) if value else DEFAULT_TOP


def _tally(rows: QuerySet[WorkplaceScore], field: str) -> dict[str, dict[str, int]]:
    counted = rows.values(field).annotate(
        n=Count("id"),
        controlled=Count("id", filter=Q(controlled_before=True)),
        hits=Count("id", filter=Q(controlled_before=True, found_before=True)),
    )
    return {str(r[field]): r for r in counted.order_by(field)}


def _breakdown(
    rows: QuerySet[WorkplaceScore],
    selected: QuerySet[WorkplaceScore],
    field: str,
    label: Any,
) -> list[CoverageRow]:
    register, chosen = _tally(rows, field), _tally(selected, field)
    total = sum(r["n"] for r in register.values()) or 1
    total_selected = sum(r["n"] for r in chosen.values()) or 1
    out = []
    for key, r in register.items():
        s = chosen.get(key, {"n": 0, "controlled": 0, "hits": 0})
        out.append(
            CoverageRow(
                key=key,
                label=label(key),
                register=r["n"],
                selected=s["n"],
                register_share=r["n"] / total,
                selected_share=s["n"] / total_selected,
                controlled=r["controlled"],
                hits=r["hits"],
                selected_controlled=s["controlled"],
                selected_hits=s["hits"],
            )
        )
    return sorted(out, key=lambda row: (-row.selected, -row.register, row.key))


def coverage(*, actor: Actor, owner: str = "", top: int = DEFAULT_TOP) -> Coverage:
    """The top ``top`` of the owner's latest run (of what the actor may see) by industry,
    municipality and centre, against the whole scored register, with hit rates of earlier
    controls by the same. Counts are of workplaces, not persons. Raises Forbidden,
    InvalidInput."""
    policies.check_may_use(actor=actor)
    code, owners, run = _owner_choice(actor, owner)
    rows = _scores(actor, [run]) if run else WorkplaceScore.objects.none()
    cutoff = list(rows.order_by("rank").values_list("rank", flat=True)[top - 1 : top])
    selected = rows.filter(rank__lte=cutoff[0]) if cutoff else rows
    language = get_language() or "en"
    centres = dict(Centre.objects.values_list("code", "name"))

    def industry(key: str) -> str:
        return f"{key} · {sni_section_label(key, language)}" if key else "–"

    return Coverage(
        owner=code,
        owners=owners,
        run=run,
        top=top,
        register=rows.count(),
        selected=selected.count(),
        by_industry=_breakdown(rows, selected, "sni_section", industry),
        by_municipality=_breakdown(
            rows, selected, "municipality", lambda k: f"{municipality_name(k)} ({k})"
        ),
        by_centre=_breakdown(rows, selected, "centre", lambda k: centres.get(k, k or "–")),
    )


def get_model(*, actor: Actor, id: int) -> ScoringModel:
    """One kept model with its card. Raises Forbidden, NotFound."""
    policies.check_may_use(actor=actor)
    row = ScoringModel.objects.select_related("owner").filter(pk=id).first()
    if row is None:
        raise NotFound()
    return row
