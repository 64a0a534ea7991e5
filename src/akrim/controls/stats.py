"""Counting and statistics of joint controls (myndighetsgemensamma kontroller).

The definitions are written here once. The statistics page and its CSV and XLSX downloads,
``akrim stats controls``, the API and the reports to the Government all take their figures
from ``control_statistics``; ``DEFINITIONS_VERSION`` names the version a figure was made by
and changes whenever a definition below changes.

Definitions, version 1
----------------------
Counted control
    A joint control counts in year Y when its status is carried out, in follow-up or closed
    (``COUNTED``: it took place) and it started (``starts_at``) on a day of Y in Swedish
    time (Europe/Stockholm). Drafts, planned, prepared and cancelled controls do not count.
    Each control counts once, whatever number of agencies took part; controls imported
    from an agency's archive count like the others.
Centre, industry, month
    The control's centre; the SNI section of its first workplace when it was planned or
    imported (``unknown`` when no register knew the site); the month it started, in
    Swedish time.
Agency
    An agency took part in a control when it has a part (participation) in it. A control
    with three agencies counts once in the total and once for each of them, so the
    agencies' figures add up to more than the total.
Control with a finding
    A counted control with at least one finding, of any agency and any catalogue code.
    Share = controls with a finding / controls (none when there are no controls).
Findings
    The findings of the counted controls, by catalogue code and by recording agency. Amount:
    the sum of their amounts in SEK (a finding without an amount adds 0).
Decisions
    The decisions of the counted controls, by kind and by deciding agency, whatever their
    status; withdrawn decisions are counted (and shown apart) but left out of every amount,
    since their amounts are not due. A finding or decision counts in the year of its
    control, not in the year it was recorded or decided.
People met
    The people recorded as met in the counted controls. They are never matched to a
    register, so one person met in two controls counts twice.
ILO indicators
    For each of the ILO's eleven indicators of forced labour: the people met for whom it is
    recorded. A person may show several, so the indicators add up to more than the people
    with at least one indicator.
Target and growth
    The year's target: the national ``Target`` row (no centre) or, for one centre, the
    centre's row; against the actual count. Growth: this year's count minus the year
    before's by the same definitions, and that change as a percentage of the year before
    (none when the year before had no controls).
Disclosure control
    Every count of people (people met, with and without an indicator, per indicator) below
    ``SUPPRESS_BELOW`` (3), zero included, is suppressed: shown as none and named in
    ``suppressed``. Zero is suppressed too, so that a blank never tells "none" from "one
    or two". Secondary suppression: the people counts form one table of centres by
    measures, whose rows add up (with + without an indicator = people met) and whose
    columns add up to the national figure. While a row or column has exactly one
    suppressed cell, its smallest other cell is suppressed too, so that no suppressed cell
    can be worked out from a total and the other cells. The pattern is made for the whole
    country every time, so a centre's figures and the national ones agree and cannot be
    subtracted from each other to reveal a cell. Counts of controls, findings and decisions
    are not counts of people and are not suppressed.

Who may call: any member of staff with a role (the figures are aggregates, and the person
counts are suppressed), and the system actor. The figures hold no personal data, so
computing them is not audited.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce, ExtractMonth
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from akrim.controls.models import (
    FINDING_CATALOGUE,
    Control,
    Decision,
    DecisionKind,
    DecisionStatus,
    Finding,
    Indicator,
    Participation,
    PersonIndicator,
    PersonMet,
    Status,
    Target,
)
from akrim.core.actor import Actor
from akrim.core.errors import Forbidden, InvalidInput
from akrim.core.text import looks_like_key
from akrim.organisation.models import Agency, Centre

DEFINITIONS_VERSION = 1
COUNTED = (Status.CARRIED_OUT, Status.IN_FOLLOW_UP, Status.CLOSED)
LOCAL_TIME = ZoneInfo("Europe/Stockholm")
FIRST_YEAR, LAST_YEAR = 2017, 2100  # the years a target may be set for
UNKNOWN_INDUSTRY = "unknown"
NOT_IN_AMOUNTS = (DecisionStatus.WITHDRAWN,)
SUPPRESS_BELOW = 3
MONTHS = tuple(f"{month:02d}" for month in range(1, 13))
_YEAR = re.compile(r"[0-9]{4}")

# The definitions in words, for the page and the reports (the module docstring says why).
DEFINITIONS: dict[str, Promise] = {
    "controls": _(
        "A joint control counts in a year when it was carried out (status carried out, in "
        "follow-up or closed) and started on a day of that year, Swedish time. It counts "
        "once, whatever number of agencies took part. Planned and cancelled controls do "
        "not count."
    ),
    "agencies": _(
        "An agency's figure counts the controls it took part in, so the agencies together "
        "add up to more than the total."
    ),
    "with_findings": _("A control with a finding has at least one finding of any agency."),
    "decisions": _(
        "Decisions count whatever their status; withdrawn decisions are left out of the "
        "amounts. Findings and decisions count in the year of their control."
    ),
    "people": _(
        "People met are counted per control: one person met in two controls counts twice. "
        "A person may show several ILO indicators."
    ),
    "suppression": _(
        "Counts of people below 3 (zero included) are suppressed, and so is one more cell "
        "where a suppressed cell could otherwise be worked out from a total."
    ),
    "growth": _(
        "Growth compares the year's count with the year before's, by the same definitions."
    ),
}

K = TypeVar("K", bound=Hashable)
Line = tuple[K, Sequence[K]]  # a total and the cells that add up to it

NATIONAL = ""  # the whole country's row in the table of people counts
MET, WITH, WITHOUT = "total", "with_indicators", "without_indicators"


# --- results ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Tally:
    controls: int
    with_findings: int


@dataclass(frozen=True)
class CentreFigures:
    name: str
    controls: int
    with_findings: int
    target: int | None


@dataclass(frozen=True)
class AgencyFigures:
    controls: int  # controls it took part in
    findings: int
    decisions: int
    decisions_amount_sek: int  # withdrawn decisions left out


@dataclass(frozen=True)
class DecisionFigures:
    count: int
    withdrawn: int
    amount_sek: int  # withdrawn decisions left out


@dataclass(frozen=True)
class FindingFigures:
    agency: str  # the agency the catalogue gives the code to ("" for a code outside it)
    count: int
    amount_sek: int


@dataclass(frozen=True)
class PeopleFigures:
    """Counts of people after disclosure control: None where suppressed."""

    met: int | None
    with_indicators: int | None
    without_indicators: int | None
    by_indicator: Mapping[str, int | None]
    suppressed: frozenset[str]  # MET, WITH, WITHOUT and indicator codes

    def is_suppressed(self, name: str) -> bool:
        return name in self.suppressed


@dataclass(frozen=True)
class TargetFigures:
    target: int | None
    actual: int

    @property
    def share_of_target(self) -> float | None:
        return round(self.actual / self.target, 4) if self.target else None

    @property
    def difference(self) -> int | None:
        return None if self.target is None else self.actual - self.target


@dataclass(frozen=True)
class Growth:
    previous_year: int
    previous: int
    change: int

    @property
    def percent(self) -> float | None:
        return round(100 * self.change / self.previous, 1) if self.previous else None


@dataclass(frozen=True)
class ControlStats:
    """The figures of one year, for the whole country or one centre."""

    year: int
    centre: str | None  # centre code, None for the whole country
    centre_name: str | None
    controls: int
    with_findings: int
    by_centre: Mapping[str, CentreFigures]
    by_industry: Mapping[str, Tally]
    by_month: Mapping[str, Tally]
    by_agency: Mapping[str, AgencyFigures]
    decisions: Mapping[str, DecisionFigures]
    findings: Mapping[str, FindingFigures]
    people: PeopleFigures
    target: TargetFigures
    growth: Growth

    @property
    def share_with_findings(self) -> float | None:
        return round(self.with_findings / self.controls, 4) if self.controls else None

    @property
    def decisions_count(self) -> int:
        return sum(d.count for d in self.decisions.values())

    @property
    def decisions_amount_sek(self) -> int:
        return sum(d.amount_sek for d in self.decisions.values())

    @property
    def findings_count(self) -> int:
        return sum(f.count for f in self.findings.values())

    @property
    def findings_amount_sek(self) -> int:
        return sum(f.amount_sek for f in self.findings.values())

    def to_json(self) -> dict[str, Any]:
        """The figures as plain JSON types (the command's and the API's answer)."""
        people = self.people
        return {
            "year": self.year,
            "centre": self.centre,
            "definitions_version": DEFINITIONS_VERSION,
            "controls": self.controls,
            "with_findings": self.with_findings,
            "share_with_findings": self.share_with_findings,
            "by_centre": {code: vars(c) for code, c in self.by_centre.items()},
            "by_industry": {key: vars(t) for key, t in self.by_industry.items()},
            "by_month": {key: vars(t) for key, t in self.by_month.items()},
            "by_agency": {code: vars(a) for code, a in self.by_agency.items()},
            "decisions": {
                "count": self.decisions_count,
                "amount_sek": self.decisions_amount_sek,
                "by_kind": {kind: vars(d) for kind, d in self.decisions.items()},
            },
            "findings": {
                "count": self.findings_count,
                "amount_sek": self.findings_amount_sek,
                "by_code": {code: vars(f) for code, f in self.findings.items()},
            },
            "people_met": {
                MET: people.met,
                WITH: people.with_indicators,
                WITHOUT: people.without_indicators,
                "suppressed": sorted(people.suppressed & {MET, WITH, WITHOUT}),
            },
            "indicators": {
                "people": dict(people.by_indicator),
                "suppressed": sorted(people.suppressed & set(people.by_indicator)),
            },
            "target": {
                "controls": self.target.target,
                "actual": self.target.actual,
                "share_of_target": self.target.share_of_target,
                "difference": self.target.difference,
            },
            "growth": {
                "previous_year": self.growth.previous_year,
                "previous": self.growth.previous,
                "change": self.growth.change,
                "percent": self.growth.percent,
            },
            "disclosure": {"suppress_below": SUPPRESS_BELOW, "applies_to": "people"},
        }


# --- input -----------------------------------------------------------------------------


def parse_year(raw: object) -> int:
    """A year typed by a user (page, command, API). Raises InvalidInput unless it is four
    digits from FIRST_YEAR to LAST_YEAR."""
    text = "" if raw is None else str(raw).strip()
    if not _YEAR.fullmatch(text) or not FIRST_YEAR <= int(text) <= LAST_YEAR:
        raise InvalidInput(
            _("Give the year as four digits from %(first)s to %(last)s."),
            first=FIRST_YEAR,
            last=LAST_YEAR,
        )
    return int(text)


_PLAIN_NAME = re.compile(r"[\w .-]{1,40}")  # what a centre's code or name can look like


def _centre(code: str) -> Centre:
    """The centre by its code or name. Raises InvalidInput for any other text."""
    value = code.strip()
    found = (
        Centre.objects.filter(Q(code=value.lower()) | Q(name__iexact=value)).first()
        if looks_like_key(value, max_length=40)
        else None
    )
    if found is None and _PLAIN_NAME.fullmatch(value):
        raise InvalidInput(_("Unknown centre “%(centre)s”."), centre=value)
    if found is None:  # not echoed: it cannot be a centre, and it could be anything
        raise InvalidInput(_("Unknown centre."))
    return found


def centre_choices() -> list[tuple[str, str]]:
    """Every centre as (code, name), by name: the choices of the page's filter."""
    return list(Centre.objects.order_by("name").values_list("code", "name"))


