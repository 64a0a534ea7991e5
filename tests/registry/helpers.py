"""Copy an extract and break it in one precise way."""

from __future__ import annotations

import csv
import io
import shutil
from collections.abc import Callable
from pathlib import Path

Rows = list[dict[str, str]]


def read_rows(folder: Path, table: str) -> tuple[list[str], Rows]:
    text = (folder / f"{table}.csv").read_text(encoding="utf-8")
    reader = csv.DictReader(io.StringIO(text))
    return list(reader.fieldnames or []), list(reader)


def write_rows(folder: Path, table: str, columns: list[str], rows: Rows) -> None:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    (folder / f"{table}.csv").write_text(buffer.getvalue(), encoding="utf-8")


def copy_extract(source: Path, target: Path) -> Path:
    shutil.copytree(source, target)
    return target


def edit(
    source: Path,
    target: Path,
    table: str,
    change: Callable[[list[str], Rows], tuple[list[str], Rows]],
) -> Path:
    folder = copy_extract(source, target)
    columns, rows = read_rows(folder, table)
    columns, rows = change(columns, rows)
    write_rows(folder, table, columns, rows)
    return folder
