"""The figures of the dashboards and the reports, as plain tables.

What counts is defined once, in ``akrim.controls.stats`` (``COUNTED``, Swedish time,
``NOT_IN_AMOUNTS``, the people table and its disclosure control, ``stats._people``);
this module only widens the period (months of several years), adds the industry and agency
filters and lays the figures out as tables. Every figure is an aggregate query (grouped
``COUNT``/``SUM``), whatever the number of controls.

People and ILO indicator counts are taken, whole calendar years only (the report: its
whole period) and for the whole country or one centre, from ``stats._people``, so that
the suppression pattern is the national one and no narrower filter (industry, agency,
months) can be subtracted from a wider one to reveal a suppressed cell.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce, ExtractMonth, ExtractYear
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from akrim.controls.models import (
    Control,
    Decision,
    DecisionKind,
    Finding,
    Indicator,
    Participation,
    Status,
    Target,
)
from akrim.controls.stats import (
    COUNTED,
    FIRST_YEAR,
    LAST_YEAR,
    LOCAL_TIME,
    NATIONAL,
    NOT_IN_AMOUNTS,
    UNKNOWN_INDUSTRY,
    _people,
    counted_controls,
)
from akrim.core.actor import Actor, Role
from akrim.core.errors import Forbidden, InvalidInput
from akrim.organisation.models import Agency, Centre, Membership

SUPPRESSED = "suppressed"  # a suppressed person count, in every table and download
MAX_MONTHS = 120
READERS = (Role.NATIONAL_READER, Role.COORDINATOR, Role.ANALYST, Role.ADMIN)
_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")
_YEAR = re.compile(r"[0-9]{4}")
_HALF = re.compile(r"([0-9]{4})H([12])")
_INDUSTRY = re.compile(r"[A-U]")
_CODE = re.compile(r"[A-Za-z0-9_-]{1,20}")

Value = int | float | str | None


def check_may_read(*, actor: Actor) -> None:
    """National readers, coordinators, analysts and administrators (and the system)."""
    if not actor.has_role(*READERS):
        raise Forbidden(
            _("Only national readers, coordinators, analysts and administrators see reports.")
        )


# --- tables ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Table:
    name: str  # machine name: CSV file, XLSX sheet, hash key
    title: str
    headings: tuple[str, ...]
    rows: tuple[tuple[Value, ...], ...]
    chart: str = ""  # an SVG, drawn before the table
    note: str = ""

    def canonical(self) -> str:
        """The table as canonical JSON (sorted keys, no spaces): what the hash covers."""
        return json.dumps(
            {"name": self.name, "headings": self.headings, "rows": self.rows},
            sort_keys=True,
            separators=(",", ":"),
            ensure_ascii=False,
        )

    def sha256(self) -> str:
        return hashlib.sha256(self.canonical().encode()).hexdigest()


def table_hashes(tables: Sequence[Table]) -> dict[str, str]:
    return {t.name: t.sha256() for t in tables}


# --- filters ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    start: dt.date  # first day of the first month
    end: dt.date  # first day after the period
    centre: str | None = None  # centre code
    centre_name: str | None = None
    industry: str | None = None  # SNI section letter or UNKNOWN_INDUSTRY
    agency: str | None = None
    label: str = ""

    @property
    def years(self) -> list[int]:
        last = (self.end - dt.timedelta(days=1)).year
        return list(range(self.start.year, last + 1))

    def query(self) -> dict[str, str]:
        """The filters as the query string that reproduces them (the download links)."""
        out = {"from": self.start.strftime("%Y-%m"), "to": self.last_month}
        for key, value in (
            ("centre", self.centre),
            ("industry", self.industry),
            ("agency", self.agency),
        ):
            if value:
                out[key] = value
        return out

    @property
    def last_month(self) -> str:
        return (self.end - dt.timedelta(days=1)).strftime("%Y-%m")


def _month(raw: str, name: str) -> dt.date:
    match = _MONTH.fullmatch(raw.strip())
    if not match or not 1 <= int(match[2]) <= 12 or not FIRST_YEAR <= int(match[1]) <= LAST_YEAR:
        raise InvalidInput(
            _("Give “%(name)s” as a month YYYY-MM from %(first)s to %(last)s."),
            name=name,
            first=FIRST_YEAR,
            last=LAST_YEAR,
        )
    return dt.date(int(match[1]), int(match[2]), 1)


def _next_month(day: dt.date) -> dt.date:
    return dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)


def parse_filters(params: Mapping[str, str], *, today: dt.date | None = None) -> Filters:
    """The dashboard's filters from the query string. Raises InvalidInput naming the
    filter for anything else (an unknown centre, agency or industry, a bad period)."""
    today = today or dt.datetime.now(tz=LOCAL_TIME).date()
    raw = {key: (params.get(key) or "").strip() for key in params}
    for key, value in raw.items():
        if len(value) > 40:
            raise InvalidInput(_("The filter %(name)s is too long."), name=key[:20])
    if raw.get("year") and (raw.get("from") or raw.get("to")):
        raise InvalidInput(_("Give either a year or a from/to period, not both."))
    if raw.get("year"):
        year = raw["year"]
        if not _YEAR.fullmatch(year) or not FIRST_YEAR <= int(year) <= LAST_YEAR:
            raise InvalidInput(
                _("Give the year as four digits from %(first)s to %(last)s."),
                first=FIRST_YEAR,
                last=LAST_YEAR,
            )
        start, end = dt.date(int(year), 1, 1), dt.date(int(year) + 1, 1, 1)
    elif raw.get("from") or raw.get("to"):
        start = _month(raw.get("from") or "", "from")
        end = _next_month(_month(raw.get("to") or "", "to"))
        if end <= start:
            raise InvalidInput(_("The period must end after it starts."))
        if (end.year - start.year) * 12 + end.month - start.month > MAX_MONTHS:
            raise InvalidInput(_("The period may be at most %(n)s months."), n=MAX_MONTHS)
    else:
        start, end = dt.date(today.year, 1, 1), dt.date(today.year + 1, 1, 1)
    centre = centre_name = agency = industry = None
    if raw.get("centre"):
        value = raw["centre"].lower()
        found = Centre.objects.filter(code=value).first() if _CODE.fullmatch(value) else None
        if found is None:
            raise InvalidInput(_("Unknown centre; choose one from the list."))
        centre, centre_name = found.code, found.name
    if raw.get("agency"):
        value = raw["agency"].upper()
        if not _CODE.fullmatch(value) or not Agency.objects.filter(code=value).exists():
            raise InvalidInput(_("Unknown agency; choose one from the list."))
        agency = value
    if raw.get("industry"):
        value = raw["industry"]
        if value != UNKNOWN_INDUSTRY and not _INDUSTRY.fullmatch(value.upper()):
            raise InvalidInput(_("Unknown industry; give an SNI section letter A–U."))
        industry = value if value == UNKNOWN_INDUSTRY else value.upper()
    label = (
        str(start.year)
        if (start.month, end.month, end.year) == (1, 1, start.year + 1)
        else f"{start:%Y-%m} – {(end - dt.timedelta(days=1)):%Y-%m}"
    )
    return Filters(start, end, centre, centre_name, industry, agency, label)


def parse_period(raw: str) -> tuple[dt.date, dt.date]:
    """A report's period: ``2025`` (the year) or ``2022H1``/``2022H2`` (a half year)."""
    text = (raw or "").strip().upper()
    if _YEAR.fullmatch(text) and FIRST_YEAR <= int(text) <= LAST_YEAR:
        return dt.date(int(text), 1, 1), dt.date(int(text) + 1, 1, 1)
    match = _HALF.fullmatch(text)
    if match and FIRST_YEAR <= int(match[1]) <= LAST_YEAR:
        year = int(match[1])
        if match[2] == "1":
            return dt.date(year, 1, 1), dt.date(year, 7, 1)
        return dt.date(year, 7, 1), dt.date(year + 1, 1, 1)
    raise InvalidInput(_("Give the period as a year (2025) or a half year (2022H1, 2022H2)."))


