"""Read and validate an extract for scoring, with a lower peak of memory than ``read_extract``.

``read_for_scoring(folder)`` checks exactly what ``akrim.engines.exchange.read_extract``
checks, with the same building blocks of the reader, and raises the same ``ExtractInvalid``
with the same problems; it differs in what it keeps and how it holds the work:

- a CSV file is read in batches (Polars' streaming CSV scan) and its cells type-checked in
  blocks of :data:`BLOCK_ROWS` rows, so neither its cells as text nor the reader's working
  columns (text, parsed values and one flag per rule side by side, several times the
  table's final size) are ever held for the whole table. A file the streaming scan cannot
  take as it is (a header problem, a record with too many or too few fields, a blank line,
  an empty last cell, text Polars refuses) is read whole by the reader, as before, and
  still checked in blocks. The problems of the blocks are merged into those one check
  over the whole table reports (same rows, counts and "… and N more" summaries); duplicate
  keys are then looked for over the whole table;
- after its checks, each table keeps only the columns the indicators read (and, until the
  references are checked, the keys and references); names, addresses, coordinates, tax
  withheld and the persons' and encounters' details are dropped at once;
- no digest is computed (scoring does not record one).

The one known difference: when rules of one column each break in more than
``MAX_PER_RULE`` rows first met in different blocks, their "… and N more" lines may come in
another order. It is built from the reader's own private steps (``_read_csv``,
``_validate``, ``_check_references``…) so that the checks cannot drift apart; a
``columns=``/blocked mode in ``read_extract`` itself would be the cleaner home for this.
Pure computation: no Django.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import polars as pl

from akrim.engines.exchange import reader
from akrim.engines.exchange.reader import ExtractInvalid, Problem
from akrim.engines.exchange.schema import TABLES, TableSpec

Progress = Callable[[str, int, int], None]

__all__ = ["BLOCK_ROWS", "PAYROLL_PAIRS", "USED_COLUMNS", "ScoringExtract", "read_for_scoring"]

BLOCK_ROWS = 1_000_000
"""Rows type-checked at once; a smaller block lowers the peak and costs a little time."""

USED_COLUMNS: dict[str, tuple[str, ...]] = {
    "companies": (
        "org_no",
        "legal_form",
        "registered_on",
        "deregistered_on",
        "bankrupt_on",
        "sni",
        "address",
        "postal_code",
        "f_tax",
        "employer",
    ),
    "persons": (),
    "roles": ("org_no", "person_id", "role", "valid_from", "valid_to"),
    "workplaces": (
        "workplace_id",
        "org_no",
        "municipality",
        "sni",
        "opening_hours",
        "staff_ledger",
    ),
    "payroll": ("org_no", "person_id", "period", "gross_pay"),
    "permits": ("person_id", "org_no", "valid_from", "valid_to", "monthly_salary_offered"),
    "controls": ("control_id", "workplace_id", "date"),
    "findings": ("control_id",),
    "tips": ("tip_id", "received_on", "workplace_id", "org_no"),
    "encounters": (),
}
"""Per table, the columns ``compute_features`` reads (tests check that the ranking from
these alone equals the ranking from the whole extract)."""


PAYROLL_PAIRS = "payroll_pairs"
"""Extra frame of a streamed payroll: every (org_no, person_id) pair of the whole file."""

WINDOW_MONTHS = 12
"""Payroll months the indicators read (``indicators.WINDOW_MONTHS``; a test keeps them equal)."""


@dataclass(frozen=True)
class ScoringExtract:
    """A valid extract, reduced to what scoring reads (no ``_row``, no digest); ``rows``
    counts every table's rows (a table of no kept column has height 0 in ``tables``)."""

    folder: Path
    tables: dict[str, pl.DataFrame]
    warnings: list[Problem]
    rows: dict[str, int]