def check_may_see_statistics(*, actor: Actor) -> None:
    """Any member of staff with a role, and the system actor (which holds one). Raises
    Forbidden for anyone else (an anonymous actor, a user who is not staff)."""
    if not actor.roles:
        raise Forbidden(_("Only staff of the centres may see the statistics."))


# --- disclosure control ----------------------------------------------------------------


def suppressed_cells(values: Mapping[K, int], lines: Sequence[Line[K]]) -> frozenset[K]:
    """The cells to suppress: every cell below SUPPRESS_BELOW (primary), then, while a line
    (a total and the cells that add up to it) has exactly one suppressed cell, its smallest
    other cell (secondary; the smallest value loses least, ties broken by key order)."""
    hidden = {key for key, value in values.items() if value < SUPPRESS_BELOW}
    changed = True
    while changed:
        changed = False
        for total, members in lines:
            if sum(key in hidden for key in (total, *members)) != 1:
                continue
            shown = [key for key in members if key not in hidden] or [total]
            hidden.add(min(shown, key=lambda key: (values[key], str(key))))
            changed = True
    return frozenset(hidden)


def _people_table(counted: Q, centres: Sequence[str]) -> dict[tuple[str, str], int]:
    """Counts of people by (centre code or NATIONAL, measure), for every centre."""
    table: dict[tuple[str, str], int] = {}
    measures = (MET, WITH, *Indicator.values)
    for row in (NATIONAL, *centres):
        for measure in measures:
            table[(row, measure)] = 0
    met = PersonMet.objects.filter(counted).values("control__centre__code")
    for r in met.annotate(n=Count("pk")).order_by():
        table[(r["control__centre__code"], MET)] = r["n"]
    marks = PersonIndicator.objects.filter(counted)
    for r in (
        marks.values("control__centre__code").annotate(n=Count("person", distinct=True)).order_by()
    ):
        table[(r["control__centre__code"], WITH)] = r["n"]
    for r in marks.values("control__centre__code", "indicator").annotate(n=Count("pk")).order_by():
        table[(r["control__centre__code"], r["indicator"])] = r["n"]
    for centre in centres:
        table[(centre, WITHOUT)] = table[(centre, MET)] - table[(centre, WITH)]
    for measure in (*measures, WITHOUT):
        table[(NATIONAL, measure)] = sum(table[(centre, measure)] for centre in centres)
    return table


