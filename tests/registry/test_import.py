"""Importing an extract: all or nothing, idempotent, every broken kind refused precisely."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
import pytest
from django.db.models import Model

from akrim.audit.models import AuditEntry
from akrim.cli import main
from akrim.core.actor import Actor
from akrim.core.errors import Forbidden, InvalidInput
from akrim.core.identity import format_orgno, luhn_check_digit, normalize_orgno
from akrim.registry import models as m
from akrim.registry.services import ExtractRefused, ImportResult, import_registers
from tests.cast import Cast
from tests.registry.helpers import Rows, copy_extract, edit, read_rows, write_rows

pytestmark = pytest.mark.django_db

TABLES: list[type[Model]] = [
    m.Company,
    m.Person,
    m.Role,
    m.Workplace,
    m.Payroll,
    m.Permit,
    m.ControlRecord,
    m.FindingRecord,
    m.TipRecord,
    m.Encounter,
]


def snapshot() -> dict[str, list[tuple[Any, ...]]]:
    """Every register row's values (without the batch), to prove nothing changed."""
    out = {}
    for model in TABLES:
        fields = [f.attname for f in model._meta.concrete_fields if f.attname != "batch_id"]
        out[model.__name__] = sorted(model._default_manager.values_list(*fields), key=repr)
    return out


def test_import_writes_every_table_owned_by_the_delivering_agency(
    imported: ImportResult, small_world: Path
) -> None:
    assert imported.rows["companies"] == m.Company.objects.count() > 0
    assert imported.changed_total == sum(imported.rows.values())
    for model in TABLES:
        assert set(model._default_manager.values_list("owner__code", flat=True)) <= {"SKV"}
    _, rows = read_rows(small_world, "payroll")
    assert m.Payroll.objects.count() == len(rows)
    first = rows[0]
    stored = m.Payroll.objects.get(
        company__org_no=normalize_orgno(first["org_no"]),
        person__person_id=first["person_id"],
        period=first["period"],
    )
    assert stored.gross_pay == int(first["gross_pay"])
    assert AuditEntry.objects.filter(action="import", object_owner="SKV").count() == 1


def test_second_import_of_the_same_extract_changes_nothing(
    imported: ImportResult, small_world: Path
) -> None:
    before = snapshot()
    again = import_registers(actor=Actor.system(), folder=small_world, owner="SKV")
    assert again.changed_total == 0
    assert snapshot() == before