def read_for_scoring(
    folder: Path, *, progress: Progress | None = None, block_rows: int = BLOCK_ROWS
) -> ScoringExtract:
    """Read and validate the extract in ``folder`` as ``read_extract`` does (same problems,
    same ``ExtractInvalid``) and keep only :data:`USED_COLUMNS`. ``progress(stage, done,
    total)`` after each table and the reference check. Anyone may call this; it only reads.
    """
    folder = Path(folder)
    issues = reader._Issues()
    if not folder.is_dir():
        rule = "not a directory" if folder.exists() else "folder does not exist"
        issues.file_problem(str(folder), rule)
        raise ExtractInvalid(issues.ordered(), issues.total, issues.warnings)
    paths = reader._find_files(folder, issues)
    steps = len(TABLES) + 1
    tables: dict[str, reader._Table] = {}
    window: _PayrollWindow | None = None
    for done, spec in enumerate(TABLES.values(), start=1):
        if spec.name == "payroll":
            window = _PayrollWindow(spec, tables)
            table = _load(spec, paths, issues, block_rows, window)
            if not window.used:
                window = None
        else:
            table = _load(spec, paths, issues, block_rows)
        tables[spec.name] = replace(table, frame=table.frame.select(_checked_columns(spec)))
        if progress is not None:
            progress(spec.name, done, steps)
    reader._check_references(tables, issues)
    if progress is not None:
        progress("references", steps, steps)
    if issues.total:
        raise ExtractInvalid(issues.ordered(), issues.total, issues.warnings)
    rows = {name: table.frame.height for name, table in tables.items()}
    frames = {name: table.frame.select(USED_COLUMNS[name]) for name, table in tables.items()}
    tables.clear()
    if window is not None:
        rows["payroll"] = window.rows
        frames[PAYROLL_PAIRS] = window.pairs()
    return ScoringExtract(folder=folder, tables=frames, warnings=issues.warnings, rows=rows)


def _checked_columns(spec: TableSpec) -> list[str]:
    """What a table keeps until the references are checked: used columns, its references,
    the columns other tables refer to, and ``_row`` (to name a row in a problem)."""
    names = set(USED_COLUMNS[spec.name]) | {ref.column for ref in spec.references}
    names |= {
        ref.target_column
        for other in TABLES.values()
        for ref in other.references
        if ref.target == spec.name
    }
    return [*(name for name in spec.column_names if name in names), "_row"]


def _load(
    spec: TableSpec,
    paths: dict[str, Path | None],
    issues: reader._Issues,
    block_rows: int,
    window: _PayrollWindow | None = None,
) -> reader._Table:
    """``reader._load_table``, with a CSV file's cells checked in blocks of rows (and, with
    a ``window``, the payroll thinned block by block as it is read)."""
    path = paths.get(spec.name)
    if (
        path is None
        or path.suffix != ".csv"
        or path.stat().st_size == 0
        or spec.name == "findings"  # its ordinal counts over the whole table
    ):
        return reader._load_table(spec, paths, issues)
    streamed = _streamed(spec, path, issues, block_rows, window)
    if streamed is not None:
        return streamed
    if window is not None:
        window.reset()  # the whole-file path below keeps every row, as the reader does
    raw = reader._read_csv(spec, path, issues)
    if raw is None:
        return reader._Table(reader._empty_frame(spec), path.name, frozenset(), missing=False)
    checked, complete = frozenset(raw.frame.columns) - {"_row"}, raw.complete
    keep = _checked_columns(spec)
    key_columns = [c for c in spec.key if c not in keep]
    recorder = _Recorder()
    parts = [
        _block(spec, path.name, raw, start, block_rows, recorder, [*keep, *key_columns])
        for start in range(0, max(raw.frame.height, 1), block_rows)
    ]
    del raw  # the cells as text: the largest frame of all
    return _finish(spec, path.name, parts, recorder, issues, checked, complete)


def _finish(
    spec: TableSpec,
    file: str,
    parts: list[pl.DataFrame],
    recorder: _Recorder,
    issues: reader._Issues,
    checked: frozenset[str],
    complete: bool,
) -> reader._Table:
    """The blocks as one table: problems merged, duplicate keys over the whole table."""
    key_columns = [c for c in spec.key if c not in _checked_columns(spec)]
    frame = pl.concat(parts, rechunk=False) if len(parts) > 1 else parts[0]
    parts.clear()
    recorder.merge_into(issues, file)
    reader._check_duplicates(spec, file, frame, issues)
    return reader._Table(frame.drop(key_columns), file, checked, missing=False, complete=complete)


