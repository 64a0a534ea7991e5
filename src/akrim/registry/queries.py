"""Reads of register data. Every read of personal data writes its audit entry here; there is
no second path to the same rows. What may be seen is decided by ``akrim.access.policy``
(through ``registry.policies``), down to the field: a section or field the actor's grant
does not cover is returned as withheld (None), never silently dropped."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TypeVar

from django.db import transaction
from django.db.models import Count, Max, Min, Model, Prefetch, Q, QuerySet, Sum

from akrim.access.policy import Grant, grants
from akrim.audit import services as audit
from akrim.core.actor import Actor
from akrim.core.errors import NotFound
from akrim.core.identity import format_orgno, normalize_orgno
from akrim.core.text import clean_query, looks_like_key
from akrim.registry.models import (
    Company,
    ControlRecord,
    FindingRecord,
    Owned,
    Payroll,
    Permit,
    Person,
    Workplace,
)
from akrim.registry.models import Role as CompanyRole
from akrim.registry.policies import category_of, grant_for, scoped

M = TypeVar("M", bound=Owned)
R = TypeVar("R", bound=Model)

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
KEY_FIELDS = {"company": "org_no", "person": "person_id", "workplace": "workplace_id"}


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
class Shown:
    """What of one record may be shown, and on which ground."""

    grant: Grant
    fields: tuple[str, ...]

    def allows(self, name: str) -> bool:
        return name in self.fields


def _shown(grant: Grant, fields: Iterable[str], key: str) -> Shown:
    # The key identifies the record; it is always shown when the record is.
    return Shown(grant, tuple(f for f in fields if f == key or grant.allows(f)))


@dataclass(frozen=True)
class CompanyDetail:
    company: Company
    shown: Shown
    roles: list[CompanyRole] | None  # None = withheld
    workplaces: list[Workplace] | None
    payroll: list[PayrollMonth] | None


@dataclass(frozen=True)
class PersonDetail:
    person: Person
    shown: Shown
    roles: list[CompanyRole] | None
    employers: list[EmployerSummary] | None
    permits: list[Permit] | None


@dataclass(frozen=True)
class WorkplaceDetail:
    workplace: Workplace
    shown: Shown
    controls: list[ControlRecord] | None


@dataclass(frozen=True)
class Hit:
    """One search hit: its key, its name (None when withheld) and the record's owner."""

    key: str
    name: str | None
    owner: str
    extra: str = ""  # e.g. the company name of a workplace, when it may be shown

    @property
    def key_display(self) -> str:
        return format_orgno(self.key) if len(self.key) == 10 and self.key.isdigit() else self.key


@dataclass(frozen=True)
class SearchResult:
    query: str
    companies: list[Hit] = field(default_factory=list)
    workplaces: list[Hit] = field(default_factory=list)
    persons: list[Hit] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.companies) + len(self.workplaces) + len(self.persons)


def _pick(queryset: QuerySet[M], actor: Actor) -> tuple[M, Grant] | None:
    """The visible record with the widest grant; the actor's own agency's copy first."""
    rows = sorted(
        scoped(queryset, actor=actor).select_related("owner"),
        key=lambda row: (row.owner.code != actor.agency, row.owner.code),
    )
    for row in rows:
        grant = grant_for(row, actor=actor)
        if grant is not None:
            return row, grant
    return None


def _section(queryset: QuerySet[R], actor: Actor) -> list[R] | None:
    """Rows of a section, or None when the actor may see none of its category."""
    visible = scoped(queryset, actor=actor)
    if not queryset.exists():
        return []
    rows = list(visible)
    return rows if rows else None


def _audit_read(
    actor: Actor,
    kind: str,
    key: str,
    owner: str,
    shown: Shown,
    detail: dict[str, object],
    persons: Iterable[tuple[str, str]] = (),
) -> None:
    audit.record(
        actor=actor,
        action="read",
        object_type=kind,
        object_id=key,
        object_owner=owner,
        fields=shown.fields,
        persons=persons,  # (person id, owner) of everyone whose data the page shows
        detail={
            "legal_basis": shown.grant.legal_basis,
            "rule": shown.grant.rule_id,
            "break_glass": shown.grant.break_glass_id,  # flagged: read outside every rule
            **detail,
        },
    )