def _people(counted: Q, centres: Sequence[str], row: str) -> PeopleFigures:
    """The people counts of one row (a centre or NATIONAL) after disclosure control."""
    table = _people_table(counted, centres)
    lines: list[Line[tuple[str, str]]] = [
        ((r, MET), [(r, WITH), (r, WITHOUT)]) for r in (NATIONAL, *centres)
    ]
    for measure in (MET, WITH, WITHOUT, *Indicator.values):
        lines.append(((NATIONAL, measure), [(centre, measure) for centre in centres]))
    hidden = suppressed_cells(table, lines)

    def cell(measure: str) -> int | None:
        return None if (row, measure) in hidden else table[(row, measure)]

    return PeopleFigures(
        met=cell(MET),
        with_indicators=cell(WITH),
        without_indicators=cell(WITHOUT),
        by_indicator={code: cell(code) for code in Indicator.values},
        suppressed=frozenset(measure for r, measure in hidden if r == row),
    )


# --- the figures -----------------------------------------------------------------------


def year_bounds(year: int) -> tuple[dt.datetime, dt.datetime]:
    """The first moment of the year and of the next, in Swedish time."""
    return (
        dt.datetime(year, 1, 1, tzinfo=LOCAL_TIME),
        dt.datetime(year + 1, 1, 1, tzinfo=LOCAL_TIME),
    )


