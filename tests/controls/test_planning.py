"""Planning a control: who may, which agencies may take part, and the conflicts caught
(a person double-booked, a workplace planned by another centre at the same time)."""

from __future__ import annotations

import pytest

from akrim.controls import services
from akrim.controls.models import Control, Status
from akrim.core.actor import Actor
from akrim.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from tests.controls.conftest import World, at

pytestmark = pytest.mark.django_db


def test_a_non_member_agency_is_refused_by_name(world: World) -> None:
    # FK joined the Nord centre on 2023-01-01 (reference data); AV was there from the start.
    with pytest.raises(InvalidInput) as refused:
        world.plan(
            actor=world.actor("admin"),
            centre="nord",
            agencies=["AV", "FK", "JAMY"],
            starts_at=at("2022-12-01", 8),
            ends_at=at("2022-12-01", 12),
        )
    assert refused.value.message == (
        "FK, JAMY are not a member of Nord on 2022-12-01 and cannot take part."
    )
    assert not Control.objects.exists()
    # once FK has joined, the same plan with FK goes through
    control = world.plan(
        actor=world.actor("admin"),
        centre="nord",
        agencies=["AV", "FK"],
        starts_at=at("2023-01-02", 8),
        ends_at=at("2023-01-02", 12),
    )
    assert control.status == Status.PLANNED


