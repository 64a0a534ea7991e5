"""Read and validate one register-exchange extract (spec: register-exchange.md, version 1).

``read_extract(folder)`` reads every table of the spec from ``NAME.csv`` or ``NAME.parquet``,
checks every rule of the spec and returns normalised polars frames, or raises
:class:`ExtractInvalid` listing all problems of all files. Validation is vectorised (polars,
numpy); Python loops only over the capped list of problems and over distinct
``opening_hours`` texts. Pure computation: no Django, no database. The importer in the
registry app is the intended caller.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import importlib.resources
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt
import polars as pl

from akrim.engines.exchange.countries import COUNTRY_CODES
from akrim.engines.exchange.opening_hours import OpeningHoursError, parse_opening_hours
from akrim.engines.exchange.schema import AGENCIES, TABLES, ColumnSpec, Reference, TableSpec

Progress = Callable[[str, int, int], None]

MAX_PER_RULE = 200  # problems listed per (file, column, rule); the rest are summarised
VALUE_WIDTH = 80
_CHUNK = 1 << 25  # bytes per block when scanning a CSV file with numpy
_DIGEST_ROWS = 1_000_000


@dataclass(frozen=True)
class Problem:
    """One broken rule: where (file, 1-based data row, column), the value and the rule."""

    file: str
    row: int | None
    column: str | None
    value: str | None
    rule: str

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column}")
        if self.value is not None:
            where.append(f"value '{self.value}'")
        return f"{', '.join(where)}: {self.rule}"


class ExtractInvalid(Exception):
    """The extract breaks the spec. ``problems`` is capped; ``total`` is the true count."""

    def __init__(self, problems: list[Problem], total: int, warnings: list[Problem]) -> None:
        first = f"; first: {problems[0]}" if problems else ""
        super().__init__(f"register extract refused: {total} problem(s){first}")
        self.problems = problems
        self.total = total
        self.warnings = warnings


@dataclass(frozen=True)
class Extract:
    """A valid extract: one normalised frame per table of the spec (with ``_row``)."""

    folder: Path
    tables: dict[str, pl.DataFrame]
    warnings: list[Problem]
    digest: str
    rows: dict[str, int]


def read_extract(folder: Path, *, progress: Progress | None = None) -> Extract:
    """Read and validate the extract in ``folder``; raises ExtractInvalid on any problem.

    ``progress(stage, done, total)`` is called after each table, the reference check and
    the digest. Anyone may call this; it only reads files.
    """
    folder = Path(folder)
    issues = _Issues()
    if not folder.is_dir():
        rule = "not a directory" if folder.exists() else "folder does not exist"
        issues.file_problem(str(folder), rule)
        raise ExtractInvalid(issues.ordered(), issues.total, issues.warnings)
    paths = _find_files(folder, issues)
    steps = len(TABLES) + 2
    tables: dict[str, _Table] = {}
    for done, spec in enumerate(TABLES.values(), start=1):
        tables[spec.name] = _load_table(spec, paths, issues)
        if progress is not None:
            progress(spec.name, done, steps)
    _check_references(tables, issues)
    if progress is not None:
        progress("references", steps - 1, steps)
    if issues.total:
        raise ExtractInvalid(issues.ordered(), issues.total, issues.warnings)
    frames = {name: table.frame for name, table in tables.items()}
    digest = extract_digest(frames)
    if progress is not None:
        progress("digest", steps, steps)
    return Extract(
        folder=folder,
        tables=frames,
        warnings=issues.warnings,
        digest=digest,
        rows={name: frame.height for name, frame in frames.items()},
    )


def extract_digest(frames: dict[str, pl.DataFrame]) -> str:
    """sha256 over the normalised content: per table in spec order, its spec columns as CSV.

    Only normalised values count, so the same data as CSV or as Parquet gives one digest.
    """
    digest = hashlib.sha256(b"akrim register exchange 1\n")
    for name, spec in TABLES.items():
        frame = frames[name].select(spec.column_names)
        digest.update(f"# {name}\n{','.join(spec.column_names)}\n".encode())
        for offset in range(0, frame.height, _DIGEST_ROWS):
            buffer = io.BytesIO()
            frame.slice(offset, _DIGEST_ROWS).write_csv(
                buffer,
                include_header=False,
                line_terminator="\n",
                date_format="%Y-%m-%d",
                null_value="",
                quote_style="necessary",
            )
            digest.update(buffer.getvalue())
    return digest.hexdigest()


# --- Problems ------------------------------------------------------------------------------


@dataclass
class _Issues:
    """Collects problems per file, capped per (file, column, rule), and warnings."""

    file_level: dict[str, list[Problem]] = field(default_factory=dict)
    row_level: dict[str, list[tuple[int, int, Problem]]] = field(default_factory=dict)
    summaries: dict[str, list[Problem]] = field(default_factory=dict)
    warnings: list[Problem] = field(default_factory=list)
    total: int = 0

    def file_problem(self, file: str, rule: str, *, column: str | None = None) -> None:
        self.file_level.setdefault(file, []).append(Problem(file, None, column, None, rule))
        self.total += 1

    def warn(self, file: str, rule: str, *, column: str | None = None) -> None:
        self.warnings.append(Problem(file, None, column, None, rule))

    def rows(
        self,
        file: str,
        column: str | None,
        position: int,
        rule: str,
        count: int,
        sample: pl.DataFrame,
    ) -> None:
        """Record ``count`` rows breaking ``rule``; ``sample``: ``_row``, ``value``, ``detail``."""
        self.total += count
        listed = self.row_level.setdefault(file, [])
        for row, value, detail in sample.head(MAX_PER_RULE).iter_rows():
            text = None if value is None else _shorten(str(value))
            problem = Problem(file, row, column, text, rule + (detail or ""))
            listed.append((row, position, problem))
        if count > MAX_PER_RULE:
            more = f"… and {count - MAX_PER_RULE} more rows with the same problem: {rule}"
            self.summaries.setdefault(file, []).append(Problem(file, None, column, None, more))

    def ordered(self) -> list[Problem]:
        files = sorted({*self.file_level, *self.row_level, *self.summaries}, key=_file_order)
        problems: list[Problem] = []
        for file in files:
            problems += self.file_level.get(file, [])
            problems += [p for _, _, p in sorted(self.row_level.get(file, []), key=_by_place)]
            problems += self.summaries.get(file, [])
        return problems


def _file_order(file: str) -> tuple[int, str]:
    """Files in the order of the spec's tables; anything else (the folder) first."""
    stem = file.rpartition(".")[0]
    return (list(TABLES).index(stem) if stem in TABLES else -1), file


