"""Pages of joint controls: the statistics page and its CSV and XLSX downloads.

Every figure comes from ``akrim.controls.stats``, where the definitions are; this module only
lays the figures out as tables. The page shows each table (and the controls per month as a
bar chart with the table behind it), the CSV holds every table as one long table
(``table, key, measure, value``) and the XLSX one sheet per table. A suppressed count of
people is "suppressed" in both downloads, an empty value is a figure that does not exist
(e.g. no target was set).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils import formats, timezone
from django.utils.dates import MONTHS, MONTHS_3
from django.utils.http import urlencode
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from akrim.controls import stats
from akrim.controls.models import DecisionKind, Indicator
from akrim.core.errors import InvalidInput
from akrim.core.http import domain_errors_as_pages
from akrim.core.reference import sni_section_label
from akrim.core.requests import actor_from_request
from akrim.core.spreadsheet import defuse

SUPPRESSED = "suppressed"  # the marker of a suppressed cell in the CSV and the XLSX
Value = int | float | str | None


@dataclass(frozen=True)
class Cell:
    value: Value  # as written to the downloads
    text: str  # as shown on the page
    suppressed: bool = False


@dataclass(frozen=True)
class Row:
    key: str  # the machine key (CSV ``key``)
    label: str  # shown on the page and in the XLSX
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class Table:
    name: str  # CSV ``table`` and XLSX sheet name
    title: str  # the caption
    key_heading: str
    measures: tuple[str, ...]  # CSV ``measure``
    headings: tuple[str, ...]
    rows: tuple[Row, ...]


# --- cells -----------------------------------------------------------------------------


def _number(value: int | float | None, decimals: int = 0) -> Cell:
    if value is None:
        return Cell(None, "–")
    return Cell(value, formats.number_format(value, decimals, use_l10n=True))


def _share(value: float | None) -> Cell:
    """A share (0–1) is kept as it is in the downloads and shown as a percentage."""
    if value is None:
        return Cell(None, "–")
    return Cell(value, f"{formats.number_format(100 * value, 1, use_l10n=True)} %")


def _percent(value: float | None) -> Cell:
    if value is None:
        return Cell(None, "–")
    return Cell(value, f"{formats.number_format(value, 1, use_l10n=True)} %")


def _people(value: int | None) -> Cell:
    """A count of people: None means suppressed by disclosure control."""
    if value is None:
        return Cell(SUPPRESSED, _("suppressed"), suppressed=True)
    return _number(value)


def _text(value: str) -> Cell:
    return Cell(value, value or "–")


# --- tables ----------------------------------------------------------------------------


def _summary(f: stats.ControlStats) -> Table:
    rows = [
        ("controls", _("Joint controls"), _number(f.controls)),
        ("with_findings", _("Controls with at least one finding"), _number(f.with_findings)),
        ("share_with_findings", _("Share with a finding"), _share(f.share_with_findings)),
        ("findings", _("Findings"), _number(f.findings_count)),
        ("findings_amount_sek", _("Findings, amount (SEK)"), _number(f.findings_amount_sek)),
        ("decisions", _("Decisions"), _number(f.decisions_count)),
        (
            "decisions_amount_sek",
            _("Decisions, amount (SEK, withdrawn left out)"),
            _number(f.decisions_amount_sek),
        ),
    ]
    return Table(
        "summary",
        _("Summary"),
        _("Figure"),
        ("value",),
        (_("Value"),),
        tuple(Row(key, label, (cell,)) for key, label, cell in rows),
    )


def _target(f: stats.ControlStats) -> Table:
    g = f.growth
    rows = [
        ("target", _("Target"), _number(f.target.target)),
        ("actual", _("Actual"), _number(f.target.actual)),
        ("share_of_target", _("Share of target reached"), _share(f.target.share_of_target)),
        ("difference", _("Actual minus target"), _number(f.target.difference)),
        ("previous", _("Controls in %(year)s") % {"year": g.previous_year}, _number(g.previous)),
        ("change", _("Change over %(year)s") % {"year": g.previous_year}, _number(g.change)),
        ("percent", _("Growth over %(year)s") % {"year": g.previous_year}, _percent(g.percent)),
    ]
    return Table(
        "target",
        _("Target and growth"),
        _("Figure"),
        ("value",),
        (_("Value"),),
        tuple(Row(key, label, (cell,)) for key, label, cell in rows),
    )


def _tally_table(name: str, title: str, key_heading: str, rows: list[Row]) -> Table:
    return Table(
        name,
        title,
        key_heading,
        ("controls", "with_findings"),
        (_("Controls"), _("With a finding")),
        tuple(rows),
    )


def _tally_row(key: str, label: str, t: stats.Tally) -> Row:
    return Row(key, label, (_number(t.controls), _number(t.with_findings)))


def _industry_label(key: str) -> str:
    if key == stats.UNKNOWN_INDUSTRY:
        return _("Unknown industry")
    return f"{key} · {sni_section_label(key, get_language() or 'en')}"


def _by_centre(f: stats.ControlStats) -> Table:
    rows = tuple(
        Row(
            code,
            c.name,
            (_number(c.controls), _number(c.with_findings), _number(c.target)),
        )
        for code, c in f.by_centre.items()
    )
    return Table(
        "by_centre",
        _("Controls by centre"),
        _("Centre"),
        ("controls", "with_findings", "target"),
        (_("Controls"), _("With a finding"), _("Target")),
        rows,
    )


def _by_agency(f: stats.ControlStats) -> Table:
    rows = tuple(
        Row(
            code,
            code,
            (
                _number(a.controls),
                _number(a.findings),
                _number(a.decisions),
                _number(a.decisions_amount_sek),
            ),
        )
        for code, a in f.by_agency.items()
    )
    return Table(
        "by_agency",
        _("Controls, findings and decisions by agency"),
        _("Agency"),
        ("controls", "findings", "decisions", "decisions_amount_sek"),
        (_("Controls taken part in"), _("Findings"), _("Decisions"), _("Amount (SEK)")),
        rows,
    )


def _decisions(f: stats.ControlStats) -> Table:
    rows = [
        Row(
            kind,
            str(capfirst(DecisionKind(kind).label)),
            (_number(d.count), _number(d.withdrawn), _number(d.amount_sek)),
        )
        for kind, d in f.decisions.items()
    ]
    withdrawn = sum(d.withdrawn for d in f.decisions.values())
    total = (_number(f.decisions_count), _number(withdrawn), _number(f.decisions_amount_sek))
    rows.append(Row("total", _("All decisions"), total))
    return Table(
        "decisions",
        _("Decisions by kind"),
        _("Kind"),
        ("count", "withdrawn", "amount_sek"),
        (_("Decisions"), _("Of which withdrawn"), _("Amount (SEK, withdrawn left out)")),
        tuple(rows),
    )


def _findings(f: stats.ControlStats) -> Table:
    rows = [
        Row(code, code, (_text(x.agency), _number(x.count), _number(x.amount_sek)))
        for code, x in f.findings.items()
    ]
    total = (_text(""), _number(f.findings_count), _number(f.findings_amount_sek))
    rows.append(Row("total", _("All findings"), total))
    return Table(
        "findings",
        _("Findings by catalogue code"),
        _("Code"),
        ("agency", "count", "amount_sek"),
        (_("Agency"), _("Findings"), _("Amount (SEK)")),
        tuple(rows),
    )


def _people_tables(f: stats.ControlStats) -> list[Table]:
    p = f.people
    met = (
        Row(stats.MET, _("People met"), (_people(p.met),)),
        Row(stats.WITH, _("With at least one ILO indicator"), (_people(p.with_indicators),)),
        Row(stats.WITHOUT, _("Without an ILO indicator"), (_people(p.without_indicators),)),
    )
    indicators = tuple(
        Row(code, str(capfirst(Indicator(code).label)), (_people(n),))
        for code, n in p.by_indicator.items()
    )
    return [
        Table("people_met", _("People met"), _("Group"), ("people",), (_("People"),), met),
        Table(
            "indicators",
            _("People met with each ILO indicator of forced labour"),
            _("Indicator"),
            ("people",),
            (_("People"),),
            indicators,
        ),
    ]


def tables(f: stats.ControlStats) -> list[Table]:
    """Every table of the figures, in the order the page shows them."""
    months = [_tally_row(key, str(capfirst(MONTHS[int(key)])), t) for key, t in f.by_month.items()]
    industries = [_tally_row(k, _industry_label(k), t) for k, t in f.by_industry.items()]
    return [
        _summary(f),
        _target(f),
        _tally_table("by_month", _("Controls by month"), _("Month"), months),
        _by_centre(f),
        _tally_table(
            "by_industry", _("Controls by industry (SNI section)"), _("Industry"), industries
        ),
        _by_agency(f),
        _decisions(f),
        _findings(f),
        *_people_tables(f),
    ]


# --- the bar chart ---------------------------------------------------------------------

CHART_HEIGHT, BAR_WIDTH, BAR_STEP, TOP, BOTTOM = 160, 34, 48, 20, 24


def chart(f: stats.ControlStats) -> dict[str, Any]:
    """Bars of controls per month for an SVG drawn by the template (no script, no style
    attribute: the strict CSP allows neither)."""
    top = max((t.controls for t in f.by_month.values()), default=0) or 1
    bars = []
    for index, (key, t) in enumerate(f.by_month.items()):
        height = round(CHART_HEIGHT * t.controls / top)
        x = 8 + index * BAR_STEP
        bars.append(
            {
                "x": x,
                "y": TOP + CHART_HEIGHT - height,
                "height": height,
                "value": t.controls,
                "label": str(capfirst(MONTHS_3[int(key)])),
                "middle": x + BAR_WIDTH // 2,
                "value_y": TOP + CHART_HEIGHT - height - 4,
            }
        )
    return {
        "bars": bars,
        "bar_width": BAR_WIDTH,
        "width": 16 + 12 * BAR_STEP,
        "height": TOP + CHART_HEIGHT + BOTTOM,
        "base": TOP + CHART_HEIGHT,
        "label_y": TOP + CHART_HEIGHT + 16,
    }


# --- the requests ----------------------------------------------------------------------


def _figures(request: HttpRequest) -> stats.ControlStats:
    """The figures the query string asks for: ``year`` (this year when left out) and
    ``centre`` (all when left out or empty). Raises InvalidInput, Forbidden."""
    raw_year = request.GET.get("year")
    year = timezone.localdate().year if raw_year is None else stats.parse_year(raw_year)
    centre = request.GET.get("centre") or None
    return stats.control_statistics(actor=actor_from_request(request), year=year, centre=centre)


def _download_name(f: stats.ControlStats, extension: str) -> str:
    centre = f"-{f.centre}" if f.centre else ""  # a known centre's code: a safe slug
    return f"akrim-controls-{f.year}{centre}.{extension}"


def _echo(value: str, max_length: int) -> str:
    """What the visitor typed, to show again in the form: short, printable characters only."""
    return "".join(ch for ch in value[:max_length] if ch.isprintable())


@login_required
@domain_errors_as_pages
def stats_page(request: HttpRequest) -> HttpResponse:
    """The figures of a year, for the whole country or one centre."""
    context: dict[str, Any] = {
        "centres": stats.centre_choices(),
        "year": _echo(request.GET.get("year", str(timezone.localdate().year)), 10),
        "centre": _echo(request.GET.get("centre", ""), 40),
        "first_year": stats.FIRST_YEAR,
        "last_year": stats.LAST_YEAR,
        "definitions": stats.DEFINITIONS,
        "definitions_version": stats.DEFINITIONS_VERSION,
    }
    try:
        figures = _figures(request)
    except InvalidInput as invalid:
        return render(
            request, "controls/stats.html", {**context, "error": invalid.message}, status=400
        )
    query: dict[str, str | int] = {"year": figures.year}
    if figures.centre:
        query["centre"] = figures.centre
    context.update(
        figures=figures,
        tables=tables(figures),
        chart=chart(figures),
        target_reached=_share(figures.target.share_of_target).text,
        query=urlencode(query),
    )
    return render(request, "controls/stats.html", context)


def _safe(value: Value) -> Value:
    """Text as data in a spreadsheet: no formula, no character the XLSX format refuses."""
    if isinstance(value, str):
        return defuse(ILLEGAL_CHARACTERS_RE.sub("", value))
    return value


def csv_rows(f: stats.ControlStats) -> Iterator[tuple[Value, ...]]:
    """Every table as one long table: table, key, measure, value."""
    yield ("table", "key", "measure", "value")
    for table in tables(f):
        for row in table.rows:
            for measure, cell in zip(table.measures, row.cells, strict=True):
                yield (table.name, _safe(row.key), measure, _safe(cell.value))


@login_required
@domain_errors_as_pages
def stats_csv(request: HttpRequest) -> HttpResponse:
    """The figures as CSV (UTF-8, comma-separated)."""
    figures = _figures(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_download_name(figures, "csv")}"'
    csv.writer(response).writerows(csv_rows(figures))
    return response


def workbook(f: stats.ControlStats) -> Workbook:
    """One sheet per table (code, label, measures), then the definitions."""
    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]  # a new workbook always has one
    for table in tables(f):
        sheet = book.create_sheet(table.name)
        sheet.append([_("Code"), table.key_heading, *table.headings])
        for row in table.rows:
            sheet.append([_safe(row.key), _safe(row.label), *(_safe(c.value) for c in row.cells)])
    sheet = book.create_sheet("definitions")
    sheet.append([_("Definitions, version %(v)s") % {"v": stats.DEFINITIONS_VERSION}])
    sheet.append([_("Year"), f.year])
    sheet.append([_("Centre"), f.centre_name or _("All centres")])
    for name, text in stats.DEFINITIONS.items():
        sheet.append([name, str(text)])
    return book


@login_required
@domain_errors_as_pages
def stats_xlsx(request: HttpRequest) -> HttpResponse:
    """The figures as an XLSX workbook."""
    figures = _figures(request)
    out = io.BytesIO()
    workbook(figures).save(out)
    response = HttpResponse(
        out.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{_download_name(figures, "xlsx")}"'
    return response


urlpatterns: list[URLPattern] = [
    path("stats/", stats_page, name="stats"),
    path("stats.csv", stats_csv, name="stats_csv"),
    path("stats.xlsx", stats_xlsx, name="stats_xlsx"),
]
