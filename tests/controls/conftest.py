"""A small world for joint controls: Skatteverket's register imported, the named cast, and
two workplaces of two different employers in the Stockholm region."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User

from akrim.controls import services
from akrim.controls.models import Control
from akrim.core.actor import Actor
from akrim.organisation.queries import actor_for_user
from akrim.organisation.services import create_staff
from akrim.registry.models import Workplace
from akrim.registry.services import ImportResult
from tests.cast import PASSWORD, Cast

STOCKHOLM_TIME = ZoneInfo("Europe/Stockholm")


def at(day: str, hour: int) -> dt.datetime:
    """A moment in Swedish time, e.g. ``at("2025-05-06", 8)``."""
    return dt.datetime.fromisoformat(day).replace(hour=hour, tzinfo=STOCKHOLM_TIME)


@dataclass(frozen=True)
class World:
    cast: Cast
    workplace: Workplace  # the employer has payroll in the register
    other_workplace: Workplace  # another employer

    def actor(self, name: str) -> Actor:
        return self.cast.actor(name)

    def plan(self, actor: Actor | None = None, **changes: Any) -> Control:
        """A control planned by the Stockholm coordinator with AV (lead), POL and SKV."""
        arguments: dict[str, Any] = {
            "centre": "stockholm",
            "lead_agency": "AV",
            "agencies": ["AV", "POL", "SKV"],
            "workplaces": [self.workplace.workplace_id],
            "starts_at": at("2025-05-06", 8),
            "ends_at": at("2025-05-06", 12),
            "purpose": "Staff ledger and right-to-work check at a building site.",
        }
        arguments.update(changes)
        return services.plan_control(actor=actor or self.actor("coordinator"), **arguments)


@pytest.fixture
def world(imported: ImportResult, cast: Cast) -> World:
    employers = Workplace.objects.filter(company__payroll__isnull=False).distinct()
    first = employers.order_by("workplace_id").first()
    assert first is not None
    second = (
        Workplace.objects.exclude(company__org_no=first.company.org_no)
        .order_by("workplace_id")
        .first()
    )
    assert second is not None
    return World(cast=cast, workplace=first, other_workplace=second)


@pytest.fixture
def syd_coordinator(cast: Cast) -> Actor:
    """A coordinator of another centre (Syd)."""
    create_staff(
        actor=Actor.system(),
        username="syd_coordinator",
        password=PASSWORD,
        agency="AV",
        centres=["Syd"],
        roles=["coordinator"],
    )
    return actor_for_user(User.objects.get(username="syd_coordinator"))
