"""Moving a control that has not been carried out to another time: checked as planning."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from akrim.audit.models import AuditEntry
from akrim.controls import services
from akrim.controls.models import Control
from akrim.core.errors import Conflict, Forbidden, InvalidInput
from tests.controls.conftest import World, at

pytestmark = pytest.mark.django_db


def test_a_coordinator_moves_a_planned_control_and_it_is_audited(world: World) -> None:
    control = world.plan(outside_opening_hours=True)
    moved = services.reschedule_control(
        actor=world.actor("coordinator"),
        control_id=control.pk,
        starts_at=at("2025-05-08", 9),
        ends_at=at("2025-05-08", 13),
        outside_opening_hours=True,
    )
    assert (moved.starts_at, moved.ends_at) == (at("2025-05-08", 9), at("2025-05-08", 13))
    entry = AuditEntry.objects.get(action="reschedule_control", object_id=str(control.pk))
    assert entry.detail["from"][0].startswith("2025-05-06T")
    assert entry.detail["to"][0].startswith("2025-05-08T")


def test_a_team_member_booked_elsewhere_then_is_a_conflict(world: World) -> None:
    coordinator = world.actor("coordinator")
    first = world.plan(outside_opening_hours=True)
    second = world.plan(
        workplaces=[world.other_workplace.workplace_id],
        starts_at=at("2025-05-09", 8),
        ends_at=at("2025-05-09", 12),
        outside_opening_hours=True,
    )
    for control in (first, second):
        services.assign_team_member(
            actor=coordinator, control_id=control.pk, username="skv_inspector"
        )
    with pytest.raises(Conflict, match="skv_inspector is already in the team of control"):
        services.reschedule_control(
            actor=coordinator,
            control_id=first.pk,
            starts_at=at("2025-05-09", 10),
            ends_at=at("2025-05-09", 11),
            outside_opening_hours=True,
        )
    first.refresh_from_db()
    assert first.starts_at == at("2025-05-06", 8)  # nothing changed


def test_only_coordinators_move_and_only_before_the_day(world: World) -> None:
    control = world.plan(outside_opening_hours=True)
    starts, ends = at("2025-05-08", 9), at("2025-05-08", 13)
    with pytest.raises(Forbidden):
        services.reschedule_control(
            actor=world.actor("skv_inspector"),
            control_id=control.pk,
            starts_at=starts,
            ends_at=ends,
        )
    with pytest.raises(InvalidInput, match="end after it starts"):
        services.reschedule_control(
            actor=world.actor("coordinator"),
            control_id=control.pk,
            starts_at=at("2025-05-08", 9),
            ends_at=at("2025-05-08", 9),
        )
    coordinator = world.actor("coordinator")
    services.mark_prepared(actor=coordinator, control_id=control.pk)
    services.mark_carried_out(actor=coordinator, control_id=control.pk)
    with pytest.raises(Conflict, match="not been carried out"):
        services.reschedule_control(
            actor=coordinator, control_id=control.pk, starts_at=starts, ends_at=ends
        )


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"starts": "09:00", "ends": "13:00"}, "Day"),
        ({"day": "2025-13-40", "starts": "09:00", "ends": "13:00"}, "Day"),
        ({"day": "2025-05-08", "starts": "<script>", "ends": "13:00"}, "Starts"),
        ({"day": "2025-05-08", "starts": "9" * 5000, "ends": "13:00"}, "Starts"),
    ],
)
def test_the_form_refuses_wrong_input_beside_it(
    world: World, client_for: Callable[[str], Client], form: dict[str, str], message: str
) -> None:
    control = world.plan(outside_opening_hours=True)
    response = client_for("coordinator").post(f"/en/controls/{control.pk}/reschedule/", form)
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert "<script>" not in page.split('data-testid="error"')[1][:300]
    assert Control.objects.get(pk=control.pk).starts_at == at("2025-05-06", 8)


def test_the_form_moves_the_control(world: World, client_for: Callable[[str], Client]) -> None:
    control = world.plan(outside_opening_hours=True)
    client = client_for("coordinator")
    assert 'data-testid="reschedule"' in client.get(f"/en/controls/{control.pk}/").content.decode()
    response = client.post(
        f"/en/controls/{control.pk}/reschedule/",
        {"day": "2025-05-12", "starts": "07:30", "ends": "10:00", "outside_opening_hours": "on"},
    )
    assert response.status_code == 302
    assert Control.objects.get(pk=control.pk).starts_at == at("2025-05-12", 7).replace(minute=30)
    other = client_for("other_centre").post(
        f"/en/controls/{control.pk}/reschedule/",
        {"day": "2025-05-13", "starts": "07:30", "ends": "10:00"},
    )
    assert other.status_code == 404
