"""Methods fixtures: the cast, a draft method, and a carried-out control in Stockholm
with SKV's and POL's inspectors in its team."""

from __future__ import annotations

import pytest

from akrim.controls import services as controls
from akrim.controls.models import Control
from akrim.methods import services
from akrim.methods.models import Method, MethodStatus
from tests.cast import Cast
from tests.controls import conftest as controls_conftest
from tests.controls.conftest import World

# The joint-control world and a coordinator of Syd, re-exported as fixtures here.
world = controls_conftest.world
syd_coordinator = controls_conftest.syd_coordinator

BODY = "1. Plan.\n2. Brief the team.\n3. Carry out.\n4. Follow up."


@pytest.fixture
def method(cast: Cast) -> Method:
    """A draft method of the AV coordinator, version 1."""
    return services.create_method(
        actor=cast.actor("coordinator"), title="How to plan a joint control", body=BODY
    )


@pytest.fixture
def established(cast: Cast, method: Method) -> Method:
    for to in (MethodStatus.TESTED, MethodStatus.ESTABLISHED):
        services.move_method_status(actor=cast.actor("coordinator"), method_id=method.pk, to=to)
    method.refresh_from_db()
    return method


def team_control(world: World) -> Control:
    """A planned control with SKV's and POL's inspectors in the team."""
    control = world.plan()
    coordinator = world.actor("coordinator")
    for name in ("skv_inspector", "pol_inspector"):
        controls.assign_team_member(actor=coordinator, control_id=control.pk, username=name)
    return control


@pytest.fixture
def carried_out(world: World) -> Control:
    control = team_control(world)
    coordinator = world.actor("coordinator")
    controls.mark_prepared(actor=coordinator, control_id=control.pk)
    return controls.mark_carried_out(actor=coordinator, control_id=control.pk)
