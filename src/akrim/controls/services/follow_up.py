"""After the control: each agency's findings (the exchange format's catalogue) and
decisions, the tasks that passed deadlines create, and closing them."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from akrim.audit import services as audit
from akrim.controls import policies
from akrim.controls.models import (
    FINDING_CATALOGUE,
    Control,
    Decision,
    DecisionKind,
    DecisionStatus,
    Finding,
    Participation,
    Status,
    Task,
)
from akrim.controls.services.common import locked, state, text
from akrim.core.actor import Actor, Role
from akrim.core.errors import Conflict, Forbidden, InvalidInput, NotFound

MAX_AMOUNT_SEK = 10_000_000_000  # ten billion: far above any fee, below overflow
AFTER_THE_DAY = frozenset({Status.CARRIED_OUT, Status.IN_FOLLOW_UP})
# Decisions that still stand: their deadlines create tasks.
STANDING = frozenset({DecisionStatus.DECIDED, DecisionStatus.APPEALED, DecisionStatus.UPHELD})


def _open_part(control: Control, actor: Actor) -> Participation:
    """The actor's agency's part, which must be open, while the control is carried out
    or in follow-up."""
    if control.status not in AFTER_THE_DAY:
        raise Conflict(
            "Control %(control)s is %(status)s; findings and decisions are recorded after "
            "it is carried out and before it is closed.",
            control=control.pk,
            status=state(control.status),
        )
    part = control.participations.select_related("agency").filter(agency__code=actor.agency).first()
    if part is None:  # check_may_follow_up has already refused; kept for type narrowing
        raise Forbidden("Your agency does not take part in this control.")
    if part.status == Participation.PartStatus.CLOSED:
        raise Conflict(
            "The part of %(agency)s in control %(control)s is closed.",
            agency=part.agency.code,
            control=control.pk,
        )
    return part


def _amount(value: int | None, *, field: str = "amount") -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput("%(field)s must be a whole number of kronor.", field=field)
    if not 0 <= value <= MAX_AMOUNT_SEK:
        raise InvalidInput(
            "%(field)s must be between 0 and %(max)s SEK.", field=field, max=MAX_AMOUNT_SEK
        )
    return value


def _workplace(control: Control, workplace_id: str) -> str:
    workplace_id = workplace_id.strip()
    if workplace_id and not control.workplaces.filter(workplace_id=workplace_id).exists():
        raise InvalidInput(
            "Workplace %(workplace)s is not one of the control's workplaces.",
            workplace=workplace_id[:40],
        )
    return workplace_id


def record_finding(
    *,
    actor: Actor,
    control_id: int,
    code: str,
    amount_sek: int | None = None,
    workplace_id: str = "",
) -> Finding:
    """An agency records a finding by the catalogue; only its own codes (SKV_…, AV_…).

    Raises NotFound, Forbidden, InvalidInput, Conflict (not carried out yet; closed part).
    """
    code = code.strip().upper()
    if code not in FINDING_CATALOGUE:
        raise InvalidInput("Unknown finding %(code)s: use the finding catalogue.", code=code[:40])
    if FINDING_CATALOGUE[code] != actor.agency:
        raise InvalidInput(
            "Finding %(code)s belongs to %(agency)s; record your own agency's findings.",
            code=code,
            agency=FINDING_CATALOGUE[code],
        )
    amount = _amount(amount_sek)
    with transaction.atomic():
        control = locked(actor, control_id)
        policies.check_may_follow_up(actor=actor, control=control)
        part = _open_part(control, actor)
        finding = Finding.objects.create(
            control=control,
            owner=part.agency,
            recorded_by_id=actor.user_id,
            code=code,
            amount_sek=amount,
            workplace_id=_workplace(control, workplace_id),
        )
        audit.record(
            actor=actor,
            action="record_finding",
            object_type="control",
            object_id=str(control.pk),
            object_owner=part.agency.code,
            detail={"finding": finding.pk, "code": code, "amount_sek": amount},
        )
    return finding


def delete_finding(*, actor: Actor, control_id: int, finding_id: int) -> None:
    """Remove a finding of the actor's agency while its part is open."""
    with transaction.atomic():
        control = locked(actor, control_id)
        policies.check_may_follow_up(actor=actor, control=control)
        _open_part(control, actor)
        finding = Finding.objects.filter(
            pk=finding_id, control=control, owner__code=actor.agency
        ).first()
        if finding is None:
            raise NotFound()
        finding.delete()
        audit.record(
            actor=actor,
            action="delete_finding",
            object_type="control",
            object_id=str(control.pk),
            object_owner=actor.agency or "",
            detail={"finding": finding_id},
        )


def _check_decision_dates(control: Control, decided_on: dt.date, deadline: dt.date | None) -> None:
    day = timezone.localdate(control.starts_at)
    if decided_on < day:
        raise InvalidInput(
            "The decision date %(date)s is before the control (%(day)s).",
            date=decided_on.isoformat(),
            day=day.isoformat(),
        )
    if decided_on > timezone.localdate():
        raise InvalidInput("The decision date %(date)s is in the future.", date=decided_on)
    if deadline is not None and deadline <= decided_on:
        raise InvalidInput("The deadline must be after the decision date.")
    if deadline is not None and deadline > decided_on + dt.timedelta(days=3 * 366):
        raise InvalidInput("The deadline must be within three years of the decision.")