def _by_place(item: tuple[int, int, Problem]) -> tuple[int, int]:
    return item[0], item[1]


def _shorten(value: str) -> str:
    return value if len(value) <= VALUE_WIDTH else value[: VALUE_WIDTH - 1] + "…"


# --- Files -----------------------------------------------------------------------------------


def _find_files(folder: Path, issues: _Issues) -> dict[str, Path | None]:
    """Map table name to its file; None marks a table that may not be read (ambiguous)."""
    found: dict[str, Path | None] = {}
    for entry in sorted(folder.iterdir()):
        name, dot, suffix = entry.name.rpartition(".")
        if entry.name.startswith("."):
            continue
        if not dot or name not in TABLES or suffix not in ("csv", "parquet") or not entry.is_file():
            issues.warn(entry.name, "not a file of the exchange format; ignored")
        elif name in found:
            issues.file_problem(
                entry.name, f"both {name}.csv and {name}.parquet are present; keep only one"
            )
            found[name] = None
        else:
            found[name] = entry
    return found


@dataclass
class _Table:
    """A table after validation: normalised frame and which columns could be checked."""

    frame: pl.DataFrame
    file: str
    checked: frozenset[str]  # columns whose values were read and type-checked
    missing: bool  # no file (an empty frame stands in)
    complete: bool = True  # False when rows were dropped (wrong number of fields)


@dataclass
class _Raw:
    """Cells as read: spec columns present in the file, plus ``_row``."""

    frame: pl.DataFrame
    native: frozenset[str]  # Parquet columns already of the right type (not text)
    complete: bool = True  # False when rows with a wrong number of fields were dropped


def _load_table(spec: TableSpec, paths: dict[str, Path | None], issues: _Issues) -> _Table:
    path = paths.get(spec.name)
    file = path.name if path is not None else f"{spec.name}.csv"
    empty = _empty_frame(spec)
    if path is None:
        if spec.name in paths:  # both NAME.csv and NAME.parquet: already reported
            return _Table(empty, file, frozenset(), missing=False)
        if spec.required:
            issues.file_problem(
                file, f"required table is missing: expected {spec.name}.csv or {spec.name}.parquet"
            )
            return _Table(empty, file, frozenset(), missing=False)
        return _Table(empty, file, frozenset(spec.column_names), missing=True)
    if path.stat().st_size == 0:
        issues.file_problem(file, "empty file (0 bytes)")
        return _Table(empty, file, frozenset(), missing=False)
    raw = (
        _read_csv(spec, path, issues)
        if path.suffix == ".csv"
        else _read_parquet(spec, path, issues)
    )
    if raw is None:
        return _Table(empty, file, frozenset(), missing=False)
    frame = _validate(spec, file, raw, issues)
    checked = frozenset(raw.frame.columns) - {"_row"}
    return _Table(frame, file, checked, missing=False, complete=raw.complete)


def _empty_frame(spec: TableSpec) -> pl.DataFrame:
    schema: dict[str, pl.DataType] = {c.name: c.dtype for c in spec.columns}
    if spec.name == "findings":
        schema["ordinal"] = pl.Int64()
    schema["_row"] = pl.Int64()
    return pl.DataFrame(schema=schema)


def _match_columns(spec: TableSpec, file: str, names: list[str], issues: _Issues) -> bool:
    """Check the header against the spec; False when the file cannot be read by name."""
    duplicates = sorted({name for name in names if names.count(name) > 1})
    for name in duplicates:
        issues.file_problem(file, "column appears more than once in the header", column=name)
    for column in spec.columns:
        if column.name in names:
            continue
        if column.optional:
            issues.warn(file, "optional column is missing; treated as empty", column=column.name)
        else:
            issues.file_problem(
                file, "required column is missing from the header", column=column.name
            )
    for name in names:
        if name not in spec.column_names:
            issues.warn(file, "unknown column; ignored", column=name)
    return not duplicates


