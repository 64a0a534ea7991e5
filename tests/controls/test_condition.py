"""The ``assigned_to_control`` sharing condition: another agency's register records open to
a member of a control's team, for the workplaces of that control and their companies
only, and close again when the control is cancelled."""

from __future__ import annotations

from typing import TypeVar

import pytest
from django.db.models import Model, QuerySet

from akrim.access.models import Condition, DataCategory, LegalBasis, SharingRule
from akrim.controls import services
from akrim.controls.models import Control
from akrim.controls.policies import assigned_to_control
from akrim.core.actor import Actor, Purpose
from akrim.core.errors import NotFound
from akrim.organisation.models import Agency
from akrim.registry import queries
from akrim.registry.models import (
    Company,
    ControlRecord,
    Encounter,
    FindingRecord,
    Payroll,
    Permit,
    Person,
    TipRecord,
    Workplace,
)
from akrim.registry.models import Role as CompanyRole
from akrim.registry.policies import scoped
from tests.controls.conftest import World, at

M = TypeVar("M", bound=Model)

pytestmark = pytest.mark.django_db


def share(category: str, purpose: Purpose) -> SharingRule:
    """SKV → POL for ``category`` and ``purpose``, only where POL is assigned."""
    return SharingRule.objects.create(
        owner=Agency.objects.get(code="SKV"),
        recipient=Agency.objects.get(code="POL"),
        category=DataCategory.objects.get(code=category),
        purpose=purpose,
        legal_basis=LegalBasis.objects.get(code="joint_control_duty"),
        condition=Condition.ASSIGNED_TO_CONTROL,
    )


def pol(world: World, purpose: Purpose) -> Actor:
    actor = world.actor("pol_inspector")
    return Actor(actor.user_id, actor.username, actor.agency, actor.centres, actor.roles, purpose)


def assert_closed(actor: Actor, world: World) -> None:
    for workplace in (world.workplace, world.other_workplace):
        with pytest.raises(NotFound):
            queries.get_workplace(actor=actor, workplace_id=workplace.workplace_id)
        with pytest.raises(NotFound):
            queries.get_company(actor=actor, org_no=workplace.company.org_no)


@pytest.mark.parametrize("purpose", [Purpose.PLANNING, Purpose.EXECUTION])
def test_a_pol_inspector_sees_skv_records_only_while_assigned_to_a_control(
    world: World, purpose: Purpose
) -> None:
    share("company", purpose)
    inspector = pol(world, purpose)
    coordinator = world.actor("coordinator")
    assert_closed(inspector, world)

    control = world.plan()  # POL takes part, but the inspector is not in the team yet
    assert_closed(inspector, world)

    services.assign_team_member(actor=coordinator, control_id=control.pk, username="pol_inspector")
    workplace = queries.get_workplace(actor=inspector, workplace_id=world.workplace.workplace_id)
    assert workplace.workplace.owner.code == "SKV"
    assert workplace.shown.grant.condition == Condition.ASSIGNED_TO_CONTROL
    company = queries.get_company(actor=inspector, org_no=world.workplace.company.org_no)
    assert company.company.org_no == world.workplace.company.org_no
    with pytest.raises(NotFound):  # another workplace and its company stay closed
        queries.get_workplace(actor=inspector, workplace_id=world.other_workplace.workplace_id)
    with pytest.raises(NotFound):
        queries.get_company(actor=inspector, org_no=world.other_workplace.company.org_no)

    services.cancel_control(actor=coordinator, control_id=control.pk, reason="Called off.")
    assert_closed(inspector, world)


def test_the_condition_holds_for_another_purpose_only_under_its_own_rule(world: World) -> None:
    share("company", Purpose.PLANNING)
    control = world.plan()
    services.assign_team_member(
        actor=world.actor("coordinator"), control_id=control.pk, username="pol_inspector"
    )
    with pytest.raises(NotFound):
        queries.get_workplace(
            actor=pol(world, Purpose.ANALYSIS), workplace_id=world.workplace.workplace_id
        )


