"""The registers in the database as the exchange format's frames, for the scoring engine.

``register_frames(owner=...)`` reads one agency's register rows in bulk (on PostgreSQL
with ``COPY (SELECT …) TO STDOUT`` as CSV straight into Polars; elsewhere ``values_list``,
no model instances) into polars frames with the spec's column names and dtypes
(``akrim.engines.exchange.schema``), as ``read_extract`` would return them, and adds the
closed joint controls planned in akrim, with their findings, to the ``controls`` and
``findings`` frames: the outcomes of akrim's own controls flow back into the history the
engine learns from.

Data minimisation: the engine scores workplaces and never uses a personal trait, so
persons' and encounters' names, birth dates, citizenship, nationality, residence,
documents and phones are not read at all (blank or null in the frames).

Called only by ``targeting.services``; it reads without checking permissions.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import polars as pl
from django.db import connection
from django.db.models import Model, QuerySet
from django.utils import timezone

from akrim.controls.models import Control, ControlWorkplace, Finding, Participation, Status
from akrim.engines.exchange.schema import FINDING_CODES, TABLES
from akrim.registry import models as registry

Progress = Callable[[str, int, int], None]
CHUNK = 20_000
AKRIM_PREFIX = "akrim:"  # control ids of akrim's own controls in the frames

# table -> (model, one lookup per spec column in spec order; a constant marks a column
# that is not read: "" for a required text, None for an optional one)
Lookup = str | None
SOURCES: dict[str, tuple[type[Model], tuple[Lookup | tuple[str], ...]]] = {
    "companies": (
        registry.Company,
        (
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
        ),
    ),
    "persons": (registry.Person, ("person_id", ("",), None, None, None)),
    "roles": (
        registry.Role,
        ("company__org_no", "person__person_id", "role", "valid_from", "valid_to"),
    ),
    "workplaces": (
        registry.Workplace,
        (
            "workplace_id",
            "company__org_no",
            "name",
            "address",
            "municipality",
            "lat",
            "lon",
            "sni",
            "opening_hours",
            "staff_ledger",
        ),
    ),
    "payroll": (
        registry.Payroll,
        ("company__org_no", "person__person_id", "period", "gross_pay", "tax_withheld"),
    ),
    "permits": (
        registry.Permit,
        (
            "person__person_id",
            "company__org_no",
            "valid_from",
            "valid_to",
            "monthly_salary_offered",
        ),
    ),
    "controls": (
        registry.ControlRecord,
        ("control_id", "workplace__workplace_id", "date", "agencies"),
    ),
    "findings": (
        registry.FindingRecord,
        ("control__control_id", "agency", "code", "amount_sek", "ordinal"),
    ),
    "tips": (
        registry.TipRecord,
        ("tip_id", "received_on", "workplace__workplace_id", "company__org_no", "category"),
    ),
    "encounters": (
        registry.Encounter,
        ("encounter_id", "control__control_id", ("",), None, None, None, None, "person__person_id"),
    ),
}


def _schema(table: str) -> dict[str, pl.DataType]:
    schema: dict[str, pl.DataType] = {c.name: c.dtype for c in TABLES[table].columns}
    if table == "findings":
        schema["ordinal"] = pl.Int64()
    return schema


def _rows(queryset: QuerySet[Any, Any], lookups: Sequence[str]) -> Iterable[tuple[Any, ...]]:
    return queryset.order_by("pk").values_list(*lookups).iterator(chunk_size=CHUNK)


def _copied(queryset: QuerySet[Any, Any], schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """PostgreSQL: the values of ``queryset`` (a ``values_list`` in ``schema``'s column
    order) streamed with ``COPY (SELECT …) TO STDOUT`` as CSV and parsed by Polars, without a
    Python object per value. NULL and an empty text both arrive as null: optional text is
    "not given" either way (as in ``_frame``), required text is NOT NULL in the database and
    gets "" back."""
    sql, params = queryset.query.sql_with_params()
    ops: Any = connection.ops  # PostgreSQL's: composes with psycopg, client side
    statement = ops.compose_sql(f"COPY ({sql}) TO STDOUT (FORMAT csv)", params)
    buffer = io.BytesIO()
    with connection.cursor() as cursor:
        raw_cursor: Any = cursor.cursor  # psycopg's own cursor
        with raw_cursor.copy(statement) as copy:
            for block in copy:
                buffer.write(block)
    names = list(schema)
    if not buffer.tell():
        return pl.DataFrame(schema=schema)
    buffer.seek(0)
    text = pl.read_csv(buffer, has_header=False, new_columns=names, infer_schema=False)
    del buffer
    return text.select(_typed(pl.col(name), dtype).alias(name) for name, dtype in schema.items())


def _typed(column: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    """One column of PostgreSQL's CSV text in the spec's dtype."""
    if dtype == pl.Boolean():
        return column == "t"
    if dtype == pl.Date():
        return column.str.to_date("%Y-%m-%d")
    if dtype == pl.String():
        return column
    return column.cast(dtype)


def _frame(table: str, owner: str) -> pl.DataFrame:
    model, columns = SOURCES[table]
    schema = _schema(table)
    names = list(schema)
    read = [c for c in columns if isinstance(c, str)]
    read_schema = {n: schema[n] for n, c in zip(names, columns, strict=True) if isinstance(c, str)}
    queryset = model._default_manager.filter(owner__code=owner)
    if connection.vendor == "postgresql":
        raw = _copied(queryset.order_by("pk").values_list(*read), read_schema)
        required = [c.name for c in TABLES[table].columns if not c.optional]
        raw = raw.with_columns(
            pl.col(n).fill_null("")
            for n in required
            if n in read_schema and read_schema[n] == pl.String()
        )
    else:
        raw = pl.DataFrame(list(_rows(queryset, read)), schema=read_schema, orient="row")
    filled = [
        pl.lit(c[0] if isinstance(c, tuple) else None, schema[n]).alias(n)
        for n, c in zip(names, columns, strict=True)
        if not isinstance(c, str)
    ]
    frame = raw.with_columns(filled).select(names) if filled else raw.select(names)
    # Blank optional text in the database is "not given" in the exchange format.
    optional = [c.name for c in TABLES[table].columns if c.optional and c.dtype == pl.String()]
    frame = frame.with_columns(
        pl.when(pl.col(n) == "").then(None).otherwise(pl.col(n)).alias(n) for n in optional
    )
    return frame


def _with_row(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns(pl.int_range(1, frame.height + 1, dtype=pl.Int64).alias("_row"))


def own_controls(workplace_ids: pl.Series) -> tuple[pl.DataFrame, pl.DataFrame]:
    """akrim's closed joint controls (not those brought in from an extract) at the given
    workplaces, as (controls, findings) frames. A control of several workplaces becomes one
    exchange control per workplace; a finding recorded for no particular workplace counts
    at each of them."""
    closed = Control.objects.filter(status=Status.CLOSED, imported_from__isnull=True)
    wanted = set(workplace_ids.to_list())
    sites = [
        (control_id, key, starts_at)
        for control_id, key, starts_at in ControlWorkplace.objects.filter(control__in=closed)
        .order_by("control_id", "workplace_id")
        .values_list("control_id", "workplace_id", "control__starts_at")
        if key in wanted
    ]
    agencies: dict[int, list[str]] = {}
    for control_id, code in (
        Participation.objects.filter(control__in=closed)
        .order_by("control_id", "agency__code")
        .values_list("control_id", "agency__code")
    ):
        agencies.setdefault(control_id, []).append(code)
    findings: dict[int, list[tuple[str, str, int | None, str]]] = {}
    for control_id, agency, code, amount, key in (
        Finding.objects.filter(control__in=closed, code__in=FINDING_CODES)
        .order_by("control_id", "id")
        .values_list("control_id", "owner__code", "code", "amount_sek", "workplace_id")
    ):
        findings.setdefault(control_id, []).append((agency, code, amount, key))
    control_rows, finding_rows = [], []
    for control_id, key, starts_at in sites:
        exchange_id = f"{AKRIM_PREFIX}{control_id}:{key}"
        day = timezone.localtime(starts_at).date()
        control_rows.append((exchange_id, key, day, ";".join(agencies.get(control_id, []))))
        at_site = [f for f in findings.get(control_id, []) if f[3] in ("", key)]
        for ordinal, (agency, code, amount, _key) in enumerate(at_site, start=1):
            finding_rows.append((exchange_id, agency, code, amount, ordinal))
    controls = pl.DataFrame(control_rows, schema=_schema("controls"), orient="row")
    found = pl.DataFrame(finding_rows, schema=_schema("findings"), orient="row")
    return controls, found


def register_frames(*, owner: str, progress: Progress | None = None) -> dict[str, pl.DataFrame]:
    """Every table of ``owner``'s registers as a frame (spec columns, ``ordinal`` for
    findings, ``_row``), with akrim's own closed controls added to the history."""
    frames: dict[str, pl.DataFrame] = {}
    steps = len(SOURCES) + 1
    for done, table in enumerate(SOURCES, start=1):
        frames[table] = _frame(table, owner)
        if progress is not None:
            progress("registers", done, steps)
    controls, findings = own_controls(frames["workplaces"].get_column("workplace_id"))
    frames["controls"] = pl.concat([frames["controls"], controls])
    frames["findings"] = pl.concat([frames["findings"], findings])
    if progress is not None:
        progress("registers", steps, steps)
    return {name: _with_row(frame) for name, frame in frames.items()}