def _streamed(
    spec: TableSpec,
    path: Path,
    issues: reader._Issues,
    block_rows: int,
    window: _PayrollWindow | None = None,
) -> reader._Table | None:
    """The file read in batches and checked block by block, so its cells as text are never
    all held at once; None (nothing reported) when the file needs the reader's whole-file
    handling: a problem with its header, a record with too many or too few fields, a blank
    line, an empty last cell (which may be a short record), or anything Polars refuses."""
    file, scratch = path.name, reader._Issues()
    names = reader._csv_header(path, file, scratch)
    if names is None or not reader._match_columns(spec, file, names, scratch) or scratch.total:
        return None
    selected = {f"~{names.index(n)}": n for n in spec.column_names if n in names}
    keep = _checked_columns(spec)
    keep += [c for c in spec.key if c not in keep]
    recorder, offset = _Recorder(), 1
    parts: list[pl.DataFrame] = []
    pending: list[pl.DataFrame] = []
    pending_rows = 0
    try:
        batches = pl.scan_csv(path, infer_schema=False, raise_if_empty=False).collect_batches()
        for batch in itertools.chain(batches, [None]):
            if batch is not None:
                if batch.width != len(names) or batch.get_column(batch.columns[-1]).null_count():
                    return None
                pending.append(batch)
                pending_rows += batch.height
                if pending_rows < block_rows:
                    continue
            if not pending and parts:
                break
            text = (
                pl.concat(pending)
                if pending
                else pl.DataFrame({name: pl.Series([], dtype=pl.String) for name in names})
            )
            pending, pending_rows = [], 0
            text.columns = [f"~{index}" for index in range(len(names))]
            text = text.with_row_index("_row", offset=offset).with_columns(
                pl.col("_row").cast(pl.Int64)
            )
            offset += text.height
            text = text.select(
                "_row", *(pl.col(index).alias(name) for index, name in selected.items())
            )
            raw = reader._Raw(reader._clean_text(text, list(selected.values())), frozenset())
            del text
            block = reader._validate(spec, file, raw, recorder).select(keep)
            del raw
            parts.append(block if window is None else window.add(block, file, recorder))
    except pl.exceptions.PolarsError:
        return None
    checked = frozenset(selected.values())
    if window is not None:
        if window.repeats_a_key():
            return None  # the whole-file path names the duplicate rows, as the reader does
        issues.warnings.extend(scratch.warnings)
        return window.finish(spec, file, parts, recorder, issues, checked)
    issues.warnings.extend(scratch.warnings)
    return _finish(spec, file, parts, recorder, issues, checked, complete=True)


def _block(
    spec: TableSpec,
    file: str,
    raw: reader._Raw,
    start: int,
    rows: int,
    recorder: _Recorder,
    keep: list[str],
) -> pl.DataFrame:
    """Rows ``start`` to ``start + rows`` checked and normalised, only ``keep`` kept."""
    block = replace(raw, frame=raw.frame.slice(start, rows))
    return reader._validate(spec, file, block, recorder).select(keep)


@dataclass
class _Call:
    column: str | None
    position: int
    rule: str
    count: int
    samples: list[pl.DataFrame]


@dataclass
class _Recorder(reader._Issues):
    """Collects the reader's row problems of each block unformatted, to merge them into what
    one check over the whole table would have reported. Duplicate keys within a block are
    left out: the whole table is checked for them afterwards."""

    calls: dict[tuple[str | None, int, str], _Call] = field(default_factory=dict)

    def rows(
        self,
        file: str,
        column: str | None,
        position: int,
        rule: str,
        count: int,
        sample: pl.DataFrame,
    ) -> None:
        if rule == "duplicate key":
            return
        call = self.calls.setdefault((column, position, rule), _Call(column, position, rule, 0, []))
        call.count += count
        if sum(s.height for s in call.samples) < reader.MAX_PER_RULE:
            call.samples.append(sample.head(reader.MAX_PER_RULE))

    def merge_into(self, issues: reader._Issues, file: str) -> None:
        for call in self.calls.values():
            sample = pl.concat(call.samples, how="vertical_relaxed").head(reader.MAX_PER_RULE)
            issues.rows(file, call.column, call.position, call.rule, call.count, sample)


