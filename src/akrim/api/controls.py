"""Joint controls for the agencies' own systems: the list and one control with what the
caller's agency may see of the findings and decisions. Same checks as the pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from akrim.api import schemas
from akrim.controls import queries
from akrim.controls.models import Control
from akrim.core.actor import Actor
from akrim.core.errors import InvalidInput, NotFound

router = Router(tags=["controls"])
ERRORS: dict[int, type[schemas.Error]] = {
    400: schemas.Error,
    401: schemas.Error,
    404: schemas.Error,
}
MAX_LIMIT = 500


class PartOut(Schema):
    agency: str
    status: str
    closed_at: dt.datetime | None


class ControlSummaryOut(Schema):
    id: int
    status: str
    centre: str
    lead_agency: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    industry: str
    agencies: list[str]
    workplaces: list[str]
    imported_from: str | None
    external_id: str


class RecordedFindingOut(Schema):
    agency: str
    code: str
    amount_sek: int | None
    workplace_id: str


class DecisionOut(Schema):
    agency: str
    kind: str
    amount_sek: int | None
    decided_on: dt.date
    status: str
    deadline: dt.date | None


class ControlDetailOut(ControlSummaryOut):
    purpose: str
    parts: list[PartOut]
    team: list[str]
    findings: list[RecordedFindingOut]
    decisions: list[DecisionOut]


class ControlListOut(Schema):
    count: int
    controls: list[ControlSummaryOut]


def _actor(request: HttpRequest) -> Actor:
    actor = getattr(request, "auth", None)
    if not isinstance(actor, Actor):
        raise NotFound()
    return actor


def _summary(c: Control) -> dict[str, Any]:
    return {
        "id": c.pk,
        "status": c.status,
        "centre": c.centre.code,
        "lead_agency": c.lead_agency.code,
        "starts_at": c.starts_at,
        "ends_at": c.ends_at,
        "industry": c.industry,
        "agencies": [p.agency.code for p in c.participations.all()],
        "workplaces": [w.workplace_id for w in c.workplaces.all()],
        "imported_from": c.imported_from.code if c.imported_from else None,
        "external_id": c.external_id,
    }


def _moment(value: str | None, name: str) -> dt.datetime | None:
    if not value:
        return None
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(
            "%(name)s must be a date (YYYY-MM-DD), not %(value)s.", name=name, value=value[:20]
        ) from None
    from django.utils import timezone

    return dt.datetime.combine(day, dt.time(), tzinfo=timezone.get_current_timezone())


@router.get(
    "/controls",
    response={200: ControlListOut, **ERRORS},
    summary="Joint controls the caller may see, by start time",
)
def control_list(
    request: HttpRequest,
    status: str | None = None,
    centre: str | None = None,
    agency: str | None = None,
    starts_from: str | None = None,
    starts_before: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> dict[str, Any]:
    if not 1 <= limit <= MAX_LIMIT or not 0 <= offset <= 10_000_000:
        raise InvalidInput("limit must be 1 to %(max)s and offset not negative.", max=MAX_LIMIT)
    filters = queries.ControlFilters(
        status=status,
        centre=centre[:20] if centre else None,
        agency=agency[:8] if agency else None,
        starts_from=_moment(starts_from, "starts_from"),
        starts_before=_moment(starts_before, "starts_before"),
    )
    found = queries.list_controls(actor=_actor(request), filters=filters)
    return {
        "count": found.count(),
        "controls": [_summary(c) for c in found[offset : offset + limit]],
    }


@router.get(
    "/controls/{control_id}",
    response={200: ControlDetailOut, **ERRORS},
    summary="One joint control with its parts, team and the findings and decisions the "
    "caller may see",
)
def control_detail(request: HttpRequest, control_id: str) -> dict[str, Any]:
    # Any text is a key that may not exist (404 in the API's shape), never a routing miss.
    if not control_id.isascii() or not control_id.isdigit() or len(control_id) > 18:
        raise NotFound()
    page = queries.control_page(actor=_actor(request), id=int(control_id))
    c = page.control
    return {
        **_summary(c),
        "purpose": c.purpose,
        "parts": [
            {"agency": p.agency.code, "status": p.status, "closed_at": p.closed_at}
            for p in c.participations.all()
        ],
        "team": [m.user.username for m in c.team.all()],
        "findings": [
            {
                "agency": f.owner.code,
                "code": f.code,
                "amount_sek": f.amount_sek,
                "workplace_id": f.workplace_id,
            }
            for f in page.findings
        ],
        "decisions": [
            {
                "agency": d.owner.code,
                "kind": d.kind,
                "amount_sek": d.amount_sek,
                "decided_on": d.decided_on,
                "status": d.status,
                "deadline": d.deadline,
            }
            for d in page.decisions
        ],
    }
