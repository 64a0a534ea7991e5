"""``read_for_scoring``: the reader's checks in blocks of rows, only the columns scoring reads,
and the same refusal as ``read_extract`` (the problems merged across blocks)."""

from __future__ import annotations

import functools
import shutil
from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest

from akrim.engines.exchange import Extract, ExtractInvalid, read_extract
from akrim.engines.exchange.reader import MAX_PER_RULE
from akrim.engines.scoring import compute_features, score, train
from akrim.engines.scoring.extract import (
    PAYROLL_PAIRS,
    USED_COLUMNS,
    ScoringExtract,
    read_for_scoring,
)
from akrim.engines.scoring.indicators import EXCLUDED_COLUMNS


@pytest.mark.parametrize("block_rows", [1_000_000, 200, 50])
def test_the_features_and_the_ranking_are_those_of_the_whole_extract(
    small_world: Path, block_rows: int
) -> None:
    whole = compute_features(read_extract(small_world).tables)
    lean = read_for_scoring(small_world, block_rows=block_rows)

    features = compute_features(lean.tables)

    assert features.equals(whole)
    model = train(whole)
    assert score(model, features).equals(score(model, whole))
    assert lean.rows["payroll"] == read_extract(small_world).rows["payroll"] > 2 * 200


def test_only_the_columns_scoring_reads_are_kept(small_world: Path) -> None:
    lean = read_for_scoring(small_world, block_rows=500)
    assert lean.tables.pop(PAYROLL_PAIRS).columns == ["org_no", "person_id"]
    for name, frame in lean.tables.items():
        assert frame.columns == list(USED_COLUMNS[name]), name
        assert not set(frame.columns) & EXCLUDED_COLUMNS, name
    assert lean.tables["persons"].width == 0
    assert lean.rows == read_extract(small_world).rows
    assert lean.rows["persons"] > 0
    assert lean.tables["encounters"].width == 0
    assert "tax_withheld" not in lean.tables["payroll"].columns


def refused(read: Callable[[], object]) -> ExtractInvalid:
    with pytest.raises(ExtractInvalid) as caught:
        read()
    return caught.value


def break_rows(path: Path, edit: dict[int, str]) -> None:
    """Replace data rows (1-based) of a CSV file."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    for row, text in edit.items():
        lines[row] = text + "\n"
    path.write_text("".join(lines), encoding="utf-8")


def test_a_broken_extract_is_refused_with_the_readers_problems_across_blocks(
    small_world: Path, tmp_path: Path
) -> None:
    broken = tmp_path / "broken"
    shutil.copytree(small_world, broken)
    payroll = broken / "payroll.csv"
    lines = payroll.read_text(encoding="utf-8").splitlines()
    first = lines[1].split(",")
    edit = {
        # a wrong month in many rows of every block, more than the listed maximum
        **{row: ",".join([*lines[row].split(",")[:2], "2025-13", *lines[row].split(",")[3:]])
           for row in range(5, len(lines), 2)},
        # a bad amount, an unknown person, and the first row again in later blocks
        40: ",".join([*lines[40].split(",")[:3], "lots", lines[40].split(",")[4]]),
        len(lines) - 3: ",".join([first[0], "199001011239", *first[2:]]),
        len(lines) - 1: lines[1],
        len(lines) // 2: lines[1],
    }  # fmt: skip
    break_rows(payroll, edit)
    assert len(edit) > MAX_PER_RULE
    persons = broken / "persons.csv"
    person_lines = persons.read_text(encoding="utf-8").splitlines()
    break_rows(persons, {3: "12345," + person_lines[3].split(",", 1)[1]})

    expected = refused(lambda: read_extract(broken))
    for block_rows in [1_000_000, 151, 40]:
        got = refused(functools.partial(read_for_scoring, broken, block_rows=block_rows))
        assert got.total == expected.total, block_rows
        assert [str(p) for p in got.problems] == [str(p) for p in expected.problems], block_rows
    texts = [str(p) for p in expected.problems]
    assert any("duplicate key" in t for t in texts)
    assert any("more rows with the same problem" in t for t in texts)
    assert any("unknown reference" in t for t in texts)


def test_a_missing_folder_and_a_missing_table_are_refused_as_by_the_reader(
    small_world: Path, tmp_path: Path
) -> None:
    missing = tmp_path / "nowhere"
    assert [str(p) for p in refused(lambda: read_for_scoring(missing)).problems] == [
        str(p) for p in refused(lambda: read_extract(missing)).problems
    ]
    partial = tmp_path / "partial"
    shutil.copytree(small_world, partial)
    (partial / "payroll.csv").unlink()
    (partial / "workplaces.csv").write_text("", encoding="utf-8")
    got = refused(lambda: read_for_scoring(partial, block_rows=100))
    assert [str(p) for p in got.problems] == [
        str(p) for p in refused(lambda: read_extract(partial)).problems
    ]


def test_the_frames_keep_the_readers_types(small_world: Path) -> None:
    whole = read_extract(small_world).tables
    lean = read_for_scoring(small_world, block_rows=300).tables
    pairs = whole["payroll"].select("org_no", "person_id").unique()
    assert lean.pop(PAYROLL_PAIRS).sort(pairs.columns).equals(pairs.sort(pairs.columns))
    for name, frame in lean.items():
        expected = whole[name].select(frame.columns)
        assert frame.schema == expected.schema, name
        assert frame.equals(expected), name
        assert isinstance(frame, pl.DataFrame)


def edit_payroll(folder: Path, kind: str) -> None:
    path = folder / "payroll.csv"
    data = path.read_bytes()
    lines = data.split(b"\n")
    if kind == "extra field":
        lines[7] += b",1"
    elif kind == "short record":
        lines[9] = b",".join(lines[9].split(b",")[:3])
    elif kind == "blank line":
        lines.insert(12, b"")
    elif kind == "not utf-8":
        lines[15] = lines[15].replace(b",", b",\xff", 1)
    elif kind == "unknown column":
        lines = [lines[0] + b",note", *(line + b",x" for line in lines[1:] if line), b""]
    elif kind == "no optional column":
        lines = [b",".join(line.split(b",")[:4]) for line in lines]
    elif kind == "empty last cell":
        lines[20] = b",".join([*lines[20].split(b",")[:4], b""])
    path.write_bytes(b"\n".join(lines))


@pytest.mark.parametrize(
    "kind",
    [
        "extra field",
        "short record",
        "blank line",
        "not utf-8",
        "unknown column",
        "no optional column",
        "empty last cell",
    ],
)
def test_odd_files_are_judged_as_by_the_reader(
    small_world: Path, tmp_path: Path, kind: str
) -> None:
    folder = tmp_path / "odd"
    shutil.copytree(small_world, folder)
    edit_payroll(folder, kind)
    expected, whole = judged(functools.partial(read_extract, folder))
    lean, got = judged(functools.partial(read_for_scoring, folder, block_rows=100))
    if whole is not None or got is not None:
        assert whole is not None
        assert got is not None
        assert [str(p) for p in got.problems] == [str(p) for p in whole.problems]
        assert [str(p) for p in got.warnings] == [str(p) for p in whole.warnings]
        assert got.total == whole.total
        return
    assert isinstance(expected, Extract)
    assert isinstance(lean, ScoringExtract)
    assert [str(p) for p in lean.warnings] == [str(p) for p in expected.warnings]
    assert lean.rows == expected.rows
    for name, frame in lean.tables.items():
        if name != PAYROLL_PAIRS:  # the whole payroll's pairs: compared in the types test
            assert frame.equals(expected.tables[name].select(frame.columns)), name


def judged(read: Callable[[], object]) -> tuple[object, ExtractInvalid | None]:
    try:
        return read(), None
    except ExtractInvalid as refusal:
        return None, refusal


@pytest.fixture(scope="module")
def years_world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two and a half years of payroll: more months than the indicators read."""
    from akrim.demo.world import generate_world

    out = tmp_path_factory.mktemp("years") / "extract"
    generate_world(out, companies=400, seed=11, months=30)
    return out


