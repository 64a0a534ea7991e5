"""Who sees which controls, and a list that costs the same number of queries however
long it is."""

from __future__ import annotations

from typing import Any

import pytest

from akrim.controls import services
from akrim.controls.queries import ControlFilters, get_control, list_controls
from akrim.core.actor import Actor
from akrim.core.errors import InvalidInput, NotFound
from tests.controls.conftest import World, at

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("name", "sees"),
    [
        ("coordinator", True),
        ("skv_analyst", True),  # staff of the control's centre
        ("pol_inspector", True),
        ("national_reader", True),
        ("admin", True),
        ("other_centre", False),  # SKV inspector in Syd
        ("skv_auditor", False),
        ("deactivated", False),
    ],
)
def test_who_sees_a_control(world: World, name: str, sees: bool) -> None:
    control = world.plan()
    actor = world.actor(name)
    if sees:
        assert get_control(actor=actor, id=control.pk).pk == control.pk
        assert [c.pk for c in list_controls(actor=actor)] == [control.pk]
    else:
        with pytest.raises(NotFound):
            get_control(actor=actor, id=control.pk)
        assert list(list_controls(actor=actor)) == []


def test_a_team_member_from_another_centre_sees_the_control(world: World) -> None:
    control = world.plan()
    other = world.actor("other_centre")
    with pytest.raises(NotFound):
        get_control(actor=other, id=control.pk)
    services.assign_team_member(
        actor=world.actor("coordinator"), control_id=control.pk, username="other_centre"
    )
    found = get_control(actor=other, id=control.pk)
    assert [m.user.username for m in found.team.all()] == ["other_centre"]
    assert [c.pk for c in list_controls(actor=other)] == [control.pk]  # once, not per member


def test_a_control_that_does_not_exist_is_not_found(world: World) -> None:
    with pytest.raises(NotFound):
        get_control(actor=world.actor("admin"), id=987654)


def test_list_filters_narrow_and_order_by_start(world: World) -> None:
    coordinator = world.actor("coordinator")
    late = world.plan(starts_at=at("2025-06-02", 8), ends_at=at("2025-06-02", 12))
    early = world.plan(
        agencies=["AV", "SKV"],
        workplaces=[world.other_workplace.workplace_id],
        starts_at=at("2025-05-05", 8),
        ends_at=at("2025-05-05", 12),
    )
    services.mark_prepared(actor=coordinator, control_id=late.pk)

    def pks(**filters: Any) -> list[int]:
        return [c.pk for c in list_controls(actor=coordinator, filters=ControlFilters(**filters))]

    assert pks() == [early.pk, late.pk]
    assert pks(status="prepared") == [late.pk]
    assert pks(agency="pol") == [late.pk]
    assert pks(workplace_id=world.other_workplace.workplace_id) == [early.pk]
    assert pks(starts_from=at("2025-06-01", 0)) == [late.pk]
    assert pks(starts_before=at("2025-06-01", 0)) == [early.pk]
    assert pks(centre="syd") == []
    with pytest.raises(InvalidInput, match="Unknown status"):
        pks(status="finished")


def _read_everything(actor: Actor) -> int:
    rows = list(list_controls(actor=actor))
    for control in rows:
        _ = (control.centre.name, control.lead_agency.code, control.created_by)
        _ = [p.agency.code for p in control.participations.all()]
        _ = [(m.user.username, m.agency.code) for m in control.team.all()]
        _ = [w.workplace_id for w in control.workplaces.all()]
    return len(rows)


def test_the_list_costs_the_same_queries_for_few_or_many_controls(
    world: World, django_assert_num_queries: Any
) -> None:
    coordinator = world.actor("coordinator")
    first = world.plan()
    services.assign_team_member(actor=coordinator, control_id=first.pk, username="pol_inspector")
    with django_assert_num_queries(5):  # controls, then participations, team, workplaces, tips
        assert _read_everything(coordinator) == 1
    for day in range(7, 12):
        control = world.plan(
            starts_at=at(f"2025-05-{day:02}", 8),
            ends_at=at(f"2025-05-{day:02}", 12),
            outside_opening_hours=True,  # the 10th and 11th are a weekend
        )
        services.assign_team_member(
            actor=coordinator, control_id=control.pk, username="skv_inspector"
        )
    with django_assert_num_queries(5):
        assert _read_everything(coordinator) == 6