def counted_controls(year: int, *, prefix: str = "", centre_id: int | None = None) -> Q:
    """The counted controls of ``year`` as a filter; ``prefix`` reaches the control from a
    related model (e.g. ``"control__"``)."""
    start, end = year_bounds(year)
    q = Q(
        **{
            f"{prefix}status__in": COUNTED,
            f"{prefix}starts_at__gte": start,
            f"{prefix}starts_at__lt": end,
        }
    )
    if centre_id is not None:
        q &= Q(**{f"{prefix}centre_id": centre_id})
    return q


def _tallies(
    year: int, centre_id: int | None
) -> tuple[dict[str, Tally], dict[str, Tally], dict[str, Tally]]:
    """Controls and controls with a finding by centre, industry and month, in one grouped
    query (at most centres × industries × months rows, whatever the number of controls)."""
    has_finding = Q(pk__in=Finding.objects.values("control_id"))
    rows = (
        Control.objects.filter(counted_controls(year, centre_id=centre_id))
        .annotate(month=ExtractMonth("starts_at", tzinfo=LOCAL_TIME))
        .values("centre__code", "industry", "month")
        .annotate(controls=Count("pk"), with_findings=Count("pk", filter=has_finding))
        .order_by()
    )
    sums: tuple[dict[str, list[int]], dict[str, list[int]], dict[str, list[int]]] = ({}, {}, {})
    for row in rows:
        keys = (row["centre__code"], row["industry"] or UNKNOWN_INDUSTRY, f"{row['month']:02d}")
        for by, key in zip(sums, keys, strict=True):
            tally = by.setdefault(key, [0, 0])
            tally[0] += row["controls"]
            tally[1] += row["with_findings"]
    centres, industries, months = ({k: Tally(*v) for k, v in by.items()} for by in sums)
    return centres, industries, months