# --- queries ---------------------------------------------------------------------------


def _moment(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=LOCAL_TIME)


def counted(
    f: Filters,
    prefix: str = "",
    *,
    cutoff: dt.date | None = None,
    statuses: Sequence[str] = COUNTED,
) -> Q:
    """The counted controls (``stats.COUNTED``, Swedish time) of the filters; ``prefix``
    reaches the control from a related model. A cut-off leaves out controls that started
    after it."""
    end = f.end if cutoff is None else min(f.end, cutoff + dt.timedelta(days=1))
    q = Q(
        **{
            f"{prefix}status__in": statuses,
            f"{prefix}starts_at__gte": _moment(f.start),
            f"{prefix}starts_at__lt": _moment(end),
        }
    )
    if f.centre:
        q &= Q(**{f"{prefix}centre__code": f.centre})
    if f.industry:
        q &= Q(**{f"{prefix}industry": "" if f.industry == UNKNOWN_INDUSTRY else f.industry})
    if f.agency:
        q &= Q(
            **{
                f"{prefix}pk__in": Participation.objects.filter(agency__code=f.agency).values(
                    "control_id"
                )
            }
        )
    return q


def _share(part: int, whole: int) -> float | None:
    """A percentage with one decimal (None when there is nothing to divide by)."""
    return round(100 * part / whole, 1) if whole else None