def _read_csv(spec: TableSpec, path: Path, issues: _Issues) -> _Raw | None:
    file = path.name
    names = _csv_header(path, file, issues)
    if names is None or not _match_columns(spec, file, names, issues):
        return None
    read = _polars_csv(path, file, issues)
    if read is None:
        return None
    frame, ragged = read
    if frame.width != len(names):
        issues.file_problem(file, f"header has {len(names)} fields but the file {frame.width}")
        return None
    frame.columns = [f"~{index}" for index in range(len(names))]
    frame = frame.with_row_index("_row", offset=1).with_columns(pl.col("_row").cast(pl.Int64))
    last = frame.get_column(f"~{len(names) - 1}")
    complete = True
    if frame.height and (ragged or last.null_count()):
        dropped = _drop_bad_records(path, file, frame, len(names), issues)
        if dropped is None:
            return None
        frame, complete = dropped
    keep = {f"~{names.index(name)}": name for name in spec.column_names if name in names}
    frame = frame.select("_row", *(pl.col(index).alias(name) for index, name in keep.items()))
    frame = _clean_text(frame, list(keep.values()))
    return _Raw(frame, frozenset(), complete)


def _csv_header(path: Path, file: str, issues: _Issues) -> list[str] | None:
    with path.open("rb") as stream:
        line = stream.readline()
    skipped = 3 if line.startswith(b"\xef\xbb\xbf") else 0
    try:
        text = line[skipped:].decode("utf-8")
    except UnicodeDecodeError as error:
        byte = line[skipped + error.start]
        issues.file_problem(
            file, f"not UTF-8: byte 0x{byte:02x} at byte offset {skipped + error.start} (line 1)"
        )
        return None
    text = text.removesuffix("\n").removesuffix("\r")
    if not text.strip():
        issues.file_problem(file, "empty file: no header row")
        return None
    if "\r" in text:
        issues.file_problem(file, "lines must end with LF or CRLF (bare CR in the header)")
        return None
    try:
        return [name.strip() for name in next(csv.reader([text], strict=True))]
    except csv.Error as error:
        issues.file_problem(file, f"header is not valid CSV: {error}")
        return None


def _polars_csv(path: Path, file: str, issues: _Issues) -> tuple[pl.DataFrame, bool] | None:
    """All fields as text, and whether some record had more fields than the header."""
    try:
        return pl.read_csv(path, infer_schema=False, raise_if_empty=False), False
    except pl.exceptions.PolarsError as error:
        message = str(error)
    try:
        if "more fields" in message:
            frame = pl.read_csv(path, infer_schema=False, truncate_ragged_lines=True)
            return frame, True
    except pl.exceptions.PolarsError as error:
        message = str(error)
    if "utf-8" in message.lower() or "utf8" in message.lower():
        issues.file_problem(file, _utf8_problem(path))
    else:
        first = message.splitlines()[0] if message else "unknown error"
        issues.file_problem(file, f"not readable as CSV (check the double quotes): {first}")
    return None


def _utf8_problem(path: Path) -> str:
    """Describe the first byte that is not UTF-8 (offset and line)."""
    offset, line, carry = 0, 1, b""
    with path.open("rb") as stream:
        while True:
            chunk = stream.read(_CHUNK)
            data = carry + chunk
            try:
                data.decode("utf-8")
                good, carry = data, b""
            except UnicodeDecodeError as error:
                if chunk and error.end == len(data) and "end of data" in error.reason:
                    good, carry = data[: error.start], data[error.start :]
                else:
                    at = offset + error.start
                    line += data[: error.start].count(b"\n")
                    byte = data[error.start]
                    return f"not UTF-8: byte 0x{byte:02x} at byte offset {at} (line {line})"
            offset += len(good)
            line += good.count(b"\n")
            if not chunk:
                return "not UTF-8"


def _drop_bad_records(
    path: Path, file: str, frame: pl.DataFrame, width: int, issues: _Issues
) -> tuple[pl.DataFrame, bool] | None:
    """Count the fields of every record; report wrong counts; drop those and blank lines.

    Returns the kept rows and whether every record had the right number of fields.
    """
    counts, blank, open_quote = _record_shapes(path)
    if open_quote:
        issues.file_problem(file, "a double-quoted field is never closed (RFC 4180 quoting)")
        return None
    counts, blank = counts[1:], blank[1:]
    if len(counts) != frame.height:
        issues.file_problem(
            file, "rows could not be told apart; check the double quotes (RFC 4180)"
        )
        return None
    wrong = (counts != width) & ~blank
    if wrong.any():
        shown = np.flatnonzero(wrong)[:MAX_PER_RULE]
        sample = pl.DataFrame(
            {
                "_row": (shown + 1).astype(np.int64),
                "value": pl.Series([None] * len(shown), dtype=pl.String),
                "detail": [f" ({count}, expected {width})" for count in counts[shown]],
            }
        )
        issues.rows(file, None, -1, "wrong number of fields", int(wrong.sum()), sample)
    if blank.any():
        issues.warn(file, f"{int(blank.sum())} blank line(s) ignored")
    return frame.filter(pl.Series(~(wrong | blank))), not wrong.any()


