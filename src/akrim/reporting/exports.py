"""Tables as CSV and XLSX (openpyxl). Text that a spreadsheet would run as a formula is
written with a leading apostrophe; a suppressed person count is the word "suppressed"."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from akrim.core.spreadsheet import defuse
from akrim.reporting.figures import Table, Value


def _safe(value: Value) -> Value:
    if isinstance(value, str):
        return defuse(ILLEGAL_CHARACTERS_RE.sub("", value))
    return value


def table_csv(table: Table) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_safe(h) for h in table.headings])
    for row in table.rows:
        writer.writerow(["" if v is None else _safe(v) for v in row])
    return out.getvalue().encode("utf-8-sig")


def tables_xlsx(tables: Sequence[Table], *, front: Sequence[tuple[str, str]] = ()) -> bytes:
    """One sheet per table (sheet name = table name); ``front`` fills a first sheet
    "report" with key/value lines (cut-off, data version, hashes)."""
    book = Workbook()
    first = book.active
    if first is None:  # a new workbook always has one sheet
        first = book.create_sheet("report")
    if front:
        first.title = "report"
        for key, value in front:
            first.append([_safe(key), _safe(value)])
    else:
        book.remove(first)
    for table in tables:
        sheet = book.create_sheet(table.name[:31])
        sheet.append([_safe(table.title)])
        sheet.append([_safe(h) for h in table.headings])
        for row in table.rows:
            sheet.append([_safe(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
