"""Reading a survey's responses from CSV (with Polars), validated all or nothing.

The file has the columns ``wave`` (``before``/``after``), ``group``
(``campaign``/``comparison``), an optional ``weight`` (positive), and one column per
question (numbers, or 0/1 for yes/no; an empty cell is no answer). Rows are counted as in
a spreadsheet: the header is row 1, the first response row 2.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl

from akrim.engines.surveys.stats import GROUPS, WAVES

MAX_BYTES = 50 * 1024 * 1024
RESERVED = ("wave", "group", "weight")
MAX_PROBLEMS = 20


class ResponsesRefused(Exception):
    """The file was refused; ``problems`` name the row and column of each fault."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.problems = problems or []


@dataclass(frozen=True)
class Responses:
    """Validated responses: ``frame`` has wave, group, weight (Float64) and the questions."""

    frame: pl.DataFrame
    questions: tuple[str, ...]
    weighted: bool


def _read(path: Path) -> pl.DataFrame:
    if not path.is_file():
        raise ResponsesRefused(f"{path}: no such file")
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise ResponsesRefused(f"{path}: {size} bytes is over the limit of {MAX_BYTES} (50 MB)")
    if size == 0:
        raise ResponsesRefused(f"{path}: the file is empty")
    try:
        return pl.read_csv(path, infer_schema=False, encoding="utf8")
    except (pl.exceptions.PolarsError, UnicodeDecodeError) as error:
        raise ResponsesRefused(f"{path}: not a readable CSV file ({error})") from error


def _check_columns(path: Path, columns: list[str]) -> list[str]:
    problems = [f"column {name!r} is missing" for name in ("wave", "group") if name not in columns]
    for name in columns:
        folded = name.strip().casefold()
        if folded in RESERVED and name != folded:
            problems.append(
                f"column {name!r}: named like the reserved column {folded!r}; "
                f"rename the question or spell the column exactly {folded!r}"
            )
        elif not name.strip():
            problems.append("a column has no name")
    questions = [c for c in columns if c not in RESERVED]
    if not questions and not problems:
        problems.append("there is no question column")
    if problems:
        raise ResponsesRefused(f"{path}: the columns were refused", problems)
    return questions


def _bad_rows(frame: pl.DataFrame, bad: pl.Expr) -> list[tuple[int, str | None]]:
    rows = frame.with_row_index("_row", offset=2).filter(bad)
    return [(int(r), v) for r, v in zip(rows["_row"], rows["_value"], strict=True)]


def _check_values(frame: pl.DataFrame, questions: list[str]) -> list[str]:
    problems: list[str] = []
    for column, allowed in (("wave", WAVES), ("group", GROUPS)):
        view = frame.select(pl.col(column).alias("_value"))
        for row, value in _bad_rows(view, ~pl.col("_value").is_in(allowed).fill_null(False)):
            problems.append(
                f"row {row}, column {column!r}: {value!r} is not one of {', '.join(allowed)}"
            )
    numeric = [*questions, *(["weight"] if "weight" in frame.columns else [])]
    for column in numeric:
        text = pl.col("_value").str.strip_chars()
        number = text.cast(pl.Float64, strict=False)
        view = frame.select(pl.col(column).alias("_value"))
        if column == "weight":
            bad = number.is_null() | ~number.is_finite() | (number <= 0)
            why = "is not a positive number"
        else:
            bad = (text != "") & (number.is_null() | ~number.is_finite())
            why = "is not a number"
        for row, value in _bad_rows(view, bad.fill_null(column == "weight")):
            problems.append(f"row {row}, column {column!r}: {value!r} {why}")
    return problems


def read_responses(path: Path) -> Responses:
    """Read and validate a responses CSV; raise :class:`ResponsesRefused` naming row and
    column of every fault (the first :data:`MAX_PROBLEMS`)."""
    raw = _read(path)
    questions = _check_columns(path, raw.columns)
    if raw.height == 0:
        raise ResponsesRefused(f"{path}: the file has a header but no responses")
    problems = _check_values(raw, questions)
    if problems:
        shown = problems[:MAX_PROBLEMS]
        if len(problems) > MAX_PROBLEMS:
            shown.append(f"... and {len(problems) - MAX_PROBLEMS} more")
        raise ResponsesRefused(f"{path}: {len(problems)} problem(s)", shown)
    weighted = "weight" in raw.columns
    weight = pl.col("weight").str.strip_chars().cast(pl.Float64) if weighted else pl.lit(1.0)
    frame = raw.select(
        pl.col("wave"),
        pl.col("group"),
        weight.alias("weight"),
        *(
            pl.col(q).str.strip_chars().replace("", None).cast(pl.Float64).alias(q)
            for q in questions
        ),
    )
    return Responses(frame=frame, questions=tuple(questions), weighted=weighted)
