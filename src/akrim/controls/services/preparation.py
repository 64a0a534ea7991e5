"""Before the control: each agency's pre-checks from its own registers, and the team's
safety assessment."""

from __future__ import annotations

from django.db import transaction

from akrim.access.models import DataCategory
from akrim.audit import services as audit
from akrim.controls import policies
from akrim.controls.models import PreCheck, SafetyAssessment, Status
from akrim.controls.services.common import locked, state, text
from akrim.core.actor import Actor
from akrim.core.errors import Conflict, InvalidInput, NotFound

MAX_SUMMARY = 4000
MAX_SAFETY_TEXT = 2000
BEFORE_THE_DAY = frozenset({Status.DRAFT, Status.PLANNED, Status.PREPARED})


def _check_before_the_day(control_pk: int, status: str, what: str) -> None:
    if status not in BEFORE_THE_DAY:
        raise Conflict(
            "Control %(control)s is %(status)s; %(what)s can change only before it is carried out.",
            control=control_pk,
            status=state(status),
            what=what,
        )


def record_pre_check(
    *, actor: Actor, control_id: int, category: str, summary: str, workplace_id: str = ""
) -> PreCheck:
    """An agency records what its own registers say before the control.

    ``category`` is the data category of what the summary holds (e.g. tax, permit): the
    other agencies see the pre-check only as their sharing rules for that category allow.
    Team members and the centre's coordinators of a participating agency, before the
    control is carried out. Raises NotFound, Forbidden, InvalidInput, Conflict.
    """
    summary = text(summary, field="summary", max_length=MAX_SUMMARY, required=True)
    with transaction.atomic():
        control = locked(actor, control_id)
        policies.check_may_record(actor=actor, control=control)
        _check_before_the_day(control.pk, control.status, "pre-checks")
        if not DataCategory.objects.filter(code=category).exists():
            raise InvalidInput("Unknown data category %(category)s.", category=category[:40])
        workplace_id = workplace_id.strip()
        if workplace_id and not control.workplaces.filter(workplace_id=workplace_id).exists():
            raise InvalidInput(
                "Workplace %(workplace)s is not one of the control's workplaces.",
                workplace=workplace_id[:40],
            )
        row = PreCheck.objects.create(
            control=control,
            owner=control.participations.select_related("agency")
            .get(agency__code=actor.agency)
            .agency,
            recorded_by_id=actor.user_id,
            category=category,
            workplace_id=workplace_id,
            summary=summary,
        )
        audit.record(
            actor=actor,
            action="record_pre_check",
            object_type="control",
            object_id=str(control.pk),
            object_owner=actor.agency or "",
            fields=["category", "summary", "workplace_id"],
            detail={"pre_check": row.pk, "category": category},
        )
    return row


def delete_pre_check(*, actor: Actor, control_id: int, pre_check_id: int) -> None:
    """Remove one of the actor's agency's pre-checks, before the control is carried out."""
    with transaction.atomic():
        control = locked(actor, control_id)
        policies.check_may_record(actor=actor, control=control)
        _check_before_the_day(control.pk, control.status, "pre-checks")
        row = PreCheck.objects.filter(
            pk=pre_check_id, control=control, owner__code=actor.agency
        ).first()
        if row is None:
            raise NotFound()
        row.delete()
        audit.record(
            actor=actor,
            action="delete_pre_check",
            object_type="control",
            object_id=str(control.pk),
            object_owner=actor.agency or "",
            detail={"pre_check": pre_check_id},
        )


def set_safety_assessment(
    *,
    actor: Actor,
    control_id: int,
    known_threats: str,
    dogs: bool,
    weapons: bool,
    police_presence_needed: bool,
    other: str = "",
) -> SafetyAssessment:
    """Write the team's safety assessment (one per control, replaced as a whole).

    Team members and the centre's coordinators of a participating agency, before the
    control is carried out. Raises NotFound, Forbidden, InvalidInput, Conflict.
    """
    known_threats = text(known_threats, field="known threats", max_length=MAX_SAFETY_TEXT)
    other = text(other, field="other", max_length=MAX_SAFETY_TEXT)
    with transaction.atomic():
        control = locked(actor, control_id)
        policies.check_may_record(actor=actor, control=control)
        _check_before_the_day(control.pk, control.status, "the safety assessment")
        assessment, _ = SafetyAssessment.objects.update_or_create(
            control=control,
            defaults={
                "known_threats": known_threats,
                "dogs": bool(dogs),
                "weapons": bool(weapons),
                "police_presence_needed": bool(police_presence_needed),
                "other": other,
                "updated_by_id": actor.user_id,
            },
        )
        audit.record(
            actor=actor,
            action="set_safety_assessment",
            object_type="control",
            object_id=str(control.pk),
            detail={
                "dogs": assessment.dogs,
                "weapons": assessment.weapons,
                "police_presence_needed": assessment.police_presence_needed,
            },
        )
    return assessment