@pytest.mark.parametrize("block_rows", [1_000_000, 700])
def test_a_long_payroll_is_held_as_its_last_year_and_ranks_the_same(
    years_world: Path, block_rows: int
) -> None:
    whole = read_extract(years_world)
    lean = read_for_scoring(years_world, block_rows=block_rows)

    assert compute_features(lean.tables).equals(compute_features(whole.tables))
    months = lean.tables["payroll"].get_column("period").unique().sort().to_list()
    all_months = whole.tables["payroll"].get_column("period").unique().sort().to_list()
    assert len(all_months) == 30
    assert months == all_months[-12:]
    assert lean.rows["payroll"] == whole.rows["payroll"] > lean.tables["payroll"].height
    pairs = whole.tables["payroll"].select("org_no", "person_id").unique()
    assert lean.tables[PAYROLL_PAIRS].height == pairs.height


def test_old_months_are_still_checked_cell_by_cell_and_by_reference(
    years_world: Path, tmp_path: Path
) -> None:
    broken = tmp_path / "broken"
    shutil.copytree(years_world, broken)
    payroll = broken / "payroll.csv"
    lines = payroll.read_text(encoding="utf-8").splitlines()
    oldest = min(lines[1:], key=lambda line: line.split(",")[2]).split(",")[2]
    old_rows = [i for i, line in enumerate(lines) if i and line.split(",")[2] == oldest]
    first = lines[old_rows[0]].split(",")
    edit = {
        old_rows[1]: ",".join([first[0], "199001011239", *first[2:]]),  # no such person
        old_rows[2]: ",".join([*lines[old_rows[2]].split(",")[:3], "lots", "1"]),
    }
    break_rows(payroll, edit)

    expected = refused(lambda: read_extract(broken))
    for block_rows in [1_000_000, 333]:
        got = refused(functools.partial(read_for_scoring, broken, block_rows=block_rows))
        assert [str(p) for p in got.problems] == [str(p) for p in expected.problems]
    texts = [str(p) for p in expected.problems]
    assert any("unknown reference" in t and f"row {old_rows[1]}" in t for t in texts), texts
    assert len(texts) == 2


def test_a_key_repeated_in_an_old_month_is_named_as_by_the_reader(
    years_world: Path, tmp_path: Path
) -> None:
    broken = tmp_path / "broken"
    shutil.copytree(years_world, broken)
    payroll = broken / "payroll.csv"
    lines = payroll.read_text(encoding="utf-8").splitlines()
    oldest = min(lines[1:], key=lambda line: line.split(",")[2]).split(",")[2]
    row = next(i for i, line in enumerate(lines) if i and line.split(",")[2] == oldest)
    break_rows(payroll, {len(lines) - 1: lines[row]})

    expected = refused(lambda: read_extract(broken))
    got = refused(functools.partial(read_for_scoring, broken, block_rows=500))
    assert [str(p) for p in got.problems] == [str(p) for p in expected.problems]
    assert any("duplicate key" in str(p) for p in expected.problems)


def test_the_window_is_the_indicators_window() -> None:
    from akrim.engines.scoring import extract, indicators

    assert extract.WINDOW_MONTHS == indicators.WINDOW_MONTHS
