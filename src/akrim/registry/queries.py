"""Reads of register data. Every read of personal data writes its audit entry here; there is
no second path to the same rows."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count, Max, Min, Q, QuerySet, Sum

from akrim.audit import services as audit
from akrim.core.actor import Actor
from akrim.core.errors import NotFound
from akrim.core.identity import normalize_orgno
from akrim.core.text import clean_query, looks_like_key
from akrim.registry.models import Company, ControlRecord, Payroll, Permit, Person, Workplace
from akrim.registry.models import Role as CompanyRole
from akrim.registry.policies import scoped

SEARCH_LIMIT = 50
MAX_QUERY_LENGTH = 100

COMPANY_FIELDS = (
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
PERSON_FIELDS = ("person_id", "name", "birth_date", "municipality")
WORKPLACE_FIELDS = (
    "workplace_id",
    "name",
    "address",
    "municipality",
    "lat",
    "lon",
    "sni",
    "opening_hours",
    "staff_ledger",
)


@dataclass(frozen=True)
class PayrollMonth:
    period: str
    employees: int
    gross_pay: int
    tax_withheld: int


@dataclass(frozen=True)
class EmployerSummary:
    company: Company
    months: int
    first_period: str
    last_period: str
    gross_pay: int


@dataclass(frozen=True)
class CompanyDetail:
    company: Company
    roles: list[CompanyRole]
    workplaces: list[Workplace]
    payroll: list[PayrollMonth]


@dataclass(frozen=True)
class PersonDetail:
    person: Person
    roles: list[CompanyRole]
    employers: list[EmployerSummary]
    permits: list[Permit]


@dataclass(frozen=True)
class WorkplaceDetail:
    workplace: Workplace
    controls: list[ControlRecord]


@dataclass(frozen=True)
class SearchResult:
    query: str
    companies: list[Company] = field(default_factory=list)
    workplaces: list[Workplace] = field(default_factory=list)
    persons: list[Person] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.companies) + len(self.workplaces) + len(self.persons)


def _own_first(
    queryset: QuerySet[Company] | QuerySet[Person] | QuerySet[Workplace], actor: Actor
) -> object:
    """The actor's own agency's record first when several agencies hold one."""
    rows = list(queryset.select_related("owner"))
    rows.sort(key=lambda row: (row.owner.code != actor.agency, row.owner.code))
    return rows[0] if rows else None


def get_company(*, actor: Actor, org_no: str) -> CompanyDetail:
    """One company with its roles, workplaces and monthly payroll summary. Audited read.

    Raises NotFound when it does not exist or the actor may not read it.
    """
    digits = normalize_orgno(org_no)
    if not looks_like_key(digits, max_length=10):
        raise NotFound()
    with transaction.atomic():
        company = _own_first(scoped(Company.objects.filter(org_no=digits), actor=actor), actor)
        if not isinstance(company, Company):
            raise NotFound()
        roles = list(company.roles.select_related("person").order_by("role", "valid_from"))
        workplaces = list(company.workplaces.order_by("workplace_id"))
        months = (
            Payroll.objects.filter(company=company)
            .values("period")
            .annotate(
                employees=Count("person", distinct=True),
                gross=Sum("gross_pay"),
                tax=Sum("tax_withheld"),
            )
            .order_by("period")
        )
        payroll = [PayrollMonth(m["period"], m["employees"], m["gross"], m["tax"]) for m in months]
        audit.record(
            actor=actor,
            action="read",
            object_type="company",
            object_id=digits,
            object_owner=company.owner.code,
            fields=COMPANY_FIELDS,
            detail={"persons_shown": sorted({r.person.person_id for r in roles})},
        )
    return CompanyDetail(company, roles, workplaces, payroll)


def get_person(*, actor: Actor, person_id: str) -> PersonDetail:
    """One person with roles, employers (from payroll) and permits. Audited read.

    Raises NotFound when it does not exist or the actor may not read it.
    """
    if not looks_like_key(person_id, max_length=21):
        raise NotFound()
    with transaction.atomic():
        person = _own_first(scoped(Person.objects.filter(person_id=person_id), actor=actor), actor)
        if not isinstance(person, Person):
            raise NotFound()
        roles = list(person.roles.select_related("company").order_by("valid_from"))
        rows = list(
            Payroll.objects.filter(person=person)
            .values("company")
            .annotate(
                months=Count("period"),
                first=Min("period"),
                last=Max("period"),
                gross=Sum("gross_pay"),
            )
            .order_by("-last")
        )
        companies = Company.objects.in_bulk([row["company"] for row in rows])
        employers = [
            EmployerSummary(
                companies[row["company"]], row["months"], row["first"], row["last"], row["gross"]
            )
            for row in rows
        ]
        permits = list(person.permits.select_related("company").order_by("valid_from"))
        audit.record(
            actor=actor,
            action="read",
            object_type="person",
            object_id=person_id,
            object_owner=person.owner.code,
            fields=PERSON_FIELDS,
        )
    return PersonDetail(person, roles, employers, permits)


def get_workplace(*, actor: Actor, workplace_id: str) -> WorkplaceDetail:
    """One workplace with its company and earlier controls. Audited read."""
    if not looks_like_key(workplace_id, max_length=40):
        raise NotFound()
    with transaction.atomic():
        workplace = _own_first(
            scoped(Workplace.objects.filter(workplace_id=workplace_id), actor=actor).select_related(
                "company"
            ),
            actor,
        )
        if not isinstance(workplace, Workplace):
            raise NotFound()
        controls = list(workplace.controls.prefetch_related("findings").order_by("-date"))
        audit.record(
            actor=actor,
            action="read",
            object_type="workplace",
            object_id=workplace_id,
            object_owner=workplace.owner.code,
            fields=WORKPLACE_FIELDS,
        )
    return WorkplaceDetail(workplace, controls)


_DIGITS = re.compile(r"^[\d\- ]+$")


def search(*, actor: Actor, query: str) -> SearchResult:
    """Companies (org number or name), workplaces (id or name) and persons (id or name).

    At most 50 of each, audited with the query and what was shown. Raises InvalidInput for a
    query that is empty after trimming or longer than 100 characters.
    """
    query = clean_query(query, max_length=MAX_QUERY_LENGTH)
    digits = query.replace("-", "").replace(" ", "") if _DIGITS.match(query) else ""
    company_q = Q(name__icontains=query) | (Q(org_no=digits) if digits else Q(pk__in=[]))
    person_q = Q(name__icontains=query) | (Q(person_id=digits) if digits else Q(pk__in=[]))
    person_q |= Q(person_id=query)
    with transaction.atomic():
        result = SearchResult(
            query=query,
            companies=list(
                scoped(Company.objects.filter(company_q), actor=actor)
                .select_related("owner")
                .order_by("name", "org_no")[:SEARCH_LIMIT]
            ),
            workplaces=list(
                scoped(
                    Workplace.objects.filter(Q(name__icontains=query) | Q(workplace_id=query)),
                    actor=actor,
                )
                .select_related("owner", "company")
                .order_by("name")[:SEARCH_LIMIT]
            ),
            persons=list(
                scoped(Person.objects.filter(person_q), actor=actor)
                .select_related("owner")
                .order_by("name")[:SEARCH_LIMIT]
            ),
        )
        audit.record(
            actor=actor,
            action="search",
            object_type="registry",
            detail={
                "query": query,
                "persons_shown": [p.person_id for p in result.persons],
                "companies_shown": len(result.companies),
                "workplaces_shown": len(result.workplaces),
            },
        )
    return result
