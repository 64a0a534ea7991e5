"""The lifecycle of a joint control: plan, staff, prepare, carry out, follow up, close —
and every illegal move refused with a message that says what is wrong."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from akrim.audit.models import AuditEntry
from akrim.controls import services
from akrim.controls.models import Control, Participation, Status
from akrim.core.errors import Conflict, Forbidden, InvalidInput
from tests.controls.conftest import World, at

pytestmark = pytest.mark.django_db


def actions_on(control: Control) -> list[str]:
    entries = AuditEntry.objects.filter(object_type="control", object_id=str(control.pk))
    return list(entries.order_by("seq").values_list("action", flat=True))


def to_follow_up(world: World) -> Control:
    coordinator = world.actor("coordinator")
    control = world.plan()
    services.mark_prepared(actor=coordinator, control_id=control.pk)
    services.mark_carried_out(actor=coordinator, control_id=control.pk)
    return services.start_follow_up(actor=coordinator, control_id=control.pk)


def test_a_control_runs_from_plan_to_close_and_every_step_is_audited(world: World) -> None:
    coordinator = world.actor("coordinator")
    control = world.plan()
    assert control.status == Status.PLANNED
    assert sorted(control.participations.values_list("agency__code", flat=True)) == [
        "AV",
        "POL",
        "SKV",
    ]
    assert list(control.workplaces.values_list("workplace_id", flat=True)) == [
        world.workplace.workplace_id
    ]
    services.assign_team_member(actor=coordinator, control_id=control.pk, username="pol_inspector")
    services.assign_team_member(actor=coordinator, control_id=control.pk, username="skv_inspector")
    services.mark_prepared(actor=coordinator, control_id=control.pk)
    services.mark_carried_out(actor=coordinator, control_id=control.pk)
    services.start_follow_up(actor=coordinator, control_id=control.pk)
    services.close_agency_part(actor=coordinator, control_id=control.pk, agency="AV")
    services.close_agency_part(
        actor=world.actor("pol_inspector"), control_id=control.pk, agency="POL"
    )
    services.close_agency_part(
        actor=world.actor("skv_inspector"), control_id=control.pk, agency="SKV"
    )
    closed = services.close_control(actor=coordinator, control_id=control.pk)

    assert closed.status == Status.CLOSED
    control.refresh_from_db()
    assert control.status == Status.CLOSED
    assert not control.participations.filter(status="open").exists()
    assert actions_on(control) == [
        "plan_control",
        "assign_team_member",
        "assign_team_member",
        "mark_control_prepared",
        "mark_control_carried_out",
        "start_control_follow_up",
        "close_agency_part",
        "close_agency_part",
        "close_agency_part",
        "close_control",
    ]
    closing = AuditEntry.objects.filter(object_id=str(control.pk), action="close_control").get()
    assert closing.username == "coordinator"
    assert closing.detail == {"from": "in_follow_up", "to": "closed"}


def test_a_draft_becomes_a_plan(world: World) -> None:
    coordinator = world.actor("coordinator")
    draft = services.draft_control(
        actor=coordinator,
        centre="stockholm",
        lead_agency="AV",
        agencies=["AV", "POL"],
        workplaces=[world.workplace.workplace_id],
        starts_at=at("2025-05-06", 8),
        ends_at=at("2025-05-06", 12),
        purpose="Draft.",
    )
    assert draft.status == Status.DRAFT
    planned = services.mark_planned(actor=coordinator, control_id=draft.pk)
    assert planned.status == Status.PLANNED
    assert actions_on(draft) == ["draft_control", "plan_control"]


def _cancel(world: World, control_id: int) -> Control:
    return services.cancel_control(
        actor=world.actor("coordinator"), control_id=control_id, reason="The site closed."
    )


Move = Callable[[World, int], object]
MOVES: dict[str, Move] = {
    "plan": lambda w, pk: services.mark_planned(actor=w.actor("coordinator"), control_id=pk),
    "prepare": lambda w, pk: services.mark_prepared(actor=w.actor("coordinator"), control_id=pk),
    "carry_out": lambda w, pk: services.mark_carried_out(
        actor=w.actor("coordinator"), control_id=pk
    ),
    "follow_up": lambda w, pk: services.start_follow_up(
        actor=w.actor("coordinator"), control_id=pk
    ),
    "close": lambda w, pk: services.close_control(actor=w.actor("coordinator"), control_id=pk),
    "cancel": _cancel,
}
# status reached by the moves before it, from a fresh draft
PATH = ["plan", "prepare", "carry_out", "follow_up"]
REACH = {
    "draft": [],
    "planned": PATH[:1],
    "prepared": PATH[:2],
    "carried_out": PATH[:3],
    "in_follow_up": PATH[:4],
    "closed": PATH[:4],
}


def _at_status(world: World, status: str) -> Control:
    draft = services.draft_control(
        actor=world.actor("coordinator"),
        centre="stockholm",
        lead_agency="AV",
        agencies=["AV"],
        workplaces=[world.workplace.workplace_id],
        starts_at=at("2025-05-06", 8),
        ends_at=at("2025-05-06", 12),
        purpose="Lifecycle.",
    )
    if status == "cancelled":
        _cancel(world, draft.pk)
        return draft
    for move in REACH[status]:
        MOVES[move](world, draft.pk)
    if status == "closed":
        services.close_agency_part(
            actor=world.actor("coordinator"), control_id=draft.pk, agency="AV"
        )
        MOVES["close"](world, draft.pk)
    return draft


@pytest.mark.parametrize(
    ("status", "move", "message"),
    [
        ("carried_out", "plan", "is carried out; it can be planned only when it is a draft."),
        ("draft", "close", "is a draft; it can be closed only when it is in follow-up."),
        ("draft", "prepare", "is a draft; it can be marked prepared only when it is planned."),
        (
            "planned",
            "carry_out",
            "is planned; it can be marked carried out only when it is prepared.",
        ),
        (
            "prepared",
            "follow_up",
            "is prepared; it can be moved to follow-up only when it is carried out.",
        ),
        ("planned", "close", "is planned; it can be closed only when it is in follow-up."),
        (
            "carried_out",
            "cancel",
            "is carried out; it can be cancelled only when it is a draft or planned or prepared.",
        ),
        ("in_follow_up", "plan", "is in follow-up; it can be planned only when it is a draft."),
        ("closed", "follow_up", "is closed; it can be moved to follow-up only when it is"),
        ("closed", "cancel", "is closed; it can be cancelled only when"),
        ("cancelled", "prepare", "is cancelled; it can be marked prepared only when it is planned"),
        ("cancelled", "cancel", "is cancelled; it can be cancelled only when"),
    ],
)
def test_illegal_moves_are_refused_with_a_message(
    world: World, status: str, move: str, message: str
) -> None:
    control = _at_status(world, status)
    before = actions_on(control)
    with pytest.raises(Conflict) as refused:
        MOVES[move](world, control.pk)
    assert refused.value.message.startswith(f"Control {control.pk} {message}")
    control.refresh_from_db()
    assert control.status == status
    assert actions_on(control) == before  # nothing audited for a refused move


def test_closing_with_open_agency_parts_names_them(world: World) -> None:
    control = to_follow_up(world)
    services.close_agency_part(actor=world.actor("coordinator"), control_id=control.pk, agency="AV")
    with pytest.raises(Conflict) as refused:
        services.close_control(actor=world.actor("coordinator"), control_id=control.pk)
    assert refused.value.message == (
        f"Control {control.pk} cannot be closed: the part of POL, SKV is still open."
    )
    control.refresh_from_db()
    assert control.status == Status.IN_FOLLOW_UP


def test_an_agency_closes_its_part_only_in_follow_up_and_only_once(world: World) -> None:
    control = world.plan()
    pol = world.actor("pol_inspector")
    with pytest.raises(Conflict, match="closes its part only during follow-up"):
        services.close_agency_part(actor=pol, control_id=control.pk, agency="POL")
    control = to_follow_up(world)
    part = services.close_agency_part(actor=pol, control_id=control.pk, agency="pol")
    assert part.status == Participation.PartStatus.CLOSED
    assert part.closed_at is not None
    assert part.closed_by_id == pol.user_id
    with pytest.raises(
        Conflict, match=rf"The part of POL in control {control.pk} is already closed"
    ):
        services.close_agency_part(actor=pol, control_id=control.pk, agency="POL")


def test_only_the_agency_itself_closes_its_part(world: World) -> None:
    control = to_follow_up(world)
    with pytest.raises(Forbidden, match="Only an inspector or coordinator of SKV"):
        services.close_agency_part(
            actor=world.actor("pol_inspector"), control_id=control.pk, agency="SKV"
        )
    with pytest.raises(Forbidden):  # an analyst of SKV is not a closer
        services.close_agency_part(
            actor=world.actor("skv_analyst"), control_id=control.pk, agency="SKV"
        )
    assert control.participations.get(agency__code="SKV").status == "open"


def test_an_agency_that_does_not_take_part_has_no_part_to_close(world: World) -> None:
    control = world.plan(agencies=["AV", "SKV"])
    services.mark_prepared(actor=world.actor("coordinator"), control_id=control.pk)
    services.mark_carried_out(actor=world.actor("coordinator"), control_id=control.pk)
    services.start_follow_up(actor=world.actor("coordinator"), control_id=control.pk)
    with pytest.raises(InvalidInput, match="POL does not take part in control"):
        services.close_agency_part(
            actor=world.actor("pol_inspector"), control_id=control.pk, agency="POL"
        )


def test_cancelling_needs_a_reason_and_records_it(world: World) -> None:
    control = world.plan()
    with pytest.raises(InvalidInput, match="reason for cancelling"):
        services.cancel_control(actor=world.actor("coordinator"), control_id=control.pk, reason=" ")
    _cancel(world, control.pk)
    entry = AuditEntry.objects.get(object_id=str(control.pk), action="cancel_control")
    assert entry.detail["reason"] == "The site closed."
    assert entry.detail["from"] == "planned"
