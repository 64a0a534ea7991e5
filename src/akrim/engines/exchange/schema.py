"""The tables and columns of the register exchange format, version 1, as data.

Mirrors /work/shared/spec/register-exchange.md: one :class:`TableSpec` per table with its
columns in spec order, its key, the references that must resolve and the date pairs that
must be in order. The reader (``reader.py``) interprets these; nothing here reads files.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import polars as pl

ColumnType = Literal[
    "str", "int", "float", "bool", "date", "month", "orgno", "pid", "kommun", "sni", "country"
]
# Extra rules on top of the spec type, for columns whose note narrows the type.
ColumnCheck = Literal[
    "postal_code", "latitude", "longitude", "opening_hours", "agency_list", "amount"
]

DTYPES: dict[ColumnType, pl.DataType] = {
    "str": pl.String(),
    "int": pl.Int64(),
    "float": pl.Float64(),
    "bool": pl.Boolean(),
    "date": pl.Date(),
    "month": pl.String(),
    "orgno": pl.String(),
    "pid": pl.String(),
    "kommun": pl.String(),
    "sni": pl.String(),
    "country": pl.String(),
}

LEGAL_FORMS = frozenset({"AB", "HB", "KB", "EF", "EK", "FL", "OTHER"})
ROLES = frozenset({"board", "chair", "ceo", "deputy", "signatory", "owner", "beneficial_owner"})
AGENCIES = frozenset({"AF", "AV", "EBM", "FK", "JAMY", "MV", "POL", "SKV", "AM"})
FINDING_CODES = frozenset(
    {
        "SKV_LEDGER_MISSING",
        "SKV_LEDGER_INCOMPLETE",
        "SKV_UNDECLARED_PAY",
        "SKV_NO_FTAX",
        "POL_NO_WORK_RIGHT",
        "POL_CRIME_REPORT",
        "AV_ORDER",
        "AV_PROHIBITION",
        "AV_SANCTION_FEE",
        "MV_PERMIT_CONDITIONS",
        "FK_BENEFIT_ERROR",
        "AF_SUBSIDY_ERROR",
        "JAMY_EXPLOITATION_INDICATORS",
        "EBM_INVESTIGATION",
        "AM_PROSECUTION",
    }
)


@dataclass(frozen=True)
class ColumnSpec:
    """One column: spec type, whether it may be empty, allowed values, extra check."""

    name: str
    type: ColumnType
    optional: bool = False
    choices: frozenset[str] | None = None
    check: ColumnCheck | None = None

    @property
    def dtype(self) -> pl.DataType:
        """The polars dtype of the column in a normalised frame."""
        return DTYPES[self.type]


@dataclass(frozen=True)
class Reference:
    """``column`` of this table must name an existing ``target_column`` of ``target``."""

    column: str
    target: str
    target_column: str


@dataclass(frozen=True)
class TableSpec:
    """One table of the exchange format."""

    name: str
    required: bool
    columns: tuple[ColumnSpec, ...]
    key: tuple[str, ...]
    references: tuple[Reference, ...] = ()
    # (later, earlier): ``later`` must not be before ``earlier`` when both are given.
    ordered: tuple[tuple[str, str], ...] = ()

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns)


def _c(
    name: str,
    type_: ColumnType,
    *,
    optional: bool = False,
    choices: frozenset[str] | None = None,
    check: ColumnCheck | None = None,
) -> ColumnSpec:
    return ColumnSpec(name, type_, optional, choices, check)


def _ref(column: str, target: str, target_column: str | None = None) -> Reference:
    return Reference(column, target, target_column or column)


TABLES: dict[str, TableSpec] = {
    spec.name: spec
    for spec in (
        TableSpec(
            "companies",
            required=True,
            columns=(
                _c("org_no", "orgno"),
                _c("name", "str"),
                _c("legal_form", "str", choices=LEGAL_FORMS),
                _c("registered_on", "date"),
                _c("deregistered_on", "date", optional=True),
                _c("bankrupt_on", "date", optional=True),
                _c("sni", "sni"),
                _c("municipality", "kommun"),
                _c("address", "str"),
                _c("postal_code", "str", check="postal_code"),
                _c("f_tax", "bool"),
                _c("vat", "bool"),
                _c("employer", "bool"),
            ),
            key=("org_no",),
            ordered=(("deregistered_on", "registered_on"), ("bankrupt_on", "registered_on")),
        ),
        TableSpec(
            "persons",
            required=True,
            columns=(
                _c("person_id", "pid"),
                _c("name", "str"),
                _c("birth_date", "date", optional=True),
                _c("citizenship", "country", optional=True),
                _c("municipality", "kommun", optional=True),
            ),
            key=("person_id",),
        ),
        TableSpec(
            "roles",
            required=True,
            columns=(
                _c("org_no", "orgno"),
                _c("person_id", "pid"),
                _c("role", "str", choices=ROLES),
                _c("valid_from", "date"),
                _c("valid_to", "date", optional=True),
            ),
            key=("org_no", "person_id", "role", "valid_from"),
            references=(_ref("org_no", "companies"), _ref("person_id", "persons")),
            ordered=(("valid_to", "valid_from"),),
        ),
        TableSpec(
            "workplaces",
            required=True,
            columns=(
                _c("workplace_id", "str"),
                _c("org_no", "orgno"),
                _c("name", "str"),
                _c("address", "str"),
                _c("municipality", "kommun"),
                _c("lat", "float", check="latitude"),
                _c("lon", "float", check="longitude"),
                _c("sni", "sni"),
                _c("opening_hours", "str", check="opening_hours"),
                _c("staff_ledger", "bool"),
            ),
            key=("workplace_id",),
            references=(_ref("org_no", "companies"),),
        ),
        TableSpec(
            "payroll",
            required=True,
            columns=(
                _c("org_no", "orgno"),
                _c("person_id", "pid"),
                _c("period", "month"),
                _c("gross_pay", "int", check="amount"),
                _c("tax_withheld", "int", check="amount"),
            ),
            key=("org_no", "person_id", "period"),
            references=(_ref("org_no", "companies"), _ref("person_id", "persons")),
        ),
        TableSpec(
            "permits",
            required=False,
            columns=(
                _c("person_id", "pid"),
                _c("org_no", "orgno"),
                _c("valid_from", "date"),
                _c("valid_to", "date"),
                _c("monthly_salary_offered", "int", check="amount"),
            ),
            key=("person_id", "org_no", "valid_from"),
            references=(_ref("person_id", "persons"), _ref("org_no", "companies")),
            ordered=(("valid_to", "valid_from"),),
        ),
        TableSpec(
            "controls",
            required=False,
            columns=(
                _c("control_id", "str"),
                _c("workplace_id", "str"),
                _c("date", "date"),
                _c("agencies", "str", check="agency_list"),
            ),
            key=("control_id",),
            references=(_ref("workplace_id", "workplaces"),),
        ),
        TableSpec(
            "findings",
            required=False,
            columns=(
                _c("control_id", "str"),
                _c("agency", "str", choices=AGENCIES),
                _c("code", "str", choices=FINDING_CODES),
                _c("amount_sek", "int", optional=True, check="amount"),
            ),
            # ``ordinal`` is added by the reader: position within the control, in file order.
            key=("control_id", "ordinal"),
            references=(_ref("control_id", "controls"),),
        ),
        TableSpec(
            "tips",
            required=False,
            columns=(
                _c("tip_id", "str"),
                _c("received_on", "date"),
                _c("workplace_id", "str", optional=True),
                _c("org_no", "orgno", optional=True),
                _c("category", "str"),
            ),
            key=("tip_id",),
            references=(_ref("workplace_id", "workplaces"), _ref("org_no", "companies")),
        ),
        TableSpec(
            "encounters",
            required=False,
            columns=(
                _c("encounter_id", "str"),
                _c("control_id", "str"),
                _c("name", "str"),
                _c("birth_date", "date", optional=True),
                _c("nationality", "country", optional=True),
                _c("document_no", "str", optional=True),
                _c("phone", "str", optional=True),
                _c("person_id", "pid", optional=True),
            ),
            key=("encounter_id",),
            references=(_ref("control_id", "controls"), _ref("person_id", "persons")),
        ),
    )
}
