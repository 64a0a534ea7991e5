"""Response shapes of the API."""

from __future__ import annotations

import datetime as dt

from ninja import Schema


class Error(Schema):
    code: str
    message: str


class RoleOut(Schema):
    person_id: str
    name: str
    role: str
    valid_from: dt.date
    valid_to: dt.date | None


class PayrollMonthOut(Schema):
    period: str
    employees: int
    gross_pay: int
    tax_withheld: int


class WorkplaceRef(Schema):
    workplace_id: str
    name: str
    address: str


class CompanyOut(Schema):
    org_no: str
    name: str | None
    owner: str
    legal_form: str | None
    registered_on: dt.date | None
    deregistered_on: dt.date | None
    bankrupt_on: dt.date | None
    sni: str | None
    municipality: str | None
    address: str | None
    postal_code: str | None
    f_tax: bool | None
    vat: bool | None
    employer: bool | None
    roles: list[RoleOut] | None
    workplaces: list[WorkplaceRef] | None
    payroll: list[PayrollMonthOut] | None
    withheld: list[str]  # fields and sections the caller may not see


class FindingOut(Schema):
    agency: str
    code: str
    amount_sek: int | None


class ControlOut(Schema):
    control_id: str
    date: dt.date
    agencies: list[str]
    findings: list[FindingOut]


class WorkplaceOut(Schema):
    workplace_id: str
    owner: str
    org_no: str
    name: str | None
    address: str | None
    municipality: str | None
    lat: float | None
    lon: float | None
    sni: str | None
    opening_hours: str | None
    staff_ledger: bool | None
    controls: list[ControlOut] | None
    withheld: list[str]  # fields and sections the caller may not see


class EmployerOut(Schema):
    org_no: str
    name: str
    months: int
    first_period: str
    last_period: str
    gross_pay: int


class PersonRoleOut(Schema):
    org_no: str
    company_name: str
    role: str
    valid_from: dt.date
    valid_to: dt.date | None


class PersonOut(Schema):
    person_id: str
    owner: str
    name: str | None
    birth_date: dt.date | None
    municipality: str | None
    roles: list[PersonRoleOut] | None
    employers: list[EmployerOut] | None
    withheld: list[str]  # fields and sections the caller may not see


class Hit(Schema):
    key: str  # org_no, workplace_id or person_id
    name: str | None  # None when withheld
    owner: str


class SearchOut(Schema):
    query: str
    companies: list[Hit]
    workplaces: list[Hit]
    persons: list[Hit]