def test_parquet_and_csv_of_the_same_data_import_the_same(
    imported: ImportResult, small_world: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "parquet"
    folder.mkdir()
    for csv_file in small_world.glob("*.csv"):
        pl.read_csv(csv_file, infer_schema=False).write_parquet(
            folder / csv_file.with_suffix(".parquet").name
        )
    again = import_registers(actor=Actor.system(), folder=folder, owner="SKV")
    assert again.changed_total == 0


def test_a_changed_row_is_updated_and_only_that_row(
    imported: ImportResult, small_world: Path, tmp_path: Path
) -> None:
    def rename(columns: list[str], rows: Rows) -> tuple[list[str], Rows]:
        rows[0]["name"] = "Renamed Bygg AB"
        return columns, rows

    folder = edit(small_world, tmp_path / "x", "companies", rename)
    result = import_registers(actor=Actor.system(), folder=folder, owner="SKV")
    assert result.changed_total == 1
    assert result.changed["companies"] == 1
    assert m.Company.objects.filter(name="Renamed Bygg AB").count() == 1


def test_the_same_extract_from_another_agency_is_a_separate_owned_copy(
    imported: ImportResult, small_world: Path
) -> None:
    import_registers(actor=Actor.system(), folder=small_world, owner="POL")
    assert m.Company.objects.filter(owner__code="POL").count() == imported.rows["companies"]
    assert m.Company.objects.count() == 2 * imported.rows["companies"]


def _bad_check_digit(columns: list[str], rows: Rows) -> tuple[list[str], Rows]:
    digits = normalize_orgno(rows[2]["org_no"])
    rows[2]["org_no"] = format_orgno(digits[:9] + str((int(digits[9]) + 1) % 10))
    return columns, rows


def _unknown_reference(columns: list[str], rows: Rows) -> tuple[list[str], Rows]:
    body = "559999999"
    rows[1]["org_no"] = format_orgno(body + luhn_check_digit(body))
    return columns, rows


def _bad_date(columns: list[str], rows: Rows) -> tuple[list[str], Rows]:
    rows[3]["registered_on"] = "2023-02-30"
    return columns, rows


def _duplicate_key(columns: list[str], rows: Rows) -> tuple[list[str], Rows]:
    return columns, [*rows, dict(rows[0])]


def _missing_column(columns: list[str], rows: Rows) -> tuple[list[str], Rows]:
    return [c for c in columns if c != "name"], [
        {k: v for k, v in row.items() if k != "name"} for row in rows
    ]


BROKEN = [
    ("companies", _bad_check_digit, ["companies.csv", "row 3", "org_no"]),
    ("workplaces", _unknown_reference, ["workplaces.csv", "row 2", "org_no"]),
    ("companies", _bad_date, ["companies.csv", "row 4", "registered_on", "2023-02-30"]),
    ("persons", _duplicate_key, ["persons.csv", "person_id"]),
    ("companies", _missing_column, ["companies.csv", "name"]),
]


@pytest.mark.parametrize(
    ("table", "breaker", "expected"),
    BROKEN,
    ids=["check-digit", "unknown-reference", "bad-date", "duplicate-key", "wrong-columns"],
)
def test_a_broken_extract_is_refused_precisely_and_nothing_is_written(
    imported: ImportResult,
    small_world: Path,
    tmp_path: Path,
    table: str,
    breaker: Any,
    expected: list[str],
) -> None:
    folder = edit(small_world, tmp_path / "bad", table, breaker)
    # A valid change elsewhere proves that nothing is half-written when the file is refused.
    other = "persons" if table != "persons" else "companies"
    columns, rows = read_rows(folder, other)
    rows[0]["name"] = "Should Never Be Stored"
    write_rows(folder, other, columns, rows)
    before = snapshot()
    with pytest.raises(ExtractRefused) as refused:
        import_registers(actor=Actor.system(), folder=folder, owner="SKV")
    text = "\n".join(str(p) for p in refused.value.problems)
    for fragment in expected:
        assert fragment in text
    assert snapshot() == before
    assert m.ImportBatch.objects.count() == 1  # only the first, good import


def test_not_utf8_and_empty_files_are_refused(
    imported: ImportResult, small_world: Path, tmp_path: Path
) -> None:
    folder = copy_extract(small_world, tmp_path / "enc")
    raw = (folder / "persons.csv").read_bytes()
    (folder / "persons.csv").write_bytes(raw.replace(b"\n", "\nÅsa;".encode("latin-1"), 2))
    (folder / "roles.csv").write_bytes(b"")
    before = snapshot()
    with pytest.raises(ExtractRefused) as refused:
        import_registers(actor=Actor.system(), folder=folder, owner="SKV")
    text = "\n".join(str(p) for p in refused.value.problems)
    assert "persons.csv" in text
    assert "UTF-8" in text
    assert "roles.csv" in text
    assert "empty" in text
    assert snapshot() == before


def test_only_the_system_or_an_administrator_imports(cast: Cast, small_world: Path) -> None:
    with pytest.raises(Forbidden):
        import_registers(actor=cast.actor("skv_analyst"), folder=small_world, owner="SKV")
    with pytest.raises(InvalidInput):
        import_registers(actor=Actor.system(), folder=small_world, owner="XX")
    assert m.Company.objects.count() == 0


def test_command_line_import_reports_and_exits(
    db: None, small_world: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["import", str(small_world), "--owner", "skv"]) == 0
    assert "inserted or changed" in capsys.readouterr().out
    broken = edit(small_world, tmp_path / "bad", "companies", _bad_date)
    assert main(["import", str(broken), "--owner", "SKV"]) == 1
    err = capsys.readouterr().err
    assert "companies.csv" in err
    assert "registered_on" in err
    assert main(["import", str(tmp_path / "nowhere"), "--owner", "SKV"]) == 1