def _industry_order(key: str) -> tuple[bool, str]:
    return (key == UNKNOWN_INDUSTRY, key)


_DECISION_SUMS: dict[str, Any] = {
    "n": Count("pk"),
    "withdrawn": Count("pk", filter=Q(status__in=NOT_IN_AMOUNTS)),
    "amount": Coalesce(Sum("amount_sek", filter=~Q(status__in=NOT_IN_AMOUNTS)), 0),
}


def _by_agency(counted: Q, agencies: Sequence[str]) -> dict[str, AgencyFigures]:
    parts = {
        r["agency__code"]: r["n"]
        for r in Participation.objects.filter(counted)
        .values("agency__code")
        .annotate(n=Count("pk"))
        .order_by()
    }
    findings = {
        r["owner__code"]: r["n"]
        for r in Finding.objects.filter(counted)
        .values("owner__code")
        .annotate(n=Count("pk"))
        .order_by()
    }
    decisions = {
        r["owner__code"]: (r["n"], r["amount"])
        for r in Decision.objects.filter(counted)
        .values("owner__code")
        .annotate(**_DECISION_SUMS)
        .order_by()
    }
    return {
        code: AgencyFigures(
            controls=parts.get(code, 0),
            findings=findings.get(code, 0),
            decisions=decisions.get(code, (0, 0))[0],
            decisions_amount_sek=decisions.get(code, (0, 0))[1],
        )
        for code in agencies
    }


def _by_kind(counted: Q) -> dict[str, DecisionFigures]:
    found = {
        r["kind"]: DecisionFigures(count=r["n"], withdrawn=r["withdrawn"], amount_sek=r["amount"])
        for r in Decision.objects.filter(counted)
        .values("kind")
        .annotate(**_DECISION_SUMS)
        .order_by()
    }
    empty = DecisionFigures(count=0, withdrawn=0, amount_sek=0)
    return {kind: found.get(kind, empty) for kind in DecisionKind.values}


def _by_code(counted: Q) -> dict[str, FindingFigures]:
    """Every catalogue code, then any other code the findings hold (e.g. imported)."""
    found = {
        r["code"]: (r["n"], r["amount"])
        for r in Finding.objects.filter(counted)
        .values("code")
        .annotate(n=Count("pk"), amount=Coalesce(Sum("amount_sek"), 0))
        .order_by()
    }
    codes = [*FINDING_CATALOGUE, *sorted(set(found) - set(FINDING_CATALOGUE))]
    return {
        code: FindingFigures(
            agency=FINDING_CATALOGUE.get(code, ""),
            count=found.get(code, (0, 0))[0],
            amount_sek=found.get(code, (0, 0))[1],
        )
        for code in codes
    }