def test_a_draft_opens_nothing(world: World) -> None:
    share("company", Purpose.PLANNING)
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
    services.assign_team_member(actor=coordinator, control_id=draft.pk, username="pol_inspector")
    assert_closed(pol(world, Purpose.PLANNING), world)


def _assigned(world: World, workplaces: list[str]) -> Control:
    control = world.plan(workplaces=workplaces, outside_opening_hours=True)
    services.assign_team_member(
        actor=world.actor("coordinator"), control_id=control.pk, username="pol_inspector"
    )
    return control


def test_persons_open_as_the_companys_employees_without_duplicates(world: World) -> None:
    share("identity", Purpose.EXECUTION)
    _assigned(world, [world.workplace.workplace_id])
    inspector = pol(world, Purpose.EXECUTION)
    org_no = world.workplace.company.org_no
    employees = set(
        Payroll.objects.filter(company__org_no=org_no).values_list("person__person_id", flat=True)
    )
    assert employees
    assert Payroll.objects.filter(company__org_no=org_no).count() > len(employees)  # months
    seen = list(scoped(Person.objects.all(), actor=inspector).values_list("person_id", flat=True))
    assert sorted(seen) == sorted(employees)  # each once, and nobody else


def narrowed(model: type[M], actor: Actor) -> QuerySet[M]:
    q = assigned_to_control(actor, model, "")
    assert q is not None
    return model._default_manager.filter(q)


def test_every_covered_model_is_narrowed_to_the_controls_rows(world: World) -> None:
    visited = Encounter.objects.order_by("pk").first()  # a site controlled before
    assert visited is not None
    site = visited.control.workplace
    control = _assigned(world, [world.workplace.workplace_id, site.workplace_id])
    actor = pol(world, Purpose.EXECUTION)
    keys = {world.workplace.workplace_id, site.workplace_id}
    org_nos = {world.workplace.company.org_no, site.company.org_no}

    def expected(model: type[M], **lookup: object) -> set[int]:
        found = set(model._default_manager.filter(**lookup).values_list("pk", flat=True))
        assert found, f"the small world has no {model.__name__} for this test"
        return found

    def pks(model: type[M]) -> list[int]:
        return sorted(row.pk for row in narrowed(model, actor))

    assert {w.workplace_id for w in narrowed(Workplace, actor)} == keys
    assert {c.org_no for c in narrowed(Company, actor)} == org_nos
    by_site = "control__workplace__workplace_id__in"
    assert pks(ControlRecord) == sorted(expected(ControlRecord, workplace__workplace_id__in=keys))
    assert pks(FindingRecord) == sorted(expected(FindingRecord, **{by_site: keys}))
    assert pks(Encounter) == sorted(expected(Encounter, **{by_site: keys}))
    assert pks(CompanyRole) == sorted(expected(CompanyRole, company__org_no__in=org_nos))
    assert pks(Payroll) == sorted(expected(Payroll, company__org_no__in=org_nos))
    assert (
        narrowed(Permit, actor).count()
        == Permit.objects.filter(company__org_no__in=org_nos).count()
    )
    assert assigned_to_control(actor, TipRecord, "") is None  # not covered: never holds

    services.cancel_control(actor=world.actor("coordinator"), control_id=control.pk, reason="x")
    assert not narrowed(Workplace, actor).exists()
    assert not narrowed(Company, actor).exists()
    assert not narrowed(Person, actor).exists()


def test_an_assignment_does_not_follow_the_person_to_another_agency(world: World) -> None:
    _assigned(world, [world.workplace.workplace_id])
    actor = pol(world, Purpose.EXECUTION)
    as_skv = Actor(actor.user_id, actor.username, "SKV", actor.centres, actor.roles, actor.purpose)
    q = assigned_to_control(as_skv, Workplace, "")
    assert q is not None
    assert not Workplace.objects.filter(q).exists()