def get_company(*, actor: Actor, org_no: str) -> CompanyDetail:
    """One company with its roles, workplaces and monthly payroll summary. Audited read.

    Raises NotFound when it does not exist or the actor may not see it.
    """
    digits = normalize_orgno(org_no)
    if not looks_like_key(digits, max_length=10):
        raise NotFound()
    with transaction.atomic():
        picked = _pick(Company.objects.filter(org_no=digits), actor)
        if picked is None:
            raise NotFound()
        company, grant = picked
        roles = _section(
            company.roles.select_related("person__owner").order_by("role", "valid_from"), actor
        )
        workplaces = _section(company.workplaces.order_by("workplace_id"), actor)
        payroll = _payroll_months(company, actor)
        shown = _shown(grant, COMPANY_FIELDS, "org_no")
        persons = sorted({r.person.person_id for r in roles or []})
        _audit_read(
            actor,
            "company",
            digits,
            company.owner.code,
            shown,
            {"persons_shown": persons},
            persons={(r.person.person_id, r.person.owner.code) for r in roles or []},
        )
    return CompanyDetail(company, shown, roles, workplaces, payroll)


def _payroll_months(company: Company, actor: Actor) -> list[PayrollMonth] | None:
    rows = Payroll.objects.filter(company=company)
    if not rows.exists():
        return []
    months = (
        scoped(rows, actor=actor)
        .values("period")
        .annotate(
            employees=Count("person", distinct=True),
            gross=Sum("gross_pay"),
            tax=Sum("tax_withheld"),
        )
        .order_by("period")
    )
    result = [PayrollMonth(m["period"], m["employees"], m["gross"], m["tax"]) for m in months]
    return result if result else None


def get_person(*, actor: Actor, person_id: str) -> PersonDetail:
    """One person with roles, employers (from payroll) and permits. Audited read.

    Raises NotFound when it does not exist or the actor may not see it.
    """
    if not looks_like_key(person_id, max_length=21):
        raise NotFound()
    with transaction.atomic():
        picked = _pick(Person.objects.filter(person_id=person_id), actor)
        if picked is None:
            raise NotFound()
        person, grant = picked
        roles = _section(person.roles.select_related("company").order_by("valid_from"), actor)
        employers = _employers(person, actor)
        permits = _section(person.permits.select_related("company").order_by("valid_from"), actor)
        shown = _shown(grant, PERSON_FIELDS, "person_id")
        _audit_read(
            actor,
            "person",
            person_id,
            person.owner.code,
            shown,
            {},
            persons=[(person_id, person.owner.code)],
        )
    return PersonDetail(person, shown, roles, employers, permits)


def _employers(person: Person, actor: Actor) -> list[EmployerSummary] | None:
    rows = Payroll.objects.filter(person=person)
    if not rows.exists():
        return []
    grouped = list(
        scoped(rows, actor=actor)
        .values("company")
        .annotate(
            months=Count("period"), first=Min("period"), last=Max("period"), gross=Sum("gross_pay")
        )
        .order_by("-last")
    )
    companies = Company.objects.in_bulk([row["company"] for row in grouped])
    result = [
        EmployerSummary(
            companies[row["company"]], row["months"], row["first"], row["last"], row["gross"]
        )
        for row in grouped
    ]
    return result if result else None


def openable_workplaces(*, actor: Actor, workplace_ids: list[str]) -> set[str]:
    """Of these workplace ids, those whose record ``get_workplace`` would show the actor
    (no read of the record's content, so nothing to audit): pages link only to those."""
    rows = scoped(
        Workplace.objects.filter(workplace_id__in=workplace_ids[:200]), actor=actor
    ).select_related("owner")
    return {row.workplace_id for row in rows if grant_for(row, actor=actor) is not None}


def get_workplace(*, actor: Actor, workplace_id: str) -> WorkplaceDetail:
    """One workplace with its company and earlier controls. Audited read.

    Raises NotFound when it does not exist or the actor may not see it.
    """
    if not looks_like_key(workplace_id, max_length=40):
        raise NotFound()
    with transaction.atomic():
        picked = _pick(
            Workplace.objects.filter(workplace_id=workplace_id).select_related("company"), actor
        )
        if picked is None:
            raise NotFound()
        workplace, grant = picked
        # ordered whole: without it PostgreSQL may list a day's controls and a control's
        # findings in a different order on each visit
        findings = Prefetch("findings", queryset=FindingRecord.objects.order_by("ordinal", "pk"))
        controls = _section(
            workplace.controls.prefetch_related(findings).order_by("-date", "control_id", "pk"),
            actor,
        )
        shown = _shown(grant, WORKPLACE_FIELDS, "workplace_id")
        _audit_read(actor, "workplace", workplace_id, workplace.owner.code, shown, {})
    return WorkplaceDetail(workplace, shown, controls)