def _record_shapes(path: Path) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.bool_], bool]:
    """Fields per CSV record (header included), which records are blank, open quote at end.

    RFC 4180: commas and line breaks inside double quotes belong to the field; a doubled
    quote inside a quoted field toggles twice, so the parity of quotes seen so far tells
    whether a byte is quoted.
    """
    counts: list[npt.NDArray[np.int64]] = []
    blanks: list[npt.NDArray[np.bool_]] = []
    inside, offset, commas, last_end, commas_at_last_end, previous = 0, 0, 0, -1, 0, -1
    with path.open("rb") as stream:
        while chunk := stream.read(_CHUNK):
            data = np.frombuffer(chunk, dtype=np.uint8)
            quotes = data == ord('"')
            if quotes.any():
                parity = (np.cumsum(quotes, dtype=np.uint8) + inside) & 1
                outside = parity == 0
                inside = int(parity[-1])
                newlines = np.flatnonzero((data == ord("\n")) & outside)
                comma_at = np.flatnonzero((data == ord(",")) & outside)
            elif inside:
                newlines = comma_at = np.empty(0, dtype=np.int64)
            else:
                newlines = np.flatnonzero(data == ord("\n"))
                comma_at = np.flatnonzero(data == ord(","))
            ends = offset + newlines
            before = commas + np.searchsorted(comma_at, newlines)
            starts = np.concatenate(([last_end], ends[:-1])) + 1
            counts.append(before - np.concatenate(([commas_at_last_end], before[:-1])) + 1)
            byte_before = np.where(newlines > 0, data[np.maximum(newlines - 1, 0)], previous)
            length = ends - starts
            blanks.append((length == 0) | ((length == 1) & (byte_before == ord("\r"))))
            if len(ends):
                last_end, commas_at_last_end = int(ends[-1]), int(before[-1])
            commas += len(comma_at)
            previous = int(data[-1])
            offset += len(data)
    if offset - last_end - 1 > 0:
        counts.append(np.array([commas - commas_at_last_end + 1], dtype=np.int64))
        length = offset - last_end - 1
        blanks.append(np.array([length == 1 and previous == ord("\r")]))
    if not counts:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.bool_), inside == 1
    return (
        np.concatenate(counts).astype(np.int64),
        np.concatenate(blanks).astype(np.bool_),
        inside == 1,
    )


def _read_parquet(spec: TableSpec, path: Path, issues: _Issues) -> _Raw | None:
    file = path.name
    try:
        schema = pl.read_parquet_schema(path)
    except (pl.exceptions.PolarsError, OSError) as error:
        issues.file_problem(file, f"not a readable Parquet file: {str(error).splitlines()[0]}")
        return None
    names = list(schema)
    if not _match_columns(spec, file, names, issues):
        return None
    present = [column for column in spec.columns if column.name in names]
    try:
        frame = pl.read_parquet(path, columns=[column.name for column in present])
    except (pl.exceptions.PolarsError, OSError) as error:
        issues.file_problem(file, f"not a readable Parquet file: {str(error).splitlines()[0]}")
        return None
    frame = frame.with_row_index("_row", offset=1).with_columns(pl.col("_row").cast(pl.Int64))
    native: set[str] = set()
    columns: list[pl.Series] = [frame.get_column("_row")]
    for column in present:
        values = frame.get_column(column.name)
        if _is_native(column, values.dtype):
            native.add(column.name)
            columns.append(values)
            continue
        text = _parquet_text(values, file, column, issues)
        if text is not None:
            columns.append(text)
    texts = [s.name for s in columns if s.name not in native and s.name != "_row"]
    return _Raw(_clean_text(pl.DataFrame(columns), texts), frozenset(native))


def _is_native(column: ColumnSpec, dtype: pl.DataType) -> bool:
    if dtype == pl.Null:
        return column.type in ("int", "float", "date", "bool")
    if column.type == "int":
        return dtype.is_integer()
    if column.type == "float":
        return dtype.is_float() or dtype.is_integer()
    if column.type == "date":
        return dtype == pl.Date
    if column.type == "bool":
        return dtype == pl.Boolean
    return False


def _parquet_text(
    values: pl.Series, file: str, column: ColumnSpec, issues: _Issues
) -> pl.Series | None:
    """Values of a Parquet column as text in the CSV formats, or None if impossible."""
    if values.dtype == pl.String:
        return values
    try:
        text = values.cast(pl.String, strict=False)
    except pl.exceptions.PolarsError:
        issues.file_problem(file, f"unsupported Parquet type {values.dtype}", column=column.name)
        return None
    lost = values.is_not_null() & text.is_null()
    if lost.any():
        frame = pl.DataFrame({"_row": lost.arg_true().cast(pl.Int64) + 1})
        sample = frame.with_columns(value=pl.lit(None, pl.String), detail=pl.lit(None, pl.String))
        issues.rows(file, column.name, 0, "not readable as text", int(lost.sum()), sample)
    return text


def _clean_text(frame: pl.DataFrame, names: list[str]) -> pl.DataFrame:
    """Strip surrounding (Unicode) whitespace; an empty cell is a missing value."""
    stripped = frame.with_columns(pl.col(name).str.strip_chars() for name in names)
    if not names:
        return stripped
    # Blanking copies every string, so only columns that have an empty cell are blanked.
    has_empty = stripped.select((pl.col(name) == "").any() for name in names).row(0)
    empty = [name for name, flag in zip(names, has_empty, strict=True) if flag]
    return stripped.with_columns(pl.when(pl.col(n) != "").then(pl.col(n)).alias(n) for n in empty)


