"""API endpoints. Thin: authenticate, build the Actor, call one query, shape the answer."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError
from ninja.security import HttpBearer

from akrim.accounts.services import user_for_token
from akrim.api import schemas
from akrim.core.actor import Actor
from akrim.core.errors import DomainError, InvalidInput, NotFound
from akrim.organisation.queries import actor_for_user
from akrim.registry import queries


class BearerToken(HttpBearer):
    """``Authorization: Bearer <token>``; the token's user must be active."""

    def authenticate(self, request: HttpRequest, token: str) -> Actor | None:
        user = user_for_token(token)
        if user is None:
            return None
        return actor_for_user(user, request_id=getattr(request, "request_id", ""))


api = NinjaAPI(
    title="akrim API",
    version="1",
    description="Register reads for the agencies' own systems. Every read is permission-"
    "checked like the pages and audited.",
    auth=BearerToken(),
    docs_url=None,  # the interactive docs page loads scripts from a CDN; the JSON is enough
    urls_namespace="api",
)


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return api.create_response(
        request, {"code": exc.code, "message": exc.message}, status=exc.status
    )


# Django Ninja's own errors answer in its shape ({"detail": ...}, validation errors as 422);
# these two keep every error in the described one: {"code", "message"}, 401 and 400.
@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(
        request,
        {"code": "unauthenticated", "message": _("A valid bearer token is required.")},
        status=401,
    )


@api.exception_handler(ValidationError)
def invalid_parameters(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return domain_error(request, InvalidInput())


def _actor(request: HttpRequest) -> Actor:
    actor = getattr(request, "auth", None)  # set by BearerToken
    if not isinstance(actor, Actor):
        raise NotFound()
    return actor


def _roles(roles: list[Any]) -> list[dict[str, Any]]:
    return [
        {
            "person_id": r.person.person_id,
            "name": r.person.name,
            "role": r.role,
            "valid_from": r.valid_from,
            "valid_to": r.valid_to,
        }
        for r in roles
    ]


ERRORS: dict[int, type[schemas.Error]] = {
    400: schemas.Error,
    401: schemas.Error,
    404: schemas.Error,
}


def _facts(record: Any, shown: queries.Shown, names: tuple[str, ...]) -> dict[str, Any]:
    """The record's fields, None for each one the grant withholds."""
    return {name: getattr(record, name) if shown.allows(name) else None for name in names}


def _withheld(shown: queries.Shown, names: tuple[str, ...], **sections: Any) -> list[str]:
    hidden = [name for name in names if not shown.allows(name)]
    return hidden + sorted(name for name, value in sections.items() if value is None)


@api.get(
    "/companies/{org_no}",
    response={200: schemas.CompanyOut, **ERRORS},
    summary="One company with roles, workplaces and payroll by month",
)
def company(request: HttpRequest, org_no: str) -> dict[str, Any]:
    d = queries.get_company(actor=_actor(request), org_no=org_no)
    c = d.company
    return {
        **_facts(c, d.shown, queries.COMPANY_FIELDS),
        "org_no": c.org_no,
        "owner": c.owner.code,
        "roles": None if d.roles is None else _roles(d.roles),
        "workplaces": None
        if d.workplaces is None
        else [
            {"workplace_id": w.workplace_id, "name": w.name, "address": w.address}
            for w in d.workplaces
        ],
        "payroll": None if d.payroll is None else [vars(m) for m in d.payroll],
        "withheld": _withheld(
            d.shown,
            queries.COMPANY_FIELDS,
            roles=d.roles,
            workplaces=d.workplaces,
            payroll=d.payroll,
        ),
    }


@api.get(
    "/workplaces/{workplace_id}",
    response={200: schemas.WorkplaceOut, **ERRORS},
    summary="One workplace with its earlier controls and findings",
)
def workplace(request: HttpRequest, workplace_id: str) -> dict[str, Any]:
    d = queries.get_workplace(actor=_actor(request), workplace_id=workplace_id)
    w = d.workplace
    return {
        **_facts(w, d.shown, queries.WORKPLACE_FIELDS),
        "workplace_id": w.workplace_id,
        "owner": w.owner.code,
        "org_no": w.company.org_no,
        "controls": None
        if d.controls is None
        else [
            {
                "control_id": k.control_id,
                "date": k.date,
                "agencies": k.agencies.split(";"),
                "findings": [
                    {"agency": f.agency, "code": f.code, "amount_sek": f.amount_sek}
                    for f in k.findings.all()
                ],
            }
            for k in d.controls
        ],
        "withheld": _withheld(d.shown, queries.WORKPLACE_FIELDS, controls=d.controls),
    }


@api.get(
    "/persons/{person_id}",
    response={200: schemas.PersonOut, **ERRORS},
    summary="One person with roles and employers",
)
def person(request: HttpRequest, person_id: str) -> dict[str, Any]:
    d = queries.get_person(actor=_actor(request), person_id=person_id)
    p = d.person
    return {
        **_facts(p, d.shown, queries.PERSON_FIELDS),
        "person_id": p.person_id,
        "owner": p.owner.code,
        "roles": None
        if d.roles is None
        else [
            {
                "org_no": r.company.org_no,
                "company_name": r.company.name,
                "role": r.role,
                "valid_from": r.valid_from,
                "valid_to": r.valid_to,
            }
            for r in d.roles
        ],
        "employers": None
        if d.employers is None
        else [
            {
                "org_no": e.company.org_no,
                "name": e.company.name,
                "months": e.months,
                "first_period": e.first_period,
                "last_period": e.last_period,
                "gross_pay": e.gross_pay,
            }
            for e in d.employers
        ],
        "withheld": _withheld(d.shown, queries.PERSON_FIELDS, roles=d.roles, employers=d.employers),
    }


@api.get(
    "/search",
    response={200: schemas.SearchOut, **ERRORS},
    summary="Search companies, workplaces and persons (at most 50 of each)",
)
def search(request: HttpRequest, q: str) -> dict[str, Any]:
    r = queries.search(actor=_actor(request), query=q)

    def hits(rows: list[queries.Hit]) -> list[dict[str, Any]]:
        return [{"key": h.key, "name": h.name, "owner": h.owner} for h in rows]

    return {
        "query": r.query,
        "companies": hits(r.companies),
        "workplaces": hits(r.workplaces),
        "persons": hits(r.persons),
    }


def _add_routers() -> None:
    from akrim.api.controls import router as controls
    from akrim.api.stats import router as stats

    api.add_router("/controls", stats)  # first: /controls/stats before /controls/{id}
    api.add_router("", controls)


_add_routers()
