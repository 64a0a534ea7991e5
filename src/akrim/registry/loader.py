"""Bulk loading of a validated extract into the register tables: stage, then merge.

Each table is copied into a temporary staging table (``COPY`` on PostgreSQL, batched
``executemany`` on SQLite), then merged with one ``INSERT … SELECT … ON CONFLICT DO UPDATE``
keyed on the owner and the natural key. The update only touches rows whose values differ,
so re-importing an identical extract changes nothing, and the count of changed rows is exact.
Called only by ``registry.services.import_registers`` inside its transaction.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass

import polars as pl
from django.db import connection

BATCH_ROWS = 50_000


@dataclass(frozen=True)
class Merge:
    """How one exchange table maps onto one register table."""

    table: str  # exchange table name
    target: str  # database table
    stage: tuple[tuple[str, str], ...]  # (column, SQL type) loaded from the extract
    select: tuple[tuple[str, str], ...]  # (target column, SQL expression over s, joins)
    joins: str  # joins resolving natural keys to ids (":owner" = the owner's id)
    conflict: tuple[str, ...]  # target columns of the unique constraint (after owner_id)


def _cols(spec: str) -> tuple[tuple[str, str], ...]:
    """``"org_no registered_on:date"`` → ``(("org_no", "text"), ("registered_on", "date"))``."""
    types = {"date": "date", "bool": "boolean", "int": "bigint", "float": "double precision"}
    out = []
    for item in spec.split():
        name, _, kind = item.partition(":")
        out.append((name, types[kind] if kind else "text"))
    return tuple(out)


COMPANY_JOIN = "JOIN registry_company c ON c.owner_id = :owner AND c.org_no = s.org_no"
PERSON_JOIN = "JOIN registry_person p ON p.owner_id = :owner AND p.person_id = s.person_id"

MERGES: tuple[Merge, ...] = (
    Merge(
        "companies",
        "registry_company",
        _cols(
            "org_no name legal_form registered_on:date deregistered_on:date bankrupt_on:date "
            "sni municipality address postal_code f_tax:bool vat:bool employer:bool"
        ),
        tuple(
            (c, f"s.{c}")
            for c in (
                "org_no",
                "name",
                "legal_form",
                "registered_on",
                "deregistered_on",
                "bankrupt_on",
                "sni",
                "municipality",
                "address",
                "postal_code",
                "f_tax",
                "vat",
                "employer",
            )
        ),
        "",
        ("org_no",),
    ),
    Merge(
        "persons",
        "registry_person",
        _cols("person_id name birth_date:date citizenship municipality"),
        (
            ("person_id", "s.person_id"),
            ("name", "s.name"),
            ("birth_date", "s.birth_date"),
            ("citizenship", "COALESCE(s.citizenship, '')"),
            ("municipality", "COALESCE(s.municipality, '')"),
        ),
        "",
        ("person_id",),
    ),
    Merge(
        "roles",
        "registry_role",
        _cols("org_no person_id role valid_from:date valid_to:date"),
        (
            ("company_id", "c.id"),
            ("person_id", "p.id"),
            ("role", "s.role"),
            ("valid_from", "s.valid_from"),
            ("valid_to", "s.valid_to"),
        ),
        f"{COMPANY_JOIN} {PERSON_JOIN}",
        ("company_id", "person_id", "role", "valid_from"),
    ),
    Merge(
        "workplaces",
        "registry_workplace",
        _cols(
            "workplace_id org_no name address municipality lat:float lon:float sni "
            "opening_hours staff_ledger:bool"
        ),
        (
            ("workplace_id", "s.workplace_id"),
            ("company_id", "c.id"),
            ("name", "s.name"),
            ("address", "s.address"),
            ("municipality", "s.municipality"),
            ("lat", "s.lat"),
            ("lon", "s.lon"),
            ("sni", "s.sni"),
            ("opening_hours", "s.opening_hours"),
            ("staff_ledger", "s.staff_ledger"),
        ),
        COMPANY_JOIN,
        ("workplace_id",),
    ),
    Merge(
        "payroll",
        "registry_payroll",
        _cols("org_no person_id period gross_pay:int tax_withheld:int"),
        (
            ("company_id", "c.id"),
            ("person_id", "p.id"),
            ("period", "s.period"),
            ("gross_pay", "s.gross_pay"),
            ("tax_withheld", "s.tax_withheld"),
        ),
        f"{COMPANY_JOIN} {PERSON_JOIN}",
        ("company_id", "person_id", "period"),
    ),
    Merge(
        "permits",
        "registry_permit",
        _cols("person_id org_no valid_from:date valid_to:date monthly_salary_offered:int"),
        (
            ("person_id", "p.id"),
            ("company_id", "c.id"),
            ("valid_from", "s.valid_from"),
            ("valid_to", "s.valid_to"),
            ("monthly_salary_offered", "s.monthly_salary_offered"),
        ),
        f"{COMPANY_JOIN} {PERSON_JOIN}",
        ("person_id", "company_id", "valid_from"),
    ),
    Merge(
        "controls",
        "registry_controlrecord",
        _cols("control_id workplace_id date:date agencies"),
        (
            ("control_id", "s.control_id"),
            ("workplace_id", "w.id"),
            ("date", "s.date"),
            ("agencies", "s.agencies"),
        ),
        "JOIN registry_workplace w ON w.owner_id = :owner AND w.workplace_id = s.workplace_id",
        ("control_id",),
    ),
    Merge(
        "findings",
        "registry_findingrecord",
        _cols("control_id ordinal:int agency code amount_sek:int"),
        (
            ("control_id", "k.id"),
            ("ordinal", "s.ordinal"),
            ("agency", "s.agency"),
            ("code", "s.code"),
            ("amount_sek", "s.amount_sek"),
        ),
        "JOIN registry_controlrecord k ON k.owner_id = :owner AND k.control_id = s.control_id",
        ("control_id", "ordinal"),
    ),
    Merge(
        "tips",
        "registry_tiprecord",
        _cols("tip_id received_on:date workplace_id org_no category"),
        (
            ("tip_id", "s.tip_id"),
            ("received_on", "s.received_on"),
            ("workplace_id", "w.id"),
            ("company_id", "c.id"),
            ("category", "s.category"),
        ),
        "LEFT JOIN registry_workplace w ON w.owner_id = :owner AND w.workplace_id = s.workplace_id"
        " LEFT JOIN registry_company c ON c.owner_id = :owner AND c.org_no = s.org_no",
        ("tip_id",),
    ),
    Merge(
        "encounters",
        "registry_encounter",
        _cols(
            "encounter_id control_id name birth_date:date nationality document_no phone person_id"
        ),
        (
            ("encounter_id", "s.encounter_id"),
            ("control_id", "k.id"),
            ("name", "s.name"),
            ("birth_date", "s.birth_date"),
            ("nationality", "COALESCE(s.nationality, '')"),
            ("document_no", "COALESCE(s.document_no, '')"),
            ("phone", "COALESCE(s.phone, '')"),
            ("person_id", "p.id"),
        ),
        "JOIN registry_controlrecord k ON k.owner_id = :owner AND k.control_id = s.control_id"
        " LEFT JOIN registry_person p ON p.owner_id = :owner AND p.person_id = s.person_id",
        ("encounter_id",),
    ),
)


def _stage_frame(frame: pl.DataFrame, merge: Merge) -> pl.DataFrame:
    cols = [name for name, _ in merge.stage]
    out = frame.select(cols)
    casts = []
    for name, sql_type in merge.stage:
        if sql_type == "date":
            casts.append(pl.col(name).cast(pl.Date).dt.strftime("%Y-%m-%d"))
        elif sql_type == "boolean" and connection.vendor == "sqlite":
            casts.append(pl.col(name).cast(pl.Int8))
    return out.with_columns(casts) if casts else out


def _load_stage(frame: pl.DataFrame, merge: Merge, progress: Callable[[int], None]) -> None:
    cols = ", ".join(f'"{name}"' for name, _ in merge.stage)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor
            for start in range(0, frame.height, BATCH_ROWS):
                chunk = frame.slice(start, BATCH_ROWS)
                buffer = io.BytesIO()
                chunk.write_csv(buffer, include_header=False, null_value="")
                with raw.copy(f"COPY stage ({cols}) FROM STDIN WITH (FORMAT csv)") as copy:
                    copy.write(buffer.getvalue())
                progress(chunk.height)
        else:
            marks = ", ".join(["%s"] * len(merge.stage))
            sql = f"INSERT INTO stage ({cols}) VALUES ({marks})"  # noqa: S608  (names from MERGES)  # nosec B608
            for start in range(0, frame.height, BATCH_ROWS):
                chunk = frame.slice(start, BATCH_ROWS)
                cursor.executemany(sql, chunk.rows())
                progress(chunk.height)


def _merge_sql(merge: Merge) -> str:
    distinct = "IS DISTINCT FROM" if connection.vendor == "postgresql" else "IS NOT"
    targets = ["owner_id", "batch_id"] + [col for col, _ in merge.select]
    exprs = [":owner", ":batch"] + [expr for _, expr in merge.select]
    updatable = [col for col, _ in merge.select if col not in merge.conflict]
    changed = " OR ".join(f"{merge.target}.{col} {distinct} excluded.{col}" for col in updatable)
    on_conflict = "DO NOTHING"
    if updatable:
        sets = ", ".join(f"{col} = excluded.{col}" for col in ["batch_id", *updatable])
        on_conflict = f"DO UPDATE SET {sets} WHERE {changed}"  # nosec B608 -- names from constants, values as parameters
    # Table and column names come from MERGES above, never from input.
    return (
        f"INSERT INTO {merge.target} ({', '.join(targets)}) "  # noqa: S608  # nosec B608
        f"SELECT {', '.join(exprs)} FROM stage s {merge.joins} WHERE 1 = 1 "
        f"ON CONFLICT (owner_id, {', '.join(merge.conflict)}) {on_conflict}"
    )


def load_table(
    frame: pl.DataFrame,
    merge: Merge,
    *,
    owner_id: int,
    batch_id: int,
    progress: Callable[[int], None],
) -> int:
    """Stage and merge one table; returns the number of rows inserted or changed."""
    columns = ", ".join(f'"{name}" {sql_type}' for name, sql_type in merge.stage)
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS stage")
        cursor.execute(f"CREATE TEMP TABLE stage ({columns})")
    _load_stage(_stage_frame(frame, merge), merge, progress)
    # Only integers are put into the statement; every value travels through the staging table.
    sql = (
        _merge_sql(merge)
        .replace(":owner", str(int(owner_id)))
        .replace(":batch", str(int(batch_id)))
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        changed = max(int(cursor.rowcount), 0)
        cursor.execute("DROP TABLE stage")
    return changed