_DIGITS = re.compile(r"^[\d\- ]+$")


def _name_owners(actor: Actor, model: type[Model]) -> list[str]:
    """Owners whose records the actor may find and see by name (field-level rules)."""
    return sorted(
        {g.owner for g in grants(actor=actor, category=category_of(model)) if g.allows("name")}
    )


def _name_if_shown(row: Owned, actor: Actor, plain: frozenset[str]) -> str | None:
    """The row's name when a grant covers it. ``plain``: owners whose name is shown by a
    grant without condition (no per-row check needed)."""
    if row.owner.code not in plain:
        grant = grant_for(row, actor=actor)
        if grant is None or not grant.allows("name"):
            return None
    name = getattr(row, "name", None)
    return str(name) if name is not None else None


def _plain_name_owners(actor: Actor, model: type[Model]) -> frozenset[str]:
    return frozenset(
        g.owner
        for g in grants(actor=actor, category=category_of(model))
        if g.allows("name") and g.condition == "none"
    )


def _search_bases(actor: Actor, result: SearchResult) -> str:
    """The legal bases under which the hits' owners were searched: own records or rules."""
    shown = {
        (category_of(model), hit.owner)
        for model, hits in (
            (Company, result.companies),
            (Workplace, result.workplaces),
            (Person, result.persons),
        )
        for hit in hits
    }
    bases = set()
    for category in {c for c, _owner in shown}:
        for grant in grants(actor=actor, category=category):
            if (category, grant.owner) in shown:
                bases.add(grant.legal_basis)
    return ",".join(sorted(bases))


def search(*, actor: Actor, query: str) -> SearchResult:
    """Companies (org number or name), workplaces (id or name) and persons (id or name).

    At most 50 of each, audited with the query and what was shown. Names are searched and
    shown only where the actor's grant covers the name field. Raises InvalidInput for a
    query that is empty, longer than 100 characters or holds control characters.
    """
    query = clean_query(query, max_length=MAX_QUERY_LENGTH)
    digits = query.replace("-", "").replace(" ", "") if _DIGITS.match(query) else ""

    def by_name(model: type[Model]) -> Q:
        return Q(name__icontains=query, owner__code__in=_name_owners(actor, model))

    no_key = Q(pk__in=[])
    plain = {model: _plain_name_owners(actor, model) for model in (Company, Workplace, Person)}
    with transaction.atomic():
        companies = scoped(
            Company.objects.filter(by_name(Company) | (Q(org_no=digits) if digits else no_key)),
            actor=actor,
        )
        workplaces = scoped(
            Workplace.objects.filter(by_name(Workplace) | Q(workplace_id=query)), actor=actor
        )
        persons = scoped(
            Person.objects.filter(
                by_name(Person) | Q(person_id=query) | (Q(person_id=digits) if digits else no_key)
            ),
            actor=actor,
        )
        result = SearchResult(
            query=query,
            companies=[
                Hit(c.org_no, _name_if_shown(c, actor, plain[Company]), c.owner.code)
                for c in companies.select_related("owner").order_by("name", "org_no")[:SEARCH_LIMIT]
            ],
            workplaces=[
                Hit(w.workplace_id, _name_if_shown(w, actor, plain[Workplace]), w.owner.code)
                for w in workplaces.select_related("owner").order_by("name")[:SEARCH_LIMIT]
            ],
            persons=[
                Hit(p.person_id, _name_if_shown(p, actor, plain[Person]), p.owner.code)
                for p in persons.select_related("owner").order_by("name")[:SEARCH_LIMIT]
            ],
        )
        audit.record(
            actor=actor,
            action="search",
            object_type="registry",
            persons=[(p.key, p.owner) for p in result.persons],
            detail={
                "query": query,
                "legal_basis": _search_bases(actor, result),
                "persons_shown": [p.key for p in result.persons],
                "companies_shown": len(result.companies),
                "workplaces_shown": len(result.workplaces),
            },
        )
    return result