_HAS_FINDING = Q(pk__in=Finding.objects.values("control_id"))


@dataclass
class Figures:
    filters: Filters
    tables: list[Table] = field(default_factory=list)

    def table(self, name: str) -> Table:
        return next(t for t in self.tables if t.name == name)


def by_month(f: Filters, cutoff: dt.date | None = None) -> Table:
    rows = (
        Control.objects.filter(counted(f, cutoff=cutoff))
        .annotate(
            y=ExtractYear("starts_at", tzinfo=LOCAL_TIME),
            m=ExtractMonth("starts_at", tzinfo=LOCAL_TIME),
        )
        .values("y", "m")
        .annotate(n=Count("pk"), w=Count("pk", filter=_HAS_FINDING))
        .order_by()
    )
    found = {f"{r['y']:04d}-{r['m']:02d}": (r["n"], r["w"]) for r in rows}
    months: list[str] = []
    day = f.start
    while day < f.end:
        months.append(day.strftime("%Y-%m"))
        day = _next_month(day)
    return Table(
        "by_month",
        _("Joint controls per month"),
        (_("Month"), _("Controls"), _("With a finding")),
        tuple((m, *found.get(m, (0, 0))) for m in months),
    )


def by_year(f: Filters, cutoff: dt.date | None = None, months: Table | None = None) -> Table:
    """Controls per year of the period against the year's target (national or centre);
    summed from ``by_month``'s table when given (one grouped query less)."""
    found: dict[int, int] = {}
    for month, controls, *_rest in (months or by_month(f, cutoff)).rows:
        year = int(str(month)[:4])
        found[year] = found.get(year, 0) + int(controls or 0)
    targets = dict(
        Target.objects.filter(year__in=f.years)
        .filter(Q(centre__code=f.centre) if f.centre else Q(centre__isnull=True))
        .values_list("year", "controls")
    )
    out = []
    for year in f.years:
        actual, target = found.get(year, 0), targets.get(year)
        out.append((year, actual, target, _share(actual, target) if target else None))
    return Table(
        "target",
        _("Joint controls per year against the target"),
        (_("Year"), _("Controls"), _("Target"), _("Share of target (%)")),
        tuple(out),
        note=_("The target is the year's, for the whole year and all agencies and industries."),
    )


def growth(f: Filters, cutoff: dt.date | None = None) -> Table:
    """Controls per year from the first year with controls to the period's last year, with
    the change from the year before (the yearly growth of the assignment)."""
    last = f.years[-1]
    whole = Filters(
        dt.date(FIRST_YEAR, 1, 1), dt.date(last + 1, 1, 1), f.centre, None, f.industry, f.agency
    )
    rows = (
        Control.objects.filter(counted(whole, cutoff=cutoff))
        .annotate(y=ExtractYear("starts_at", tzinfo=LOCAL_TIME))
        .values("y")
        .annotate(n=Count("pk"))
        .order_by()
    )
    found = {r["y"]: r["n"] for r in rows}
    first = min([*found, last])
    out: list[tuple[Value, ...]] = []
    for year in range(first, last + 1):
        now, before = found.get(year, 0), found.get(year - 1, 0)
        change = None if year == first else now - before
        percent = round(100 * (now - before) / before, 1) if before else None
        out.append((year, now, change, percent))
    return Table(
        "growth",
        _("Joint controls per year and growth"),
        (_("Year"), _("Controls"), _("Change from the year before"), _("Change (%)")),
        tuple(out),
    )