def test_one_non_member_is_named_alone(world: World) -> None:
    with pytest.raises(InvalidInput, match=r"^POL is not a member of Stockholm on 2023-10-02"):
        world.plan(
            agencies=["POL"],
            lead_agency="POL",
            starts_at=at("2023-10-02", 8),
            ends_at=at("2023-10-02", 12),
        )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"lead_agency": "MV"}, "The lead agency MV must take part in the control."),
        ({"workplaces": []}, "Choose at least one workplace."),
        ({"workplaces": ["W9999999"]}, "No register knows workplace W9999999."),
        ({"agencies": ["AV", "XYZ"]}, "Unknown agency XYZ."),
        ({"centre": "atlantis"}, "Unknown centre atlantis."),
        ({"ends_at": at("2025-05-06", 8)}, "The control must end after it starts."),
        ({"ends_at": at("2025-05-20", 8)}, "A control lasts at most 7 days."),
        ({"purpose": "  "}, "Describe the purpose in 1 to 2000 characters"),
    ],
)
def test_a_plan_that_breaks_a_rule_is_refused(
    world: World, changes: dict[str, object], message: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        world.plan(actor=world.actor("admin"), **changes)
    assert refused.value.message.startswith(message)
    assert not Control.objects.exists()


def test_an_inspector_cannot_plan(world: World) -> None:
    with pytest.raises(Forbidden, match="Only a coordinator of the centre"):
        world.plan(actor=world.actor("pol_inspector"))
    assert not Control.objects.exists()


def test_a_coordinator_of_another_centre_cannot_plan_for_this_centre(
    world: World, syd_coordinator: Actor
) -> None:
    with pytest.raises(Forbidden):
        world.plan(actor=syd_coordinator)
    assert not Control.objects.exists()
    control = world.plan(actor=syd_coordinator, centre="syd")  # their own centre: fine
    assert control.centre.code == "syd"


def test_a_person_cannot_be_in_two_controls_at_once(world: World) -> None:
    coordinator = world.actor("coordinator")
    first = world.plan()
    services.assign_team_member(actor=coordinator, control_id=first.pk, username="pol_inspector")
    overlapping = world.plan(
        workplaces=[world.other_workplace.workplace_id],
        starts_at=at("2025-05-06", 11),
        ends_at=at("2025-05-06", 15),
    )
    with pytest.raises(Conflict) as refused:
        services.assign_team_member(
            actor=coordinator, control_id=overlapping.pk, username="pol_inspector"
        )
    assert refused.value.message == (
        f"pol_inspector is already in the team of control {first.pk} at that time "
        "(2025-05-06 08:00 to 2025-05-06 12:00)."
    )
    assert not overlapping.team.exists()
    # back to back is not an overlap
    afterwards = world.plan(
        workplaces=[world.other_workplace.workplace_id],
        starts_at=at("2025-05-06", 12),
        ends_at=at("2025-05-06", 16),
    )
    member = services.assign_team_member(
        actor=coordinator, control_id=afterwards.pk, username="pol_inspector"
    )
    assert member.agency.code == "POL"


def test_a_cancelled_control_frees_its_team(world: World) -> None:
    coordinator = world.actor("coordinator")
    first = world.plan()
    services.assign_team_member(actor=coordinator, control_id=first.pk, username="pol_inspector")
    services.cancel_control(actor=coordinator, control_id=first.pk, reason="Weather.")
    second = world.plan(workplaces=[world.other_workplace.workplace_id])
    member = services.assign_team_member(
        actor=coordinator, control_id=second.pk, username="pol_inspector"
    )
    assert member.control_id == second.pk


def test_a_workplace_planned_by_another_centre_at_the_same_time_is_refused(
    world: World, syd_coordinator: Actor
) -> None:
    stockholm = world.plan()
    with pytest.raises(Conflict) as refused:
        world.plan(actor=syd_coordinator, centre="syd", starts_at=at("2025-05-06", 10))
    assert refused.value.message == (
        f"Workplace {world.workplace.workplace_id} is already planned by Stockholm in control "
        f"{stockholm.pk} (2025-05-06 08:00 to 2025-05-06 12:00)."
    )
    assert Control.objects.count() == 1
    later = world.plan(
        actor=syd_coordinator,
        centre="syd",
        starts_at=at("2025-05-07", 8),
        ends_at=at("2025-05-07", 12),
    )
    assert later.status == Status.PLANNED


def test_a_draft_books_no_workplace_until_it_is_planned(
    world: World, syd_coordinator: Actor
) -> None:
    coordinator = world.actor("coordinator")
    draft = services.draft_control(
        actor=coordinator,
        centre="stockholm",
        lead_agency="AV",
        agencies=["AV"],
        workplaces=[world.workplace.workplace_id],
        starts_at=at("2025-05-06", 8),
        ends_at=at("2025-05-06", 12),
        purpose="Draft.",
    )
    syd = world.plan(actor=syd_coordinator, centre="syd")  # the draft does not stand in the way
    with pytest.raises(Conflict, match=f"already planned by Syd in control {syd.pk}"):
        services.mark_planned(actor=coordinator, control_id=draft.pk)
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_the_same_centre_may_plan_one_workplace_twice(world: World) -> None:
    # The centre's own calendar shows it; only another centre's plan is a conflict.
    world.plan()
    again = world.plan(starts_at=at("2025-05-06", 9))
    assert again.status == Status.PLANNED


def test_a_team_member_must_work_for_a_participating_agency(world: World) -> None:
    control = world.plan(agencies=["AV", "POL"])
    with pytest.raises(InvalidInput) as refused:
        services.assign_team_member(
            actor=world.actor("coordinator"), control_id=control.pk, username="skv_inspector"
        )
    assert refused.value.message == (
        f"skv_inspector works for SKV, which does not take part in control {control.pk}."
    )
    with pytest.raises(InvalidInput, match="No active member of staff is called deactivated"):
        services.assign_team_member(
            actor=world.actor("coordinator"), control_id=control.pk, username="deactivated"
        )
    assert not control.team.exists()


def test_a_team_member_is_assigned_once_and_only_before_the_control_is_carried_out(
    world: World,
) -> None:
    coordinator = world.actor("coordinator")
    control = world.plan()
    services.assign_team_member(actor=coordinator, control_id=control.pk, username="pol_inspector")
    with pytest.raises(Conflict, match="pol_inspector is already in the team"):
        services.assign_team_member(
            actor=coordinator, control_id=control.pk, username="pol_inspector"
        )
    services.mark_prepared(actor=coordinator, control_id=control.pk)
    services.mark_carried_out(actor=coordinator, control_id=control.pk)
    with pytest.raises(Conflict, match="is carried out; its team can change only before"):
        services.assign_team_member(
            actor=coordinator, control_id=control.pk, username="skv_inspector"
        )
    assert control.team.count() == 1


def test_only_the_coordinator_staffs_the_team(world: World) -> None:
    control = world.plan()
    with pytest.raises(Forbidden):
        services.assign_team_member(
            actor=world.actor("pol_inspector"), control_id=control.pk, username="pol_inspector"
        )
    assert not control.team.exists()


def test_the_lead_agencys_team_moves_the_control_on_and_others_may_not(world: World) -> None:
    coordinator = world.actor("coordinator")
    control = world.plan(lead_agency="POL")
    services.assign_team_member(actor=coordinator, control_id=control.pk, username="pol_inspector")
    services.assign_team_member(actor=coordinator, control_id=control.pk, username="skv_inspector")
    with pytest.raises(Forbidden, match="lead agency's team"):
        services.mark_prepared(actor=world.actor("skv_inspector"), control_id=control.pk)
    prepared = services.mark_prepared(actor=world.actor("pol_inspector"), control_id=control.pk)
    assert prepared.status == Status.PREPARED
    with pytest.raises(Forbidden):  # cancelling is the coordinator's
        services.cancel_control(
            actor=world.actor("pol_inspector"), control_id=control.pk, reason="No."
        )


def test_staff_of_another_centre_cannot_touch_the_control(
    world: World, syd_coordinator: Actor
) -> None:
    control = world.plan()
    with pytest.raises(NotFound):
        services.mark_prepared(actor=syd_coordinator, control_id=control.pk)
    with pytest.raises(NotFound):
        services.cancel_control(actor=syd_coordinator, control_id=control.pk, reason="Mine.")
    control.refresh_from_db()
    assert control.status == Status.PLANNED