# --- Column rules ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Check:
    """Rows where ``mask`` is true break ``rule``; ``detail`` (text) is appended per row."""

    column: str | None
    rule: str
    mask: pl.Expr
    detail: pl.Expr | None = None


INT_RE = r"^-?[0-9]+$"
FLOAT_RE = r"^[-+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]+)?$"
DATE_RE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
MONTH_RE = r"^[0-9]{4}-(0[1-9]|1[0-2])$"


def _validate(spec: TableSpec, file: str, raw: _Raw, issues: _Issues) -> pl.DataFrame:
    """Type-check every column and row; return the normalised frame."""
    frame = raw.frame.rename({name: f"~{name}" for name in raw.frame.columns if name != "_row"})
    frame = _add_identity_columns(spec, frame)
    normal: dict[str, pl.Expr] = {}
    checks: list[_Check] = []
    for column in spec.columns:
        if f"~{column.name}" not in frame.columns:
            normal[column.name] = pl.lit(None, column.dtype)
            continue
        expr, column_checks = _column_rules(column, frame, column.name in raw.native)
        normal[column.name] = expr.cast(column.dtype).alias(column.name)
        checks += column_checks
    for later, earlier in spec.ordered:
        if f"~{later}" in frame.columns and f"~{earlier}" in frame.columns:
            mask = (pl.col(later) < pl.col(earlier)).fill_null(value=False)
            detail = pl.format(" ({})", pl.col(earlier).cast(pl.String))
            checks.append(_Check(later, f"{later} is before {earlier}", mask, detail))
    masks = [check.mask.fill_null(value=False).alias(f"~m{i}") for i, check in enumerate(checks)]
    result = frame.lazy().with_columns(**normal).with_columns(masks).collect()
    counts = (
        result.select(pl.col(m.meta.output_name()).sum() for m in masks).row(0) if masks else ()
    )
    positions = {name: index for index, name in enumerate(spec.column_names)}
    for index, (check, count) in enumerate(zip(checks, counts, strict=True)):
        if count:
            sample = result.filter(pl.col(f"~m{index}")).head(MAX_PER_RULE)
            value = pl.col(f"~{check.column}").cast(pl.String) if check.column else pl.lit(None)
            sample = sample.select(
                "_row",
                value.cast(pl.String).alias("value"),
                (check.detail if check.detail is not None else pl.lit(None))
                .cast(pl.String)
                .alias("detail"),
            )
            issues.rows(
                file, check.column, positions.get(check.column or "", -1), check.rule, count, sample
            )
    frame = result.select(*spec.column_names, "_row")
    if spec.name == "findings":
        ordinal = (pl.int_range(pl.len()).over("control_id") + 1).cast(pl.Int64)
        frame = frame.with_columns(ordinal.alias("ordinal")).select(
            *spec.column_names, "ordinal", "_row"
        )
    _check_duplicates(spec, file, frame, issues)
    return frame


def _column_rules(
    column: ColumnSpec, frame: pl.DataFrame, native: bool
) -> tuple[pl.Expr, list[_Check]]:
    """The normalised value of ``column`` (null when invalid) and its checks."""
    name = column.name
    raw = pl.col(f"~{name}")
    given = raw.is_not_null()
    checks = [] if column.optional else [_Check(name, "required value is missing", raw.is_null())]

    def invalid(rule: str, ok: pl.Expr) -> pl.Expr:
        checks.append(_Check(name, rule, given & ~ok))
        return pl.when(ok).then(raw)

    match column.type:
        case "str":
            expr = _text_rules(column, frame, checks)
        case "int":
            expr = raw.cast(pl.Int64, strict=False) if native else _parse_int(raw)
            checks.append(_Check(name, "not a whole number", given & expr.is_null()))
        case "float":
            number = raw.cast(pl.Float64, strict=False) if native else _parse_float(raw)
            expr = pl.when(number.is_finite()).then(number)
            checks.append(_Check(name, "not a number", given & expr.is_null()))
        case "bool":
            expr = (
                raw
                if native
                else pl.when(raw == "true").then(True).when(raw == "false").then(False)
            )
            checks.append(_Check(name, "not true or false", given & expr.is_null()))
        case "date":
            expr = raw if native else _date_rules(name, raw, checks)
        case "month":
            ok = raw.str.contains(MONTH_RE) & ~raw.str.starts_with("0000")
            expr = invalid("not a month in the form YYYY-MM", ok)
        case "orgno":
            expr = _identity_rules(name, checks, ORGNO_RULES)
        case "pid":
            expr = _identity_rules(name, checks, PID_RULES)
        case "kommun":
            expr = invalid("not a known municipality code", raw.is_in(sorted(municipality_codes())))
        case "sni":
            expr = invalid("not an SNI code (5 digits)", raw.str.contains(r"^[0-9]{5}$"))
        case "country":
            rule = "not an ISO 3166-1 alpha-2 country code (two upper-case letters)"
            expr = invalid(rule, raw.is_in(sorted(COUNTRY_CODES)))
    if column.check == "amount":
        checks.append(_Check(name, "must not be negative", expr < 0))
    elif column.check in ("latitude", "longitude"):
        limit = 90 if column.check == "latitude" else 180
        outside = (expr < -limit) | (expr > limit)
        checks.append(_Check(name, f"{column.check} outside -{limit} to {limit}", outside))
        expr = pl.when(~outside).then(expr)
    return expr, checks


