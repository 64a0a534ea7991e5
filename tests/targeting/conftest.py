"""Risk-based selection on the small world: Skatteverket's registers imported, the cast,
extra staff the cast lacks (analysts and coordinators of other agencies and centres), and
helpers for sharing rules and closed joint controls."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User

from akrim.access.models import Condition, DataCategory, LegalBasis, SharingRule
from akrim.controls import services as controls
from akrim.controls.models import Control
from akrim.core.actor import Actor, Purpose
from akrim.organisation.models import Agency
from akrim.organisation.queries import actor_for_user
from akrim.organisation.services import create_staff
from akrim.registry.services import ImportResult
from akrim.targeting.models import ScoringRun
from akrim.targeting.services import run_scoring
from tests.cast import PASSWORD, Cast

STOCKHOLM_TIME = ZoneInfo("Europe/Stockholm")

# username -> (agency, centres, roles): staff the shared cast does not have
EXTRA: dict[str, tuple[str, list[str], list[str]]] = {
    "skv_coordinator": ("SKV", ["Stockholm"], ["coordinator"]),
    "syd_analyst": ("SKV", ["Syd"], ["analyst"]),
    "pol_analyst": ("POL", ["Stockholm"], ["analyst"]),
}


@dataclass(frozen=True)
class Staffed:
    cast: Cast

    def actor(self, name: str) -> Actor:
        return actor_for_user(User.objects.get(username=name))


@pytest.fixture
def staff(cast: Cast) -> Staffed:
    for username, (agency, centres, roles) in EXTRA.items():
        create_staff(
            actor=Actor.system(),
            username=username,
            password=PASSWORD,
            agency=agency,
            centres=centres,
            roles=roles,
        )
    return Staffed(cast)


@pytest.fixture
def scored(imported: ImportResult, staff: Staffed) -> ScoringRun:
    """SKV's registers scored once, by the system (as the nightly run does)."""
    return run_scoring(actor=Actor.system(), owner="SKV")


def share(owner: str, recipient: str, purpose: Purpose = Purpose.ANALYSIS) -> SharingRule:
    """A rule: ``owner`` shares company records with ``recipient`` for ``purpose``."""
    return SharingRule.objects.create(
        owner=Agency.objects.get(code=owner),
        recipient=Agency.objects.get(code=recipient),
        category=DataCategory.objects.get(code="company"),
        purpose=purpose,
        legal_basis=LegalBasis.objects.get(code="joint_control_duty"),
        condition=Condition.NONE,
    )


def at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=STOCKHOLM_TIME)


def closed_control(cast: Cast, workplace_id: str, *, day: dt.date, finding: str | None) -> Control:
    """A joint control at Stockholm run to its end through the real services: AV leads,
    POL and SKV take part, SKV records ``finding`` (if any), every part is closed."""
    coordinator = cast.actor("coordinator")
    control = controls.plan_control(
        actor=coordinator,
        centre="stockholm",
        lead_agency="AV",
        agencies=["AV", "POL", "SKV"],
        workplaces=[workplace_id],
        starts_at=at(day, 8),
        ends_at=at(day, 12),
        purpose="Test control.",
        outside_opening_hours=True,
    )
    for name in ["pol_inspector", "skv_inspector"]:
        controls.assign_team_member(actor=coordinator, control_id=control.pk, username=name)
    controls.mark_prepared(actor=coordinator, control_id=control.pk)
    controls.mark_carried_out(actor=coordinator, control_id=control.pk)
    skv = cast.actor("skv_inspector")
    if finding:
        controls.record_finding(actor=skv, control_id=control.pk, code=finding)
    controls.start_follow_up(actor=coordinator, control_id=control.pk)
    controls.close_agency_part(actor=coordinator, control_id=control.pk, agency="AV")
    controls.close_agency_part(
        actor=cast.actor("pol_inspector"), control_id=control.pk, agency="POL"
    )
    controls.close_agency_part(actor=skv, control_id=control.pk, agency="SKV")
    return controls.close_control(actor=coordinator, control_id=control.pk)
