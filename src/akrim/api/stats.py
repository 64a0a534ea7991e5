"""API: statistics of joint controls (``GET /api/controls/stats``), the same figures and
JSON as ``akrim stats controls --json``. Definitions: ``akrim.controls.stats``."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.params import functions as params

from akrim.api import schemas
from akrim.controls import stats
from akrim.core.actor import Actor
from akrim.core.errors import Forbidden

router = Router(tags=["statistics"])


class TallyOut(Schema):
    controls: int
    with_findings: int


class CentreOut(TallyOut):
    name: str
    target: int | None


class AgencyOut(Schema):
    controls: int
    findings: int
    decisions: int
    decisions_amount_sek: int


class DecisionKindOut(Schema):
    count: int
    withdrawn: int
    amount_sek: int


class DecisionsOut(Schema):
    count: int
    amount_sek: int
    by_kind: dict[str, DecisionKindOut]


class FindingCodeOut(Schema):
    agency: str
    count: int
    amount_sek: int


class FindingsOut(Schema):
    count: int
    amount_sek: int
    by_code: dict[str, FindingCodeOut]


class PeopleMetOut(Schema):
    total: int | None
    with_indicators: int | None
    without_indicators: int | None
    suppressed: list[str]  # the counts above that disclosure control suppressed


class IndicatorsOut(Schema):
    people: dict[str, int | None]
    suppressed: list[str]


class TargetOut(Schema):
    controls: int | None
    actual: int
    share_of_target: float | None
    difference: int | None


class GrowthOut(Schema):
    previous_year: int
    previous: int
    change: int
    percent: float | None


class DisclosureOut(Schema):
    suppress_below: int
    applies_to: str


class ControlStatsOut(Schema):
    year: int
    centre: str | None
    definitions_version: int
    controls: int
    with_findings: int
    share_with_findings: float | None
    by_centre: dict[str, CentreOut]
    by_industry: dict[str, TallyOut]
    by_month: dict[str, TallyOut]
    by_agency: dict[str, AgencyOut]
    decisions: DecisionsOut
    findings: FindingsOut
    people_met: PeopleMetOut
    indicators: IndicatorsOut
    target: TargetOut
    growth: GrowthOut
    disclosure: DisclosureOut


ERRORS: dict[int, type[schemas.Error]] = {
    400: schemas.Error,
    401: schemas.Error,
    403: schemas.Error,
}


def _actor(request: HttpRequest) -> Actor:
    actor = getattr(request, "auth", None)  # set by the API's BearerToken
    if not isinstance(actor, Actor):
        raise Forbidden()
    return actor


@router.get(
    "/stats",
    response={200: ControlStatsOut, **ERRORS},
    summary="Figures of joint controls in a year, for all centres or one",
)
def control_stats(
    request: HttpRequest,
    year: int = params.Query(..., ge=stats.FIRST_YEAR, le=stats.LAST_YEAR),
    centre: str | None = params.Query(None, max_length=40, description="a centre's code or name"),
) -> dict[str, Any]:
    """Each control counted once; person counts below 3 suppressed (see the definitions).
    An empty ``centre`` is the same as none: all centres."""
    figures = stats.control_statistics(actor=_actor(request), year=year, centre=centre or None)
    return figures.to_json()