def _grouped(f: Filters, key: str, cutoff: dt.date | None) -> dict[str, tuple[int, int]]:
    rows = (
        Control.objects.filter(counted(f, cutoff=cutoff))
        .values(key)
        .annotate(n=Count("pk"), w=Count("pk", filter=_HAS_FINDING))
        .order_by()
    )
    return {(r[key] or UNKNOWN_INDUSTRY): (r["n"], r["w"]) for r in rows}


def by_industry(f: Filters, cutoff: dt.date | None = None) -> Table:
    found = _grouped(f, "industry", cutoff)
    keys = sorted(found, key=lambda k: (k == UNKNOWN_INDUSTRY, k))
    return Table(
        "by_industry",
        _("Joint controls by industry (SNI section)"),
        (_("SNI section"), _("Controls"), _("With a finding"), _("Share with a finding (%)")),
        tuple((k, *found[k], _share(found[k][1], found[k][0])) for k in keys),
    )


def by_centre(f: Filters, cutoff: dt.date | None = None) -> Table:
    found = _grouped(f, "centre__code", cutoff)
    centres = Centre.objects.order_by("name").values_list("code", "name")
    if f.centre:
        centres = centres.filter(code=f.centre)
    rows = []
    for code, name in centres:
        n, w = found.get(code, (0, 0))
        rows.append((name, n, w, _share(w, n)))
    total_n = sum(r[1] for r in rows)
    total_w = sum(r[2] for r in rows)
    rows.append((_("Total"), total_n, total_w, _share(total_w, total_n)))
    return Table(
        "by_centre",
        _("Joint controls by centre, and the share with a finding"),
        (_("Centre"), _("Controls"), _("With a finding"), _("Share with a finding (%)")),
        tuple(rows),
    )


