"""Build a report: its tables at the cut-off, the PDF (WeasyPrint, Swedish) and the XLSX.

Reproducible: the result records the cut-off date, the data version
(``figures.data_version``) and a SHA-256 of every table's canonical JSON; the same data
gives the same tables and hashes. The charts are the SVGs of ``charts``, embedded.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import timezone, translation

from akrim.controls.stats import DEFINITIONS, DEFINITIONS_VERSION, SUPPRESS_BELOW
from akrim.core.actor import Actor
from akrim.reporting import activity
from akrim.reporting import figures as fig
from akrim.reporting.exports import tables_xlsx
from akrim.reporting.figures import SUPPRESSED, Filters, Table
from akrim.reporting.sections import SECTIONS

KIND_TITLES = {"interim": "Delredovisning", "annual": "Årlig redovisning"}


@dataclass(frozen=True)
class Built:
    kind: str
    period: str
    cutoff: dt.date
    data_version: str
    tables: list[Table]
    hashes: dict[str, str]
    html: str

    def front(self) -> list[tuple[str, str]]:
        """Key lines of the XLSX's first sheet and the PDF's appendix."""
        lines = [
            ("kind", self.kind),
            ("period", self.period),
            ("cutoff", self.cutoff.isoformat()),
            ("data_version", self.data_version),
            ("definitions_version", str(DEFINITIONS_VERSION)),
        ]
        return lines + [(f"sha256:{name}", digest) for name, digest in self.hashes.items()]

    def pdf(self) -> bytes:
        from akrim.core.pdf import pdf_bytes

        return pdf_bytes(self.html)

    def xlsx(self) -> bytes:
        return tables_xlsx(self.tables, front=self.front())


def _cell(value: object) -> str:
    if value is None:
        return "–"
    if value == SUPPRESSED:
        return "undertryckt"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}".replace(",", "\u00a0")
    if isinstance(value, float):
        return f"{value:.1f}".replace(".", ",")
    return str(value)


def tables_at(
    *, actor: Actor, start: dt.date, end: dt.date, cutoff: dt.date, label: str
) -> list[Table]:
    f = Filters(start, end, label=label)
    fig.check_may_read(actor=actor)
    members = fig.memberships(f)
    months = fig.by_month(f, cutoff)
    return [
        fig.by_status(f, cutoff),
        fig.growth(f, cutoff),
        fig.by_year(f, cutoff, months),
        months,
        fig.by_industry(f, cutoff),
        fig.by_centre(f, cutoff),
        fig.decisions(f, cutoff),
        fig.by_agency(f, cutoff),
        fig.people_in_period(f, cutoff),
        fig.members_per_year(f, members),
        members,
        *activity.tables(f, cutoff),
    ]


def build(
    *,
    actor: Actor,
    kind: str,
    period: str,
    cutoff: dt.date | None = None,
    narratives: Mapping[str, str] | None = None,
    signoffs: Mapping[str, str] | None = None,
) -> Built:
    """The report's tables, hashes and HTML (``Built.pdf()`` renders it). Raises
    InvalidInput (kind, period) and Forbidden (``figures.check_may_read``)."""
    from akrim.reporting.services import check_period

    start, end = check_period(kind, period)
    cutoff = cutoff or timezone.localdate()
    with translation.override("sv"):
        tables = fig.with_charts(
            tables_at(actor=actor, start=start, end=end, cutoff=cutoff, label=period.upper())
        )
        by_name = {t.name: t for t in tables}
        hashes = fig.table_hashes(tables)
        version = fig.data_version(Filters(start, end), cutoff)
        sections = [
            {
                "number": i,
                "section": s,
                "narrative": (narratives or {}).get(s.slug, ""),
                "tables": [
                    {
                        "table": by_name[name],
                        "rows": [
                            [str(row[0]), *(_cell(v) for v in row[1:])]
                            for row in by_name[name].rows
                        ],
                    }
                    for name in s.tables
                ],
            }
            for i, s in enumerate(SECTIONS, start=1)
        ]
        html = render_to_string(
            "reporting/report_pdf.html",
            {
                "kind_title": KIND_TITLES.get(kind, kind),
                "period": period.upper(),
                "start": start,
                "end": end - dt.timedelta(days=1),
                "cutoff": cutoff,
                "data_version": version,
                "sections": sections,
                "definitions": [str(text) for text in DEFINITIONS.values()],
                "definitions_version": DEFINITIONS_VERSION,
                "suppress_below": SUPPRESS_BELOW,
                "hashes": hashes,
                "signoffs": sorted((signoffs or {}).items()),
            },
        )
    return Built(kind, period.upper(), cutoff, version, tables, hashes, html)