def _text_rules(column: ColumnSpec, frame: pl.DataFrame, checks: list[_Check]) -> pl.Expr:
    name = column.name
    raw = pl.col(f"~{name}")
    given = raw.is_not_null()
    if column.choices is not None:
        ok = raw.is_in(sorted(column.choices))
        checks.append(_Check(name, f"not one of {', '.join(sorted(column.choices))}", given & ~ok))
        return pl.when(ok).then(raw)
    if column.check == "postal_code":
        ok = raw.str.contains(r"^[0-9]{5}$")
        checks.append(_Check(name, "not a postal code (5 digits)", given & ~ok))
        return pl.when(ok).then(raw)
    if column.check == "agency_list":
        items = raw.str.split(";").list.eval(pl.element().str.strip_chars())
        ok = items.list.eval(pl.element().is_in(sorted(AGENCIES))).list.all()
        codes = ", ".join(sorted(AGENCIES))
        checks.append(
            _Check(name, f"not a ';'-separated list of agency codes ({codes})", given & ~ok)
        )
        return pl.when(ok).then(items.list.join(";"))
    if column.check == "opening_hours":
        errors = _opening_hours_errors(frame.get_column(f"~{name}"))
        error = (
            raw.replace_strict(errors, default=None, return_dtype=pl.String)
            if errors
            else pl.lit(None, pl.String)
        )
        detail = pl.lit(": ") + error
        checks.append(_Check(name, "not valid opening_hours", error.is_not_null(), detail))
        return pl.when(error.is_null()).then(raw)
    return raw


def _opening_hours_errors(values: pl.Series) -> dict[str, str]:
    """Error text per distinct invalid value (each distinct text is parsed once)."""
    errors = {}
    for text in values.drop_nulls().unique().to_list():
        try:
            parse_opening_hours(text)
        except OpeningHoursError as error:
            errors[text] = str(error)
    return errors


def _parse_int(raw: pl.Expr) -> pl.Expr:
    return pl.when(raw.str.contains(INT_RE)).then(raw.str.to_integer(strict=False))


def _parse_float(raw: pl.Expr) -> pl.Expr:
    return pl.when(raw.str.contains(FLOAT_RE)).then(raw.cast(pl.Float64, strict=False))


def _date_rules(name: str, raw: pl.Expr, checks: list[_Check]) -> pl.Expr:
    shaped = raw.str.contains(DATE_RE)
    # Year 0000 exists for polars but not for Python's datetime.date.
    parsed = pl.when(shaped & ~raw.str.starts_with("0000")).then(
        raw.str.to_date("%Y-%m-%d", strict=False)
    )
    checks.append(_Check(name, "not a date in the form YYYY-MM-DD", raw.is_not_null() & ~shaped))
    checks.append(_Check(name, "no such date", shaped & parsed.is_null()))
    return parsed


@dataclass(frozen=True)
class _IdentityRules:
    """How the identity columns computed by ``_add_identity_columns`` become problems."""

    shape: str
    date: str | None
    check_digit: str


ORGNO_RULES = _IdentityRules(
    shape="not an organisation number (10 digits, optionally a hyphen after the 6th)",
    date=None,
    check_digit="not a valid organisation number (check digit)",
)
PID_RULES = _IdentityRules(
    shape="not a person id (YYYYMMDDNNNC, or X followed by digits)",
    date="not a valid person id (no such date of birth)",
    check_digit="not a valid person id (check digit)",
)


def _identity_rules(name: str, checks: list[_Check], rules: _IdentityRules) -> pl.Expr:
    shape, date_ok, valid = (pl.col(f"~{part}:{name}") for part in ("shape", "date", "valid"))
    checks.append(_Check(name, rules.shape, pl.col(f"~{name}").is_not_null() & ~shape))
    if rules.date is not None:
        checks.append(_Check(name, rules.date, shape & ~date_ok))
    checks.append(_Check(name, rules.check_digit, shape & date_ok & ~valid))
    return pl.col(f"~normal:{name}")


def _add_identity_columns(spec: TableSpec, frame: pl.DataFrame) -> pl.DataFrame:
    """Identity checks run eagerly, column by column, so the exact path sees only odd values."""
    added: list[pl.Series] = []
    for column in spec.columns:
        if column.type not in ("orgno", "pid") or f"~{column.name}" not in frame.columns:
            continue
        values = frame.get_column(f"~{column.name}").cast(pl.String)
        parts = check_orgnos(values) if column.type == "orgno" else check_pids(values)
        added += [parts.get_column(part).alias(f"~{part}:{column.name}") for part in parts.columns]
    return frame.with_columns(added)


# --- Identity numbers, vectorised ---------------------------------------------------------------
# These mirror akrim.core.identity.valid_orgno / valid_pid exactly, for any text (the tests check
# this with Hypothesis): ASCII digits only; anything else is not an identity number.

_ORGNO_PLAIN = r"^[0-9]{6}-?[0-9]{4}$"
_PID_PLAIN = r"^([0-9]{12}|X[0-9]{1,20})$"
_MONTH_DAYS = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=np.int64)

Flags = npt.NDArray[np.bool_]