def record_decision(
    *,
    actor: Actor,
    control_id: int,
    kind: str,
    decided_on: dt.date,
    amount_sek: int | None = None,
    status: str = DecisionStatus.DECIDED,
    deadline: dt.date | None = None,
    deadline_note: str = "",
    workplace_id: str = "",
) -> Decision:
    """An agency records one of its decisions after the control (a control fee, an
    order with the date by which it must be followed, a referral to victim support...).

    Raises NotFound, Forbidden, InvalidInput, Conflict (not carried out; closed part).
    """
    if kind not in DecisionKind.values:
        raise InvalidInput("Unknown kind of decision %(kind)s.", kind=str(kind)[:30])
    if status not in DecisionStatus.values:
        raise InvalidInput("Unknown decision status %(status)s.", status=str(status)[:30])
    amount = _amount(amount_sek)
    deadline_note = text(deadline_note, field="deadline note", max_length=300)
    with transaction.atomic():
        control = locked(actor, control_id)
        policies.check_may_follow_up(actor=actor, control=control)
        part = _open_part(control, actor)
        _check_decision_dates(control, decided_on, deadline)
        decision = Decision.objects.create(
            control=control,
            owner=part.agency,
            recorded_by_id=actor.user_id,
            kind=kind,
            amount_sek=amount,
            decided_on=decided_on,
            status=status,
            deadline=deadline,
            deadline_note=deadline_note,
            workplace_id=_workplace(control, workplace_id),
        )
        audit.record(
            actor=actor,
            action="record_decision",
            object_type="control",
            object_id=str(control.pk),
            object_owner=part.agency.code,
            detail={
                "decision": decision.pk,
                "kind": kind,
                "amount_sek": amount,
                "status": status,
                "deadline": deadline.isoformat() if deadline else None,
            },
        )
    return decision


def update_decision_status(
    *, actor: Actor, decision_id: int, status: str, note: str = ""
) -> Decision:
    """A decision moves on (appealed, upheld, paid, withdrawn), also after the agency's
    part or the control is closed: appeals outlive follow-up. Own agency only."""
    if status not in DecisionStatus.values:
        raise InvalidInput("Unknown decision status %(status)s.", status=str(status)[:30])
    note = text(note, field="note", max_length=300)
    with transaction.atomic():
        decision = (
            policies.recorded(Decision.objects.all(), actor=actor)
            .select_for_update(of=("self",))
            .select_related("owner")
            .filter(pk=decision_id)
            .first()
        )
        if decision is None:
            raise NotFound()
        if decision.owner.code != actor.agency or not actor.has_role(*policies.RECORDERS):
            raise Forbidden("Only the deciding agency may change its decision.")
        previous = decision.status
        decision.status = status
        decision.save(update_fields=["status", "updated_at"])
        if status not in STANDING:
            Task.objects.filter(decision=decision, state=Task.State.OPEN).update(
                state=Task.State.DONE, done_at=timezone.now(), done_by_id=actor.user_id
            )
        audit.record(
            actor=actor,
            action="update_decision_status",
            object_type="control",
            object_id=str(decision.control_id),
            object_owner=decision.owner.code,
            detail={"decision": decision.pk, "from": previous, "to": status, "note": note},
        )
    return decision


def create_due_tasks(*, actor: Actor, today: dt.date | None = None) -> int:
    """Create a task for every standing decision whose deadline has passed and that has
    none yet (e.g. a re-visit to check that an order was followed). Re-runnable; run
    nightly (``akrim controls tasks``) and before the task list is shown. The system or
    an administrator runs it for every agency; anyone else only for their own."""
    today = today or timezone.localdate()
    due = Decision.objects.filter(
        deadline__lt=today, status__in=STANDING, task__isnull=True
    ).select_related("control")
    if not actor.has_role(Role.ADMIN):
        if actor.agency is None:
            return 0
        due = due.filter(owner__code=actor.agency)
    created = 0
    with transaction.atomic():
        for decision in due.order_by("pk")[:10_000]:
            kind = str(DecisionKind(decision.kind).label)
            Task.objects.create(
                control=decision.control,
                owner_id=decision.owner_id,
                decision=decision,
                title=f"Check that the {kind} of control {decision.control_id} was followed "
                f"(deadline {decision.deadline})",
                due_on=decision.deadline or today,
            )
            created += 1
        if created:
            audit.record(
                actor=actor,
                action="create_due_tasks",
                object_type="control",
                detail={"created": created, "day": today.isoformat()},
            )
    return created


def complete_task(*, actor: Actor, task_id: int) -> Task:
    """Mark a task of the actor's agency done. Inspectors and coordinators."""
    with transaction.atomic():
        task = (
            Task.objects.select_for_update(of=("self",))
            .filter(pk=task_id, owner__code=actor.agency or "")
            .first()
        )
        if task is None or not actor.has_role(*policies.RECORDERS):
            raise NotFound()
        if task.state == Task.State.DONE:
            raise Conflict("Task %(task)s is already done.", task=task.pk)
        task.state = Task.State.DONE
        task.done_at = timezone.now()
        task.done_by_id = actor.user_id
        task.save(update_fields=["state", "done_at", "done_by"])
        audit.record(
            actor=actor,
            action="complete_task",
            object_type="control",
            object_id=str(task.control_id),
            object_owner=actor.agency or "",
            detail={"task": task.pk},
        )
    return task
