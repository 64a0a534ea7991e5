"""Before and after the day: pre-checks and the safety assessment, findings, decisions,
deadlines that become tasks — each within its agency's mandate and the control's state."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from django.utils import timezone

from akrim.access.models import DataCategory, LegalBasis, SharingRule
from akrim.audit.models import AuditEntry
from akrim.controls import queries, services
from akrim.controls.models import Control, Decision, DecisionStatus, Task
from akrim.core.actor import Purpose
from akrim.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from akrim.organisation.models import Agency
from tests.controls.conftest import World

pytestmark = pytest.mark.django_db


def staffed(world: World) -> Control:
    coordinator = world.actor("coordinator")
    control = world.plan()
    for name in ["pol_inspector", "skv_inspector"]:
        services.assign_team_member(actor=coordinator, control_id=control.pk, username=name)
    return control


def carried_out(world: World) -> Control:
    coordinator = world.actor("coordinator")
    control = staffed(world)
    services.mark_prepared(actor=coordinator, control_id=control.pk)
    return services.mark_carried_out(actor=coordinator, control_id=control.pk)


def share(owner: str, recipient: str, category: str, purpose: Purpose) -> SharingRule:
    return SharingRule.objects.create(
        owner=Agency.objects.get(code=owner),
        recipient=Agency.objects.get(code=recipient),
        category=DataCategory.objects.get(code=category),
        purpose=purpose,
        legal_basis=LegalBasis.objects.get(code="joint_control_duty"),
        condition="assigned_to_control",
    )


def test_a_pre_check_is_seen_by_other_agencies_only_under_a_rule(world: World) -> None:
    control = staffed(world)
    skv = world.actor("skv_inspector")
    services.record_pre_check(
        actor=skv, control_id=control.pk, category="tax", summary="No F-tax since 2024."
    )
    pol = dataclasses.replace(world.actor("pol_inspector"), purpose=Purpose.PLANNING)
    assert queries.control_page(actor=pol, id=control.pk).pre_checks == []
    share("SKV", "POL", "tax", Purpose.PLANNING)
    seen = queries.control_page(actor=pol, id=control.pk).pre_checks
    assert [p.summary for p in seen] == ["No F-tax since 2024."]
    # the read of another agency's pre-check is in the audit log
    read = AuditEntry.objects.filter(action="read", object_id=str(control.pk)).last()
    assert read is not None
    assert read.detail["shown"] == [f"pre_check:{seen[0].pk}"]
    # under another purpose the rule does not hold
    analysis = dataclasses.replace(pol, purpose=Purpose.ANALYSIS)
    assert queries.control_page(actor=analysis, id=control.pk).pre_checks == []


def test_pre_checks_are_refused_with_clear_messages(world: World) -> None:
    control = staffed(world)
    skv = world.actor("skv_inspector")
    with pytest.raises(InvalidInput, match="Unknown data category"):
        services.record_pre_check(actor=skv, control_id=control.pk, category="x", summary="a")
    with pytest.raises(InvalidInput, match="Fill in summary"):
        services.record_pre_check(actor=skv, control_id=control.pk, category="tax", summary=" ")
    with pytest.raises(InvalidInput, match="too long"):
        services.record_pre_check(
            actor=skv, control_id=control.pk, category="tax", summary="a" * 4001
        )
    with pytest.raises(InvalidInput, match="control characters"):
        services.record_pre_check(
            actor=skv, control_id=control.pk, category="tax", summary="a\x00b"
        )
    with pytest.raises(InvalidInput, match="not one of the control's workplaces"):
        services.record_pre_check(
            actor=skv,
            control_id=control.pk,
            category="tax",
            summary="a",
            workplace_id=world.other_workplace.workplace_id,
        )
    # an analyst records nothing; another centre's inspector does not see the control
    with pytest.raises(Forbidden):
        services.record_pre_check(
            actor=world.actor("skv_analyst"), control_id=control.pk, category="tax", summary="a"
        )
    with pytest.raises(NotFound):
        services.record_pre_check(
            actor=world.actor("other_centre"), control_id=control.pk, category="tax", summary="a"
        )
    coordinator = world.actor("coordinator")
    services.mark_prepared(actor=coordinator, control_id=control.pk)
    services.mark_carried_out(actor=coordinator, control_id=control.pk)
    with pytest.raises(Conflict, match="only before it is carried out"):
        services.record_pre_check(actor=skv, control_id=control.pk, category="tax", summary="a")


def test_the_safety_assessment_is_one_per_control_and_replaced(world: World) -> None:
    control = staffed(world)
    pol = world.actor("pol_inspector")
    services.set_safety_assessment(
        actor=pol,
        control_id=control.pk,
        known_threats="Guard dog at the gate.",
        dogs=True,
        weapons=False,
        police_presence_needed=True,
    )
    services.set_safety_assessment(
        actor=world.actor("coordinator"),
        control_id=control.pk,
        known_threats="",
        dogs=False,
        weapons=False,
        police_presence_needed=True,
    )
    page = queries.control_page(actor=world.actor("skv_inspector"), id=control.pk)
    assert page.safety is not None
    assert (page.safety.dogs, page.safety.police_presence_needed) == (False, True)
    with pytest.raises(InvalidInput, match="known threats is too long"):
        services.set_safety_assessment(
            actor=pol,
            control_id=control.pk,
            known_threats="x" * 2001,
            dogs=False,
            weapons=False,
            police_presence_needed=False,
        )


def test_findings_and_decisions_follow_the_agencys_mandate_and_the_state(world: World) -> None:
    control = staffed(world)
    skv = world.actor("skv_inspector")
    with pytest.raises(Conflict, match="after it is carried out"):
        services.record_finding(actor=skv, control_id=control.pk, code="SKV_LEDGER_MISSING")
    coordinator = world.actor("coordinator")
    services.mark_prepared(actor=coordinator, control_id=control.pk)
    services.mark_carried_out(actor=coordinator, control_id=control.pk)

    finding = services.record_finding(
        actor=skv, control_id=control.pk, code="skv_ledger_missing", amount_sek=12_500
    )
    assert (finding.code, finding.owner.code, finding.amount_sek) == (
        "SKV_LEDGER_MISSING",
        "SKV",
        12_500,
    )
    with pytest.raises(InvalidInput, match="belongs to AV"):
        services.record_finding(actor=skv, control_id=control.pk, code="AV_ORDER")
    with pytest.raises(InvalidInput, match="Unknown finding"):
        services.record_finding(actor=skv, control_id=control.pk, code="<script>")
    for bad in [-1, 10**11, True, "12"]:
        with pytest.raises(InvalidInput, match="amount"):
            services.record_finding(
                actor=skv,
                control_id=control.pk,
                code="SKV_LEDGER_INCOMPLETE",
                amount_sek=bad,  # type: ignore[arg-type]
            )
    today = timezone.localdate()
    decision = services.record_decision(
        actor=skv,
        control_id=control.pk,
        kind="control_fee",
        decided_on=today,
        amount_sek=12_500,
    )
    assert decision.status == DecisionStatus.DECIDED
    with pytest.raises(InvalidInput, match="in the future"):
        services.record_decision(
            actor=skv,
            control_id=control.pk,
            kind="control_fee",
            decided_on=today + dt.timedelta(days=1),
        )
    with pytest.raises(InvalidInput, match="before the control"):
        services.record_decision(
            actor=skv, control_id=control.pk, kind="control_fee", decided_on=dt.date(2020, 1, 1)
        )
    with pytest.raises(InvalidInput, match="deadline must be after"):
        services.record_decision(
            actor=skv, control_id=control.pk, kind="order", decided_on=today, deadline=today
        )
    with pytest.raises(InvalidInput, match="Unknown kind"):
        services.record_decision(actor=skv, control_id=control.pk, kind="fine", decided_on=today)
    # an agency outside the control records nothing
    outsider = dataclasses.replace(skv, agency="FK")
    with pytest.raises(Forbidden):
        services.record_finding(actor=outsider, control_id=control.pk, code="FK_BENEFIT_ERROR")


def test_closing_needs_every_part_closed_and_a_closed_part_takes_nothing_more(
    world: World,
) -> None:
    control = carried_out(world)
    coordinator = world.actor("coordinator")
    skv = world.actor("skv_inspector")
    services.start_follow_up(actor=coordinator, control_id=control.pk)
    services.close_agency_part(actor=skv, control_id=control.pk, agency="SKV")
    with pytest.raises(Conflict, match=r"part of SKV in control .* is closed"):
        services.record_finding(actor=skv, control_id=control.pk, code="SKV_NO_FTAX")
    with pytest.raises(Conflict, match="AV, POL is still open"):
        services.close_control(actor=coordinator, control_id=control.pk)


def test_a_passed_deadline_creates_one_task_and_a_paid_decision_none(world: World) -> None:
    control = carried_out(world)
    av = dataclasses.replace(world.actor("coordinator"))
    today = timezone.localdate()
    start = timezone.localdate(control.starts_at)
    order = services.record_decision(
        actor=av,
        control_id=control.pk,
        kind="order",
        decided_on=start,
        deadline=start + dt.timedelta(days=30),
        deadline_note="Fix the scaffolding.",
    )
    fee = services.record_decision(
        actor=av,
        control_id=control.pk,
        kind="sanction_fee",
        amount_sek=50_000,
        decided_on=start,
        deadline=start + dt.timedelta(days=30),
    )
    services.update_decision_status(actor=av, decision_id=fee.pk, status="paid")
    assert services.create_due_tasks(actor=av, today=today) == 1
    assert services.create_due_tasks(actor=av, today=today) == 0  # re-runnable
    task = Task.objects.get()
    assert task.decision_id == order.pk
    assert task.owner.code == "AV"
    assert "order" in task.title
    assert str(control.pk) in task.title
    # another agency neither sees nor completes it
    with pytest.raises(NotFound):
        services.complete_task(actor=world.actor("skv_inspector"), task_id=task.pk)
    services.complete_task(actor=av, task_id=task.pk)
    with pytest.raises(Conflict, match="already done"):
        services.complete_task(actor=av, task_id=task.pk)
    # withdrawing a decision closes its open task
    withdrawn = services.record_decision(
        actor=av,
        control_id=control.pk,
        kind="prohibition",
        decided_on=start,
        deadline=start + dt.timedelta(days=1),
    )
    services.create_due_tasks(actor=av, today=today)
    services.update_decision_status(actor=av, decision_id=withdrawn.pk, status="withdrawn")
    assert Task.objects.get(decision=withdrawn).state == Task.State.DONE
    # only the deciding agency changes a decision
    with pytest.raises((NotFound, Forbidden)):
        services.update_decision_status(
            actor=world.actor("skv_inspector"), decision_id=order.pk, status="paid"
        )
    assert Decision.objects.get(pk=order.pk).status == DecisionStatus.DECIDED