def by_status(f: Filters, cutoff: dt.date | None = None) -> Table:
    """Planned, carried out and followed up: the controls of the period by status."""
    q = counted(f, cutoff=cutoff, statuses=Status.values)
    found = dict(
        Control.objects.filter(q)
        .values("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
        .order_by()
    )
    return Table(
        "by_status",
        _("Joint controls of the period by status"),
        (_("Status"), _("Controls")),
        tuple((str(label), found.get(value, 0)) for value, label in Status.choices),
        note=_("Carried out, in follow-up and closed controls count; the others do not."),
    )


_SUMS: dict[str, Any] = {
    "n": Count("pk"),
    "withdrawn": Count("pk", filter=Q(status__in=NOT_IN_AMOUNTS)),
    "amount": Coalesce(Sum("amount_sek", filter=~Q(status__in=NOT_IN_AMOUNTS)), 0),
}


def decisions(f: Filters, cutoff: dt.date | None = None) -> Table:
    found = {
        r["kind"]: (r["n"], r["withdrawn"], r["amount"])
        for r in Decision.objects.filter(counted(f, "control__", cutoff=cutoff))
        .values("kind")
        .annotate(**_SUMS)
        .order_by()
    }
    rows = [(str(label), *found.get(kind, (0, 0, 0))) for kind, label in DecisionKind.choices]
    return Table(
        "decisions",
        _("Decisions by kind and amounts (SEK)"),
        (_("Kind"), _("Decisions"), _("Withdrawn"), _("Amount (SEK)")),
        tuple(rows),
        note=_("Withdrawn decisions are counted but left out of the amounts."),
    )


def _agency_name() -> str:
    return "name_sv" if (get_language() or "").startswith("sv") else "name_en"


def by_agency(f: Filters, cutoff: dt.date | None = None) -> Table:
    related = counted(f, "control__", cutoff=cutoff)
    parts = dict(
        Participation.objects.filter(related)
        .values("agency__code")
        .annotate(n=Count("pk"))
        .values_list("agency__code", "n")
        .order_by()
    )
    findings = dict(
        Finding.objects.filter(related)
        .values("owner__code")
        .annotate(n=Count("pk"))
        .values_list("owner__code", "n")
        .order_by()
    )
    decided = {
        r["owner__code"]: (r["n"], r["amount"])
        for r in Decision.objects.filter(related).values("owner__code").annotate(**_SUMS).order_by()
    }
    rows = [
        (
            code,
            name,
            parts.get(code, 0),
            findings.get(code, 0),
            *decided.get(code, (0, 0)),
        )
        for code, name in Agency.objects.order_by("code").values_list("code", _agency_name())
    ]
    return Table(
        "by_agency",
        _("Agencies' part in the joint controls"),
        (_("Code"), _("Agency"), _("Controls"), _("Findings"), _("Decisions"), _("Amount (SEK)")),
        tuple(rows),
        note=_("A control counts once for each agency that took part."),
    )


def people(f: Filters, *, actor: Actor) -> Table:
    """People met and ILO indicators per calendar year of the period, after disclosure
    control (``stats._people``, as ``control_statistics`` shows them); a suppressed cell is
    ``SUPPRESSED``."""
    check_may_read(actor=actor)
    centres = list(Centre.objects.order_by("code").values_list("code", flat=True))
    row = f.centre or NATIONAL
    # stats' own people table and suppression, per year (what control_statistics shows)
    per_year = [_people(counted_controls(y, prefix="control__"), centres, row) for y in f.years]

    def cell(value: int | None) -> Value:
        return SUPPRESSED if value is None else value

    rows: list[tuple[Value, ...]] = [
        (_("People met"), *(cell(p.met) for p in per_year)),
        (_("With an ILO indicator"), *(cell(p.with_indicators) for p in per_year)),
        (_("Without an ILO indicator"), *(cell(p.without_indicators) for p in per_year)),
    ]
    for code, label in Indicator.choices:
        rows.append((str(label), *(cell(p.by_indicator[code]) for p in per_year)))
    return Table(
        "people",
        _("People met and ILO indicators of forced labour"),
        (_("Measure"), *(str(y) for y in f.years)),
        tuple(rows),
        note=_(
            "Whole calendar years, for the whole country or the chosen centre; the industry, "
            "agency and month filters do not apply. Counts below 3 are suppressed, and so is "
            "one more cell where a suppressed cell could be worked out."
        ),
    )


def people_in_period(f: Filters, cutoff: dt.date | None = None) -> Table:
    """The report's people counts for its whole period (a year or a half year), for the
    whole country or one centre, by ``stats``' own people table and suppression pattern
    (the industry and agency filters are left out: the pattern is the national one)."""
    whole = Filters(f.start, f.end)
    centres = list(Centre.objects.order_by("code").values_list("code", flat=True))
    figures = _people(counted(whole, "control__", cutoff=cutoff), centres, f.centre or NATIONAL)

    def cell(value: int | None) -> Value:
        return SUPPRESSED if value is None else value

    rows: list[tuple[Value, ...]] = [
        (_("People met"), cell(figures.met)),
        (_("With an ILO indicator"), cell(figures.with_indicators)),
        (_("Without an ILO indicator"), cell(figures.without_indicators)),
    ]
    for code, label in Indicator.choices:
        rows.append((str(label), cell(figures.by_indicator[code])))
    return Table(
        "people",
        _("People met and ILO indicators of forced labour"),
        (_("Measure"), f.label or f"{f.start:%Y-%m}"),
        tuple(rows),
        note=_(
            "Counts below 3 are suppressed, and so is one more cell where a suppressed cell "
            "could be worked out from a total."
        ),
    )


def memberships(f: Filters) -> Table:
    qs = Membership.objects.filter(joined_on__lt=f.end).order_by(
        "centre__name", "joined_on", "agency__code"
    )
    if f.centre:
        qs = qs.filter(centre__code=f.centre)
    if f.agency:
        qs = qs.filter(agency__code=f.agency)
    rows = tuple(
        (c, a, j.isoformat(), left.isoformat() if left else None)
        for c, a, j, left in qs.values_list("centre__name", "agency__code", "joined_on", "left_on")
    )
    return Table(
        "memberships",
        _("Agencies' membership of each centre"),
        (_("Centre"), _("Agency"), _("Joined"), _("Left")),
        rows,
    )


def members_per_year(f: Filters, members: Table) -> Table:
    """How many agencies each centre had at the end of each year of the period."""
    centres = sorted({str(r[0]) for r in members.rows})
    out = []
    for year in f.years:
        day = min(dt.date(year, 12, 31), f.end - dt.timedelta(days=1)).isoformat()
        counts = []
        for centre in centres:
            counts.append(
                sum(
                    1
                    for r in members.rows
                    if r[0] == centre and str(r[2]) <= day and (r[3] is None or str(r[3]) > day)
                )
            )
        out.append((year, *counts))
    return Table(
        "members_per_year",
        _("Member agencies per centre at the end of each year"),
        (_("Year"), *centres),
        tuple(out),
    )


def dashboard(f: Filters, *, actor: Actor, cutoff: dt.date | None = None) -> Figures:
    """Every table of the dashboard, in the order shown."""
    check_may_read(actor=actor)
    members = memberships(f)
    months = by_month(f, cutoff)
    return Figures(
        f,
        [
            by_year(f, cutoff, months),
            months,
            by_industry(f, cutoff),
            by_centre(f, cutoff),
            decisions(f, cutoff),
            by_agency(f, cutoff),
            people(f, actor=actor),
            members_per_year(f, members),
            members,
        ],
    )


def data_version(f: Filters, cutoff: dt.date | None = None) -> str:
    """A hash over the counted controls' ids and update times (and those of their
    findings and decisions): the same data gives the same version."""
    digest = hashlib.sha256()
    for model, prefix in ((Control, ""), (Finding, "control__"), (Decision, "control__")):
        ids = model.objects.filter(counted(f, prefix, cutoff=cutoff)).order_by("pk")
        for pk, updated in ids.values_list("pk", "updated_at").iterator():
            digest.update(f"{model.__name__}:{pk}:{updated.isoformat()};".encode())
    return digest.hexdigest()[:20]


# --- charts ----------------------------------------------------------------------------


def _num(value: Value) -> float | None:
    return float(value) if isinstance(value, int | float) else None


def with_charts(tables: Sequence[Table]) -> list[Table]:
    """The tables with their chart (an SVG string) where one helps."""
    from dataclasses import replace

    from akrim.reporting import charts

    described = _("The same figures are in the table after the chart.")
    out = []
    for t in tables:
        labels = [str(r[0]) for r in t.rows]
        svg = ""
        if t.name == "by_month":
            svg = charts.line_chart(
                title=t.title,
                desc=described,
                labels=labels,
                series=[
                    (t.headings[1], [_num(r[1]) for r in t.rows]),
                    (t.headings[2], [_num(r[2]) for r in t.rows]),
                ],
            )
        elif t.name == "target":
            targets = [_num(r[2]) for r in t.rows]
            svg = charts.bar_chart(
                title=t.title,
                desc=described,
                labels=labels,
                series=[(t.headings[1], [_num(r[1]) for r in t.rows]), (t.headings[2], targets)],
            )
        elif t.name in ("by_industry", "by_centre", "growth"):
            rows = [r for r in t.rows if t.name != "by_centre" or r is not t.rows[-1]]
            series = [(t.headings[1], [_num(r[1]) for r in rows])]
            if t.name != "growth":
                series.append((t.headings[2], [_num(r[2]) for r in rows]))
            svg = charts.bar_chart(
                title=t.title, desc=described, labels=[str(r[0]) for r in rows], series=series
            )
        elif t.name == "decisions":
            svg = charts.bar_chart(
                title=t.title,
                desc=described,
                labels=labels,
                series=[(t.headings[1], [_num(r[1]) for r in t.rows])],
            )
        elif t.name == "by_agency":
            svg = charts.bar_chart(
                title=t.title,
                desc=described,
                labels=[str(r[0]) for r in t.rows],
                series=[(t.headings[2], [_num(r[2]) for r in t.rows])],
            )
        elif t.name == "people":
            svg = charts.bar_chart(
                title=t.title,
                desc=_("Suppressed counts draw no bar and are marked “–”. ") + described,
                labels=[str(r[0])[:12] for r in t.rows[:3]],
                series=[
                    (str(h), [_num(r[i + 1]) for r in t.rows[:3]])
                    for i, h in enumerate(t.headings[1:])
                ],
            )
        elif t.name == "members_per_year":
            svg = charts.bar_chart(
                title=t.title,
                desc=described,
                labels=[str(h) for h in t.headings[1:]],
                series=[(str(r[0]), [_num(v) for v in r[1:]]) for r in t.rows[-4:]],
            )
        out.append(replace(t, chart=svg) if svg else t)
    return out
