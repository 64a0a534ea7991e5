"""Reading and validating register-exchange extracts (spec: register-exchange.md)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from akrim.core.identity import luhn_check_digit, valid_orgno, valid_pid
from akrim.engines.exchange import TABLES, ExtractInvalid, Problem, read_extract
from akrim.engines.exchange.reader import MAX_PER_RULE, orgno_valid, pid_valid


def orgno(first_nine: str) -> str:
    return first_nine + luhn_check_digit(first_nine)


def pnr(birth: str, serial: str) -> str:
    """A 12-digit personnummer (or samordningsnummer when day + 60) with its check digit."""
    return birth + serial + luhn_check_digit((birth + serial)[2:])


ACME = orgno("556000001")  # AB
BYGG = orgno("969000002")  # HB
ANNA = pnr("19740806", "123")
BORIS = pnr("19740866", "234")  # samordningsnummer: born 6 August 1974
CHIDI = "X1001"

HEADERS = {name: [column.name for column in spec.columns] for name, spec in TABLES.items()}


def valid_rows() -> dict[str, list[list[str]]]:
    """A small, complete and valid extract, one list of rows per table."""
    return {
        "companies": [
            [
                ACME,
                "Acme Bygg AB",
                "AB",
                "2001-03-15",
                "",
                "",
                "41200",
                "0180",
                "Box 1, Stockholm",
                "11122",
                "true",
                "true",
                "true",
            ],
            [
                BYGG,
                "Bygg & Städ HB",
                "HB",
                "2010-06-01",
                "2020-01-31",
                "",
                "81210",
                "1480",
                "Storgatan 2",
                "41101",
                "false",
                "true",
                "false",
            ],
        ],
        "persons": [
            [ANNA, "Anna Andersson", "1974-08-06", "SE", "0180"],
            [BORIS, "Boris Petrov", "1974-08-06", "BG", ""],
            [CHIDI, "Chidi Okafor", "", "", ""],
        ],
        "roles": [
            [ACME, ANNA, "ceo", "2015-01-01", ""],
            [ACME, ANNA, "board", "2015-01-01", "2019-12-31"],
            [BYGG, BORIS, "owner", "2010-06-01", ""],
        ],
        "workplaces": [
            [
                "W1",
                ACME,
                "Bygget Hagastaden",
                "Hagagatan 1",
                "0180",
                "59.35",
                "18.03",
                "41200",
                "Mo-Fr 07:00-16:00",
                "true",
            ],
            [
                "W2",
                BYGG,
                "Städ Göteborg",
                "Avenyn 3",
                "1480",
                "57.70",
                "11.97",
                "81210",
                "Mo-Fr 22:00-02:00; PH off",
                "false",
            ],
        ],
        "payroll": [
            [ACME, ANNA, "2024-01", "52000", "15600"],
            [ACME, ANNA, "2024-02", "52000", "15600"],
            [BYGG, BORIS, "2024-01", "0", "0"],
        ],
        "permits": [[BORIS, BYGG, "2023-01-01", "2025-01-01", "28000"]],
        "controls": [["K1", "W1", "2024-03-05", "SKV;AV"], ["K2", "W2", "2024-04-01", "POL"]],
        "findings": [
            ["K1", "SKV", "SKV_LEDGER_MISSING", "12500"],
            ["K1", "AV", "AV_ORDER", ""],
            ["K2", "POL", "POL_NO_WORK_RIGHT", ""],
        ],
        "tips": [
            ["T1", "2024-02-01", "W1", ACME, "undeclared work"],
            ["T2", "2024-02-02", "", "", "other"],
        ],
        "encounters": [
            ["E1", "K2", "Boris Petrov", "1974-08-06", "BG", "P123", "", BORIS],
            ["E2", "K2", "Dimitar", "", "", "", "+46701234567", ""],
        ],
    }


def csv_text(header: list[str], rows: list[list[str]]) -> str:
    def cell(value: str) -> str:
        if any(char in value for char in ',"\n\r'):
            return '"' + value.replace('"', '""') + '"'
        return value

    return "".join(",".join(map(cell, line)) + "\n" for line in [header, *rows])


def write_extract(folder: Path, rows: dict[str, list[list[str]]] | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, table_rows in (rows if rows is not None else valid_rows()).items():
        (folder / f"{name}.csv").write_text(csv_text(HEADERS[name], table_rows), encoding="utf-8")
    return folder


def refused(folder: Path) -> ExtractInvalid:
    with pytest.raises(ExtractInvalid) as caught:
        read_extract(folder)
    return caught.value


def only_problem(folder: Path) -> Problem:
    error = refused(folder)
    assert len(error.problems) == 1, [str(p) for p in error.problems]
    assert error.total == 1
    return error.problems[0]


# --- A valid extract ------------------------------------------------------------------------------


def test_valid_extract_reads_with_spec_dtypes_rows_and_row_numbers(tmp_path: Path) -> None:
    extract = read_extract(write_extract(tmp_path / "x"))

    assert extract.rows == {
        "companies": 2, "persons": 3, "roles": 3, "workplaces": 2, "payroll": 3, "permits": 1,
        "controls": 2, "findings": 3, "tips": 2, "encounters": 2,
    }  # fmt: skip
    companies = extract.tables["companies"]
    assert companies.columns == [*HEADERS["companies"], "_row"]
    assert companies.schema["registered_on"] == pl.Date
    assert companies.schema["f_tax"] == pl.Boolean
    assert companies.schema["_row"] == pl.Int64
    assert companies.get_column("_row").to_list() == [1, 2]
    assert companies.row(1, named=True)["deregistered_on"] == dt.date(2020, 1, 31)
    assert companies.row(0, named=True)["bankrupt_on"] is None
    assert extract.tables["payroll"].schema["gross_pay"] == pl.Int64
    assert extract.tables["workplaces"].schema["lat"] == pl.Float64
    assert extract.tables["persons"].get_column("person_id").to_list() == [ANNA, BORIS, CHIDI]
    assert extract.tables["findings"].get_column("ordinal").to_list() == [1, 2, 1]
    assert extract.tables["controls"].get_column("agencies").to_list() == ["SKV;AV", "POL"]
    assert extract.warnings == []
    assert len(extract.digest) == 64


def test_orgno_with_hyphen_and_spaces_is_normalised_to_ten_digits(tmp_path: Path) -> None:
    rows = valid_rows()
    rows["companies"][0][0] = f" {ACME[:6]}-{ACME[6:]} "
    rows["companies"][0][1] = "  Acme Bygg AB  "
    extract = read_extract(write_extract(tmp_path / "x", rows))

    assert extract.tables["companies"].row(0, named=True)["org_no"] == ACME
    assert extract.tables["companies"].row(0, named=True)["name"] == "Acme Bygg AB"


def test_missing_optional_tables_give_empty_frames_with_the_spec_schema(tmp_path: Path) -> None:
    rows = {name: r for name, r in valid_rows().items() if TABLES[name].required}
    extract = read_extract(write_extract(tmp_path / "x", rows))

    assert extract.rows["findings"] == 0
    assert extract.tables["findings"].schema == pl.Schema(
        {"control_id": pl.String, "agency": pl.String, "code": pl.String,
         "amount_sek": pl.Int64, "ordinal": pl.Int64, "_row": pl.Int64}
    )  # fmt: skip
    assert extract.tables["permits"].schema["valid_from"] == pl.Date


def test_quoted_commas_newlines_crlf_and_bom_are_read(tmp_path: Path) -> None:
    folder = write_extract(tmp_path / "x")
    rows = valid_rows()["companies"]
    rows[0][1] = 'Acme, "the builders"\nAB'
    text = csv_text(HEADERS["companies"], rows).replace("\n", "\r\n").replace('"\r\nAB', '"\nAB')
    (folder / "companies.csv").write_bytes(b"\xef\xbb\xbf" + text.encode())
    extract = read_extract(folder)

    assert extract.tables["companies"].row(0, named=True)["name"] == 'Acme, "the builders"\nAB'
    assert extract.tables["companies"].get_column("_row").to_list() == [1, 2]


def test_csv_and_parquet_of_the_same_data_give_the_same_digest(tmp_path: Path) -> None:
    from_csv = read_extract(write_extract(tmp_path / "csv"))
    parquet = tmp_path / "parquet"
    parquet.mkdir()
    for name, frame in from_csv.tables.items():
        columns = list(HEADERS[name])
        if name == "payroll":  # also text in the CSV formats, as the spec allows
            frame = frame.with_columns(pl.col("gross_pay", "tax_withheld").cast(pl.String))
        frame.select(columns).write_parquet(parquet / f"{name}.parquet")
    from_parquet = read_extract(parquet)

    assert from_parquet.digest == from_csv.digest
    assert from_parquet.tables["companies"].equals(from_csv.tables["companies"])


def test_digest_changes_when_one_value_changes(tmp_path: Path) -> None:
    rows = valid_rows()
    first = read_extract(write_extract(tmp_path / "a", rows)).digest
    rows["payroll"][0][3] = "52001"

    assert read_extract(write_extract(tmp_path / "b", rows)).digest != first


def test_extra_column_and_unknown_file_are_warnings_not_errors(tmp_path: Path) -> None:
    folder = write_extract(tmp_path / "x")
    header = [*HEADERS["persons"], "shoe_size"]
    rows = [[*row, "42"] for row in valid_rows()["persons"]]
    (folder / "persons.csv").write_text(csv_text(header, rows))
    (folder / "notes.txt").write_text("hello")
    extract = read_extract(folder)

    assert "shoe_size" not in extract.tables["persons"].columns
    assert [str(w) for w in extract.warnings] == [
        "notes.txt: not a file of the exchange format; ignored",
        "persons.csv, column shoe_size: unknown column; ignored",
    ]


def test_missing_optional_column_is_a_warning_and_reads_as_empty(tmp_path: Path) -> None:
    folder = write_extract(tmp_path / "x")
    header = [c for c in HEADERS["persons"] if c != "citizenship"]
    rows = [[v for c, v in zip(HEADERS["persons"], row, strict=True) if c != "citizenship"]
            for row in valid_rows()["persons"]]  # fmt: skip
    (folder / "persons.csv").write_text(csv_text(header, rows))
    extract = read_extract(folder)

    assert extract.tables["persons"].get_column("citizenship").null_count() == 3
    assert [str(w) for w in extract.warnings] == [
        "persons.csv, column citizenship: optional column is missing; treated as empty"
    ]


def test_samordningsnummer_and_foreign_ids_are_person_ids(tmp_path: Path) -> None:
    rows = valid_rows()
    rows["persons"][2][0] = "X"  # X needs at least one digit

    problem = only_problem(write_extract(tmp_path / "x", rows))
    assert (problem.row, problem.rule) == (
        3, "not a person id (YYYYMMDDNNNC, or X followed by digits)",
    )  # fmt: skip
    assert valid_pid(BORIS)
    assert read_extract(write_extract(tmp_path / "y")).tables["persons"].row(1)[0] == BORIS


def test_progress_is_reported_per_table(tmp_path: Path) -> None:
    calls: list[tuple[str, int, int]] = []
    read_extract(write_extract(tmp_path / "x"), progress=lambda *call: calls.append(call))

    assert calls[0] == ("companies", 1, 12)
    assert calls[-1] == ("digest", 12, 12)
    assert [stage for stage, _, _ in calls[:10]] == list(TABLES)


# --- Refused extracts: one precise problem each -------------------------------------------------


def test_bad_check_digit_is_refused(tmp_path: Path) -> None:
    rows = valid_rows()
    wrong = ACME[:9] + str((int(ACME[9]) + 1) % 10)
    rows["companies"][1][0] = wrong
    rows["workplaces"][1][1] = ACME  # so that nothing else refers to the broken number
    rows["roles"][2][0] = ACME
    rows["payroll"][2][0] = ACME
    rows["permits"][0][1] = ACME

    problem = only_problem(write_extract(tmp_path / "x", rows))
    assert problem == Problem(
        "companies.csv", 2, "org_no", wrong, "not a valid organisation number (check digit)"
    )
    assert str(problem) == (
        f"companies.csv, row 2, column org_no, value '{wrong}': "
        "not a valid organisation number (check digit)"
    )


def test_bad_person_id_date_of_birth_is_refused(tmp_path: Path) -> None:
    rows = valid_rows()
    rows["persons"][2][0] = pnr("19740231", "000")  # 31 February

    problem = only_problem(write_extract(tmp_path / "x", rows))
    assert (problem.row, problem.column, problem.rule) == (
        3, "person_id", "not a valid person id (no such date of birth)",
    )  # fmt: skip


def test_unknown_reference_is_refused(tmp_path: Path) -> None:
    rows = valid_rows()
    stranger = orgno("556999999")
    rows["payroll"][1][0] = stranger

    problem = only_problem(write_extract(tmp_path / "x", rows))
    assert problem == Problem(
        "payroll.csv", 2, "org_no", stranger, "unknown reference: no such org_no in companies"
    )


def test_reference_check_skips_values_that_failed_their_own_check(tmp_path: Path) -> None:
    rows = valid_rows()
    rows["payroll"][1][0] = "12345"

    problem = only_problem(write_extract(tmp_path / "x", rows))
    assert problem.rule.startswith("not an organisation number")


@pytest.mark.parametrize(
    ("value", "rule"),
    [
        ("2024-02-30", "no such date"),
        ("2024-2-3", "not a date in the form YYYY-MM-DD"),
        ("15/03/2001", "not a date in the form YYYY-MM-DD"),
    ],
)
def test_bad_date_is_refused(tmp_path: Path, value: str, rule: str) -> None:
    rows = valid_rows()
    rows["companies"][0][3] = value

    assert only_problem(write_extract(tmp_path / "x", rows)) == Problem(
        "companies.csv", 1, "registered_on", value, rule
    )


def test_duplicate_key_names_the_first_row(tmp_path: Path) -> None:
    rows = valid_rows()
    rows["payroll"].append([ACME, ANNA, "2024-01", "1", "0"])

    assert only_problem(write_extract(tmp_path / "x", rows)) == Problem(
        "payroll.csv", 4, "org_no, person_id, period", f"{ACME}, {ANNA}, 2024-01",
        "duplicate key (first in row 1)",
    )  # fmt: skip


def test_duplicate_single_key_is_refused(tmp_path: Path) -> None:
    rows = valid_rows()
    rows["controls"].append(["K1", "W2", "2024-05-01", "MV"])

    problem = only_problem(write_extract(tmp_path / "x", rows))
    assert str(problem) == (
        "controls.csv, row 3, column control_id, value 'K1': duplicate key (first in row 1)"
    )


def test_missing_required_column_is_one_problem_per_column(tmp_path: Path) -> None:
    folder = write_extract(tmp_path / "x")
    header = [c for c in HEADERS["payroll"] if c not in ("period", "tax_withheld")]
    rows = [[row[0], row[1], row[3]] for row in valid_rows()["payroll"]]
    (folder / "payroll.csv").write_text(csv_text(header, rows))

    error = refused(folder)
    assert [str(p) for p in error.problems] == [
        "payroll.csv, column period: required column is missing from the header",
        "payroll.csv, column tax_withheld: required column is missing from the header",
    ]


def test_file_that_is_not_utf8_names_the_byte_offset(tmp_path: Path) -> None:
    folder = write_extract(tmp_path / "x")
    text = csv_text(HEADERS["persons"], valid_rows()["persons"]).encode("utf-8")
    latin1 = text.replace(b"Chidi", "Ch\xefdi".encode("latin-1"))
    (folder / "persons.csv").write_bytes(latin1)
    offset = latin1.index(b"\xef")

    problem = only_problem(folder)
    assert problem.file == "persons.csv"
    assert problem.rule == f"not UTF-8: byte 0xef at byte offset {offset} (line 4)"


@pytest.mark.parametrize(
    ("content", "rule"),
    [(b"", "empty file (0 bytes)"), (b"\n", "empty file: no header row")],
)
def test_empty_file_is_refused(tmp_path: Path, content: bytes, rule: str) -> None:
    folder = write_extract(tmp_path / "x")
    (folder / "tips.csv").write_bytes(content)

    assert only_problem(folder) == Problem("tips.csv", None, None, None, rule)


def test_rows_with_too_few_or_too_many_fields_are_refused(tmp_path: Path) -> None:
    folder = write_extract(tmp_path / "x")
    lines = csv_text(HEADERS["controls"], valid_rows()["controls"]).splitlines()
    lines[1] += ",extra"
    lines[2] = "K2,W2,2024-04-01"
    (folder / "controls.csv").write_text("\n".join(lines) + "\n")

    error = refused(folder)
    assert [str(p) for p in error.problems] == [
        "controls.csv, row 1: wrong number of fields (5, expected 4)",
        "controls.csv, row 2: wrong number of fields (3, expected 4)",
    ]


def test_blank_line_is_a_warning(tmp_path: Path) -> None:
    folder = write_extract(tmp_path / "x")
    header, first, second = csv_text(HEADERS["tips"], valid_rows()["tips"]).splitlines()
    (folder / "tips.csv").write_text(f"{header}\n{first}\n\n{second}\n")
    extract = read_extract(folder)

    assert extract.tables["tips"].get_column("_row").to_list() == [1, 3]
    assert [str(w) for w in extract.warnings] == ["tips.csv: 1 blank line(s) ignored"]


COUNTRY_RULE = "not an ISO 3166-1 alpha-2 country code (two upper-case letters)"
ROLE_RULE = "not one of beneficial_owner, board, ceo, chair, deputy, owner, signatory"
HOURS_RULE = "not valid opening_hours: expected a time like 08:00 at character 13"
AGENCY_RULE = "not a ';'-separated list of agency codes (AF, AM, AV, EBM, FK, JAMY, MV, POL, SKV)"
ORDER_RULE = "deregistered_on is before registered_on (2010-06-01)"


@pytest.mark.parametrize(
    ("table", "row", "column", "value", "rule"),
    [
        ("companies", 0, "f_tax", "yes", "not true or false"),
        ("companies", 0, "vat", "True", "not true or false"),
        ("companies", 0, "municipality", "0100", "not a known municipality code"),
        ("companies", 0, "legal_form", "AB ", None),  # stripped: valid
        ("companies", 0, "legal_form", "ab", "not one of AB, EF, EK, FL, HB, KB, OTHER"),
        ("companies", 0, "postal_code", "111 22", "not a postal code (5 digits)"),
        ("companies", 0, "sni", "4120", "not an SNI code (5 digits)"),
        ("companies", 0, "name", "", "required value is missing"),
        ("persons", 0, "citizenship", "se", COUNTRY_RULE),
        ("roles", 1, "valid_to", "2014-12-31", "valid_to is before valid_from (2015-01-01)"),
        ("roles", 0, "role", "CEO", ROLE_RULE),
        ("payroll", 0, "gross_pay", "-1", "must not be negative"),
        ("payroll", 0, "gross_pay", "52 000", "not a whole number"),
        ("payroll", 0, "period", "2024-13", "not a month in the form YYYY-MM"),
        ("workplaces", 0, "lat", "91", "latitude outside -90 to 90"),
        ("workplaces", 0, "lon", "east", "not a number"),
        ("workplaces", 0, "opening_hours", "Mo-Fr 07:00-16", HOURS_RULE),
        ("controls", 0, "agencies", "SKV;XYZ", AGENCY_RULE),
        ("controls", 0, "agencies", ";", AGENCY_RULE),
        ("findings", 0, "code", "SKV_LATE", None),
        ("companies", 1, "deregistered_on", "2009-01-01", ORDER_RULE),
    ],
)  # fmt: skip
def test_broken_cell_is_refused_with_the_rule(
    tmp_path: Path, table: str, row: int, column: str, value: str, rule: str | None
) -> None:
    rows = valid_rows()
    rows[table][row][HEADERS[table].index(column)] = value
    folder = write_extract(tmp_path / "x", rows)
    if rule is None and value == "AB ":
        assert read_extract(folder).tables[table].row(row, named=True)[column] == "AB"
        return
    problem = only_problem(folder)
    assert (problem.file, problem.row, problem.column, problem.value) == (
        f"{table}.csv", row + 1, column, value.strip() or None,
    )  # fmt: skip
    if rule is not None:
        assert problem.rule == rule
    else:
        assert problem.rule.startswith("not one of AF_SUBSIDY_ERROR, AM_PROSECUTION")


def test_several_errors_in_several_files_come_in_one_exception(tmp_path: Path) -> None:
    rows = valid_rows()
    rows["companies"][0][10] = "ja"
    rows["persons"][1][3] = "Bulgaria"
    rows["roles"][2][2] = "boss"
    (tmp_path / "x").mkdir()
    folder = write_extract(tmp_path / "x", rows)
    (folder / "findings.csv").write_bytes(b"")

    error = refused(folder)
    assert [(p.file, p.row, p.column) for p in error.problems] == [
        ("companies.csv", 1, "f_tax"),
        ("persons.csv", 2, "citizenship"),
        ("roles.csv", 3, "role"),
        ("findings.csv", None, None),
    ]
    assert error.total == 4


def test_structural_problems_of_the_folder(tmp_path: Path) -> None:
    assert refused(tmp_path / "nowhere").problems[0].rule == "folder does not exist"
    folder = write_extract(tmp_path / "x", {k: v for k, v in valid_rows().items() if k != "roles"})
    frame = pl.read_csv(folder / "tips.csv", infer_schema=False)
    frame.write_parquet(folder / "tips.parquet")

    assert [str(p) for p in refused(folder).problems] == [
        "roles.csv: required table is missing: expected roles.csv or roles.parquet",
        "tips.parquet: both tips.csv and tips.parquet are present; keep only one",
    ]


def test_many_bad_rows_are_capped_with_a_summary_but_counted(tmp_path: Path) -> None:
    rows = valid_rows()
    good = rows["payroll"][0]
    rows["payroll"] = [[good[0], good[1], f"{2000 + i // 12}-{i % 12 + 1:02d}", "x", "0"]
                       for i in range(MAX_PER_RULE + 50)]  # fmt: skip

    error = refused(write_extract(tmp_path / "x", rows))
    assert error.total == MAX_PER_RULE + 50
    assert len(error.problems) == MAX_PER_RULE + 1
    assert str(error.problems[-1]) == (
        "payroll.csv, column gross_pay: … and 50 more rows with the same problem: "
        "not a whole number"
    )


def test_parquet_with_wrong_native_type_is_refused(tmp_path: Path) -> None:
    folder = write_extract(tmp_path / "x")
    (folder / "controls.csv").unlink()
    pl.DataFrame(
        {"control_id": ["K1", "K2"], "workplace_id": ["W1", "W2"],
         "date": [dt.date(2024, 3, 5), None], "agencies": ["SKV", "AV"]}
    ).write_parquet(folder / "controls.parquet")  # fmt: skip

    assert only_problem(folder) == Problem(
        "controls.parquet", 2, "date", None, "required value is missing"
    )


# --- Property-based -----------------------------------------------------------------------------

DIGITS_AND_TRAPS = st.text(
    alphabet=st.sampled_from([*"0123456789-X \n\t", "５", "٣", "𝟘", "\u00a0", "\u2003", "\x1c"]),
    max_size=16,
)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(st.text(max_size=16), DIGITS_AND_TRAPS), min_size=1, max_size=300))
def test_vectorised_orgno_check_agrees_with_identity(values: list[str]) -> None:
    assert orgno_valid(pl.Series(values, dtype=pl.String)).to_list() == [
        valid_orgno(v) for v in values
    ]


@st.composite
def numbers_near_valid(draw: st.DrawFn) -> str:
    """Nine or eleven random digits plus the right check digit, sometimes disturbed."""
    length = draw(st.sampled_from([9, 11]))
    body = draw(st.text(alphabet="0123456789", min_size=length, max_size=length))
    number = body + luhn_check_digit(body[-9:])
    return draw(st.sampled_from([number, number[:6] + "-" + number[6:], number + "\n", "X" + body]))


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.one_of(st.text(max_size=16), DIGITS_AND_TRAPS, numbers_near_valid()), max_size=300)
)
def test_vectorised_pid_check_agrees_with_identity(values: list[str]) -> None:
    series = pl.Series(values, dtype=pl.String)
    assert pid_valid(series).to_list() == [valid_pid(v) for v in values]
    assert orgno_valid(series).to_list() == [valid_orgno(v) for v in values]


CELLS = [(name, index) for name in ("companies", "persons", "payroll", "controls", "workplaces")
         for index in range(len(HEADERS[name]))]  # fmt: skip


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(cell=st.sampled_from(CELLS), junk=st.text(min_size=0, max_size=30))
def test_junk_in_any_cell_never_crashes_the_reader(
    tmp_path_factory: pytest.TempPathFactory, cell: tuple[str, int], junk: str
) -> None:
    table, column = cell
    rows = valid_rows()
    rows[table][0][column] = junk
    folder = write_extract(tmp_path_factory.mktemp("junk"), rows)
    try:
        extract, error = read_extract(folder), None
    except ExtractInvalid as caught:
        extract, error = None, caught
    if error is not None:
        assert error.problems
        assert error.total >= len([p for p in error.problems if "more rows" not in p.rule])
    else:
        assert extract is not None
        assert extract.rows[table] == len(rows[table])


FILE_PIECES = st.sampled_from(
    [b",", b'"', b"\n", b"\r\n", b"\r", b"\xff", b"\xef\xbb\xbf", b"T1", b"2024-02-01", b"W1", b""]
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    junk=st.one_of(st.binary(max_size=60), st.lists(FILE_PIECES, max_size=25).map(b"".join)),
    keep_header=st.booleans(),
)
def test_junk_file_never_crashes_the_reader(
    tmp_path_factory: pytest.TempPathFactory, junk: bytes, keep_header: bool
) -> None:
    folder = write_extract(tmp_path_factory.mktemp("junkfile"))
    header = (",".join(HEADERS["tips"]) + "\n").encode() if keep_header else b""
    (folder / "tips.csv").write_bytes(header + junk)
    try:
        extract, error = read_extract(folder), None
    except ExtractInvalid as caught:
        extract, error = None, caught
    if error is not None:
        assert error.problems
        assert all(p.file == "tips.csv" for p in error.problems)
    else:
        assert extract is not None
        assert extract.tables["tips"].columns == [*HEADERS["tips"], "_row"]


def test_corrupt_parquet_is_refused(tmp_path: Path) -> None:
    folder = write_extract(tmp_path / "x")
    (folder / "tips.csv").unlink()
    (folder / "tips.parquet").write_bytes(b"PAR1 this is not parquet")

    problem = only_problem(folder)
    assert problem.file == "tips.parquet"
    assert problem.rule.startswith("not a readable Parquet file")