class _PayrollWindow:
    """The payroll as scoring needs it, gathered block by block from a streamed file.

    Every row is checked as the reader checks it — its cells by the reader's own
    ``_validate``, its references against the companies and persons already read (the same
    rule and count as the reader's ``_check_references``), its key against every other row
    (64-bit hashes of all keys are kept; a repeat sends the file to the whole-file path,
    which names the rows) — but only the rows of the last :data:`WINDOW_MONTHS` months are
    kept, plus the distinct (org_no, person_id) pairs of all months (the phoenix indicator
    reads who worked where, in any month). A national payroll of ~90 million rows over
    several years is thus held as about one year of rows.
    """

    def __init__(self, spec: TableSpec, tables: dict[str, reader._Table]) -> None:
        self.spec, self.tables = spec, tables
        self.used = False
        self.reset()

    def reset(self) -> None:
        self.used = False
        self.rows = 0
        self.latest: int | None = None
        self.hashes: list[pl.Series] = []
        self._pairs: list[pl.DataFrame] = []
        self._pair_rows = 0

    def add(self, block: pl.DataFrame, file: str, recorder: _Recorder) -> pl.DataFrame:
        """Check ``block``'s references and keys; return the rows still in the window."""
        self.used = True
        self.rows += block.height
        self._references(block, file, recorder)
        keyed = block.select(self.spec.key).drop_nulls()
        self.hashes.append(keyed.select(pl.struct(self.spec.key).hash()).to_series())
        pairs = block.select("org_no", "person_id").drop_nulls().unique()
        self._pairs.append(pairs)
        self._pair_rows += pairs.height
        if self._pair_rows > 4 * BLOCK_ROWS:  # keep the pairs gathered so far compact
            self._pairs = [pl.concat(self._pairs).unique()]
            self._pair_rows = self._pairs[0].height
        month = _month_index(pl.col("period"))
        latest = block.select(month.max()).item()
        if latest is not None and (self.latest is None or latest > self.latest):
            self.latest = int(latest)
        return self._in_window(block)

    def _in_window(self, frame: pl.DataFrame) -> pl.DataFrame:
        if self.latest is None:
            return frame.clear()
        first = self.latest - WINDOW_MONTHS + 1
        return frame.filter(_month_index(pl.col("period")) >= first)

    def _references(self, block: pl.DataFrame, file: str, recorder: _Recorder) -> None:
        child = reader._Table(block, file, frozenset(block.columns), missing=False)
        for reference in self.spec.references:
            parent = self.tables[reference.target]
            candidates = {self.spec.name: child, reference.target: parent}
            if not reader._reference_checkable(candidates, self.spec, reference):
                continue
            known = parent.frame.get_column(reference.target_column).drop_nulls()
            value = pl.col(reference.column)
            unknown = block.filter(value.is_not_null() & ~value.is_in(known.implode()))
            if unknown.is_empty():
                continue
            rule = f"unknown reference: no such {reference.target_column} in {reference.target}"
            sample = unknown.head(reader.MAX_PER_RULE).select(
                "_row",
                value.cast(pl.String).alias("value"),
                pl.lit(None, pl.String).alias("detail"),
            )
            position = self.spec.column_names.index(reference.column)
            recorder.rows(file, reference.column, position, rule, unknown.height, sample)

    def repeats_a_key(self) -> bool:
        if not self.hashes:
            return False
        ordered = pl.concat(self.hashes).sort().to_numpy()
        return bool((ordered[1:] == ordered[:-1]).any())

    def finish(
        self,
        spec: TableSpec,
        file: str,
        parts: list[pl.DataFrame],
        recorder: _Recorder,
        issues: reader._Issues,
        checked: frozenset[str],
    ) -> reader._Table:
        """The window's rows as one table. Its references are checked already: the table
        claims no referring column as checked, so ``_check_references`` passes it by."""
        self.hashes.clear()
        frame = self._in_window(pl.concat(parts, rechunk=False) if len(parts) > 1 else parts[0])
        parts.clear()
        recorder.merge_into(issues, file)
        referring = {reference.column for reference in spec.references}
        key_columns = [c for c in spec.key if c not in _checked_columns(spec)]
        return reader._Table(
            frame.drop(key_columns), file, checked - referring, missing=False, complete=True
        )

    def pairs(self) -> pl.DataFrame:
        pairs = pl.concat(self._pairs).unique() if self._pairs else pl.DataFrame()
        self._pairs = []
        return pairs


def _month_index(period: pl.Expr) -> pl.Expr:
    """``YYYY-MM`` as year * 12 + month - 1 (as ``indicators._month_index``)."""
    year = period.str.slice(0, 4).cast(pl.Int32)
    return year * 12 + period.str.slice(5, 2).cast(pl.Int32) - 1