def _in_blocks(check: Callable[[npt.NDArray[np.int64]], Flags]) -> Callable[..., Flags]:
    """Run ``check`` on blocks of a quarter million numbers: small arrays stay in cache and
    the allocator reuses them, which is several times faster on tens of millions of rows."""

    @functools.wraps(check)
    def blocks(numbers: npt.NDArray[np.int64]) -> Flags:
        size = 1 << 18
        parts = [check(numbers[i : i + size]) for i in range(0, len(numbers), size)]
        return np.concatenate(parts) if parts else np.zeros(0, dtype=np.bool_)

    return blocks


def _luhn_groups() -> npt.NDArray[np.int64]:
    """Luhn sum of every 4-digit group whose last digit sits at an even place from the right:
    digits at odd places are doubled (2d - 9 is the digit sum when 2d > 9)."""
    group = np.arange(10_000, dtype=np.int64)
    total = np.zeros_like(group)
    for place in range(4):
        digit = group // 10**place % 10
        total += digit if place % 2 == 0 else 2 * digit - 9 * (digit >= 5)
    return total


_LUHN_GROUPS = _luhn_groups()


@_in_blocks
def _luhn_ok(numbers: npt.NDArray[np.int64]) -> Flags:
    """Luhn check over the last 10 decimal digits of each (non-negative) number."""
    ten = numbers % 10**10
    groups = _LUHN_GROUPS[ten % 10**4] + _LUHN_GROUPS[ten // 10**4 % 10**4]
    return np.asarray((groups + _LUHN_GROUPS[ten // 10**8]) % 10 == 0)


@_in_blocks
def _birth_ok(yyyymmdd: npt.NDArray[np.int64]) -> Flags:
    """A real date of birth; a day above 60 is a samordningsnummer (day + 60)."""
    year, month, day = yyyymmdd // 10_000, yyyymmdd // 100 % 100, yyyymmdd % 100
    day = np.where(day > 60, day - 60, day)
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    known_month = (month >= 1) & (month <= 12)
    days = _MONTH_DAYS[np.where(known_month, month, 0)] + (leap & (month == 2))
    return np.asarray((year >= 1) & known_month & (day >= 1) & (day <= days))


def _numbers(text: pl.Series) -> npt.NDArray[np.int64]:
    """Text of ASCII digits as int64, 0 where not a number (callers check the shape)."""
    parsed = text.str.to_integer(strict=False)
    if parsed.null_count():
        parsed = parsed.fill_null(0)
    return parsed.to_numpy().astype(np.int64, copy=False)


def _luhn_text(text: pl.Series, digits: int) -> Flags:
    """True where ``text`` is exactly ``digits`` ASCII digits passing the Luhn check."""
    shaped = text.str.contains(f"^[0-9]{{{digits}}}$").fill_null(value=False).to_numpy()
    return shaped & _luhn_ok(_numbers(text))


def _flags(series: pl.Series) -> Flags:
    return series.fill_null(value=False).to_numpy()


@dataclass
class _IdentityCheck:
    """Per value: right shape, real date (always true for orgno), valid, normalised text."""

    shape: Flags
    date: Flags
    valid: Flags
    normal: pl.Series

    def patch(self, odd: npt.NDArray[np.int64], exact: _IdentityCheck) -> None:
        self.shape[odd], self.date[odd], self.valid[odd] = exact.shape, exact.date, exact.valid
        self.normal = self.normal.scatter(odd, exact.normal)

    def frame(self, given: pl.Series) -> pl.DataFrame:
        """The checks as columns; null where the value was null (masking skipped if none)."""
        frame = pl.DataFrame({"shape": self.shape, "date": self.date, "valid": self.valid})
        frame = frame.with_columns(self.normal.alias("normal"), given.alias("~given"))
        flags = [pl.col(name) for name in ("shape", "date", "valid")]
        if not given.all():
            flags = [
                pl.when(pl.col("~given")).then(flag).alias(flag.meta.output_name())
                for flag in flags
            ]
        normal = pl.col("normal")
        if not self.valid.all() or not given.all():
            normal = pl.when(pl.col("~given") & pl.col("valid")).then(normal).alias("normal")
        return frame.select(*flags, normal)


def _checked(
    values: pl.Series,
    plain: str,
    fast: Callable[[pl.Series], _IdentityCheck],
    exact: Callable[[pl.Series], _IdentityCheck],
) -> pl.DataFrame:
    """Run ``fast`` on all values, then redo the non-null values not matching ``plain``."""
    text = values.cast(pl.String)
    given = text.is_not_null()
    result = fast(text)
    odd = (given & ~text.str.contains(plain).fill_null(value=False)).arg_true().to_numpy()
    if len(odd):
        result.patch(odd, exact(text.gather(odd)))
    return result.frame(given)


def _orgno_fast(text: pl.Series) -> _IdentityCheck:
    digits = text.str.replace("-", "", literal=True)  # a plain value has at most one
    shape = np.ones(len(text), dtype=np.bool_)
    return _IdentityCheck(shape, shape.copy(), _luhn_ok(_numbers(digits)), digits)


def _not_an_identity_number(text: pl.Series) -> _IdentityCheck:
    """Values with anything but ASCII digits (and the orgno hyphen) in the right places."""
    no = np.zeros(len(text), dtype=np.bool_)
    return _IdentityCheck(no, no.copy(), no.copy(), text)


def _pid_fast(text: pl.Series) -> _IdentityCheck:
    foreign = _flags(text.str.starts_with("X"))
    numbers = _numbers(text)
    date = foreign | _birth_ok(numbers // 10_000)
    valid = foreign | (date & _luhn_ok(numbers))
    return _IdentityCheck(np.ones(len(text), dtype=np.bool_), date, valid, text)


def check_orgnos(values: pl.Series) -> pl.DataFrame:
    """Vectorised ``valid_orgno``. Columns: ``shape``, ``date`` (same as shape), ``valid`` and
    ``normal`` (the 10 ASCII digits of a valid number, else null); null in, null out."""
    return _checked(values, _ORGNO_PLAIN, _orgno_fast, _not_an_identity_number)


def check_pids(values: pl.Series) -> pl.DataFrame:
    """Vectorised ``valid_pid``. Columns: ``shape``, ``date`` (a real date of birth; true for
    an ``X`` id), ``valid`` and ``normal`` (the id in ASCII digits when valid, else null)."""
    return _checked(values, _PID_PLAIN, _pid_fast, _not_an_identity_number)


def orgno_valid(values: pl.Series) -> pl.Series:
    """``valid_orgno`` for every value (null stays null)."""
    return check_orgnos(values).get_column("valid")


def pid_valid(values: pl.Series) -> pl.Series:
    """``valid_pid`` for every value (null stays null)."""
    return check_pids(values).get_column("valid")


@functools.cache
def municipality_codes() -> frozenset[str]:
    """The 290 municipality codes of ``akrim.reference``'s municipalities.csv."""
    text = importlib.resources.files("akrim.reference").joinpath("municipalities.csv").read_text()
    return frozenset(row["municipality_code"] for row in csv.DictReader(io.StringIO(text)))


# --- Keys and references -------------------------------------------------------------------------


def _check_duplicates(spec: TableSpec, file: str, frame: pl.DataFrame, issues: _Issues) -> None:
    """Every row repeating a key seen before is a problem naming the first row.

    Sorting 64-bit row hashes finds the candidates fast; keys are then compared exactly, but
    only among rows whose hash occurs more than once.
    """
    if not set(spec.key) <= set(spec.column_names):
        return  # a key of derived columns (findings: control_id, ordinal) is unique by design
    keyed = frame.select("_row", *spec.key).drop_nulls()
    hashes = keyed.select(pl.struct(spec.key).hash()).to_series()
    ordered = hashes.sort().to_numpy()
    repeated = np.unique(ordered[1:][ordered[1:] == ordered[:-1]])
    if not len(repeated):
        return
    keyed = keyed.filter(hashes.is_in(pl.Series(repeated).implode()))
    first = pl.struct(spec.key).is_first_distinct().alias("~first")
    keyed = keyed.with_columns(first)
    again = keyed.filter(~pl.col("~first"))
    if again.is_empty():
        return
    firsts = keyed.filter(pl.col("~first")).select(pl.col("_row").alias("~first_row"), *spec.key)
    shown = again.head(MAX_PER_RULE).join(firsts, on=list(spec.key), how="left").sort("_row")
    sample = shown.select(
        "_row",
        pl.concat_str([pl.col(k).cast(pl.String) for k in spec.key], separator=", ").alias("value"),
        pl.format(" (first in row {})", "~first_row").alias("detail"),
    )
    issues.rows(file, ", ".join(spec.key), 0, "duplicate key", again.height, sample)


def _check_references(tables: dict[str, _Table], issues: _Issues) -> None:
    """Each reference must name an existing row. Only values that passed their own column's
    checks take part (invalid values are null after normalisation). All references to one
    parent column are looked up together, so the parent's key set is built once."""
    targets: dict[tuple[str, str], list[tuple[TableSpec, Reference]]] = {}
    for spec in TABLES.values():
        for reference in spec.references:
            if _reference_checkable(tables, spec, reference):
                key = (reference.target, reference.target_column)
                targets.setdefault(key, []).append((spec, reference))
    for (target, target_column), references in targets.items():
        known = tables[target].frame.get_column(target_column).drop_nulls()
        values = pl.concat(
            [tables[spec.name].frame.get_column(ref.column) for spec, ref in references]
        )
        found = values.is_in(known.implode())
        offset = 0
        for spec, reference in references:
            child = tables[spec.name]
            exists = found.slice(offset, child.frame.height)
            offset += child.frame.height
            value = pl.col(reference.column)
            unknown = child.frame.filter(value.is_not_null() & ~exists)
            if unknown.is_empty():
                continue
            rule = f"unknown reference: no such {target_column} in {target}"
            sample = unknown.head(MAX_PER_RULE).select(
                "_row",
                value.cast(pl.String).alias("value"),
                pl.lit(None, pl.String).alias("detail"),
            )
            position = spec.column_names.index(reference.column)
            issues.rows(child.file, reference.column, position, rule, unknown.height, sample)


def _reference_checkable(tables: dict[str, _Table], spec: TableSpec, reference: Reference) -> bool:
    child, parent = tables[spec.name], tables[reference.target]
    return (
        not child.missing
        and reference.column in child.checked
        and reference.target_column in parent.checked
        and parent.complete  # rows were dropped: their keys are unknown
    )