def control_statistics(*, actor: Actor, year: int, centre: str | None = None) -> ControlStats:
    """The figures of joint controls in ``year``, for the whole country or for one centre
    (code or name), by the definitions above. A fixed number of grouped queries, whatever
    the number of controls.

    Raises Forbidden (see ``check_may_see_statistics``) and InvalidInput (a year outside
    FIRST_YEAR..LAST_YEAR, an unknown centre).
    """
    check_may_see_statistics(actor=actor)
    year = parse_year(year)
    chosen = _centre(centre) if centre is not None else None
    centre_id = chosen.pk if chosen is not None else None
    centres = dict(Centre.objects.order_by("code").values_list("code", "name"))
    agencies = list(Agency.objects.order_by("code").values_list("code", flat=True))
    related = counted_controls(year, prefix="control__", centre_id=centre_id)
    by_centre, by_industry, by_month = _tallies(year, centre_id)
    targets: dict[str | None, int] = dict(
        Target.objects.filter(year=year).values_list("centre__code", "controls")
    )
    shown_centres = [chosen.code] if chosen is not None else list(centres)
    controls = sum(t.controls for t in by_centre.values())
    empty = Tally(controls=0, with_findings=0)
    previous = Control.objects.filter(counted_controls(year - 1, centre_id=centre_id)).count()
    return ControlStats(
        year=year,
        centre=chosen.code if chosen is not None else None,
        centre_name=chosen.name if chosen is not None else None,
        controls=controls,
        with_findings=sum(t.with_findings for t in by_centre.values()),
        by_centre={
            code: CentreFigures(
                name=centres[code],
                controls=by_centre.get(code, empty).controls,
                with_findings=by_centre.get(code, empty).with_findings,
                target=targets.get(code),
            )
            for code in shown_centres
        },
        by_industry={key: by_industry[key] for key in sorted(by_industry, key=_industry_order)},
        by_month={month: by_month.get(month, empty) for month in MONTHS},
        by_agency=_by_agency(related, agencies),
        decisions=_by_kind(related),
        findings=_by_code(related),
        people=_people(
            counted_controls(year, prefix="control__"),
            list(centres),
            chosen.code if chosen is not None else NATIONAL,
        ),
        target=TargetFigures(
            target=targets.get(chosen.code if chosen is not None else None), actual=controls
        ),
        growth=Growth(previous_year=year - 1, previous=previous, change=controls - previous),
    )


def summary_lines(stats: ControlStats) -> list[str]:
    """A short readable summary (the command line's answer without ``--json``)."""

    def share(value: float | None) -> str:
        return "–" if value is None else f"{100 * value:.1f} %"

    def people(value: int | None) -> str:
        return f"suppressed (<{SUPPRESS_BELOW})" if value is None else str(value)

    where = stats.centre_name or "all centres"
    growth = stats.growth
    lines = [
        f"Joint controls {stats.year}, {where} (definitions v{DEFINITIONS_VERSION})",
        f"  controls          {stats.controls:>8}",
        f"  with a finding    {stats.with_findings:>8}  ({share(stats.share_with_findings)})",
        f"  target            {stats.target.target if stats.target.target is not None else '–':>8}"
        f"  ({share(stats.target.share_of_target)} reached)",
        f"  {growth.previous_year}              {growth.previous:>8}  (change {growth.change:+d}"
        + ("" if growth.percent is None else f", {growth.percent:+.1f} %")
        + ")",
        f"  decisions         {stats.decisions_count:>8}  ({stats.decisions_amount_sek} SEK)",
        f"  findings          {stats.findings_count:>8}  ({stats.findings_amount_sek} SEK)",
        f"  people met        {people(stats.people.met):>8}",
        "  by centre:   "
        + ", ".join(f"{code} {c.controls}" for code, c in stats.by_centre.items()),
        "  by agency:   "
        + ", ".join(f"{code} {a.controls}" for code, a in stats.by_agency.items() if a.controls),
    ]
    return lines
