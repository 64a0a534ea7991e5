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
    name: str
    owner: str
    legal_form: str
    registered_on: dt.date
    deregistered_on: dt.date | None
    bankrupt_on: dt.date | None
    sni: str
    municipality: str
    address: str
    postal_code: str
    f_tax: bool
    vat: bool
    employer: bool
    roles: list[RoleOut]
    workplaces: list[WorkplaceRef]
    payroll: list[PayrollMonthOut]


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
    company_name: str
    name: str
    address: str
    municipality: str
    lat: float
    lon: float
    sni: str
    opening_hours: str
    staff_ledger: bool
    controls: list[ControlOut]


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
    name: str
    birth_date: dt.date | None
    municipality: str
    roles: list[PersonRoleOut]
    employers: list[EmployerOut]


class CompanyHit(Schema):
    org_no: str
    name: str
    owner: str


class WorkplaceHit(Schema):
    workplace_id: str
    name: str
    owner: str


class PersonHit(Schema):
    person_id: str
    name: str
    owner: str


class SearchOut(Schema):
    query: str
    companies: list[CompanyHit]
    workplaces: list[WorkplaceHit]
    persons: list[PersonHit]
