"""Who may see and change joint controls, and the ``assigned_to_control`` sharing
condition that a control opens on register records.

Seeing a control: staff in a reading role at the control's centre, its team members,
national readers and administrators. Outside that, a control does not exist (NotFound).
Changing one: see each ``check_*`` below; the services call them before any write.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import Model, Q, QuerySet

from akrim.access import policy
from akrim.access.models import Condition
from akrim.controls.models import IN_FORCE, Control, ControlWorkplace, TeamMember
from akrim.core.actor import Actor, Role
from akrim.core.errors import Forbidden
from akrim.registry.models import Payroll, Workplace

M = TypeVar("M", bound=Model)

CENTRE_READERS = (Role.INSPECTOR, Role.ANALYST, Role.COORDINATOR)
PART_CLOSERS = (Role.INSPECTOR, Role.COORDINATOR)


def visible(queryset: QuerySet[Control], *, actor: Actor) -> QuerySet[Control]:
    """Only the controls the actor may see. Team membership is a subquery, so the result
    has no duplicates and stays sliceable and lockable."""
    if actor.has_role(Role.ADMIN, Role.NATIONAL_READER):
        return queryset
    if actor.user_id is None:
        return queryset.none()
    seen = Q(pk__in=TeamMember.objects.filter(user_id=actor.user_id).values("control_id"))
    if actor.centres and actor.has_role(*CENTRE_READERS):
        seen |= Q(centre__code__in=actor.centres)
    return queryset.filter(seen)


def may_coordinate(*, actor: Actor, centre: str) -> bool:
    """Coordinators of the centre plan and run its controls; administrators may too."""
    return actor.has_role(Role.ADMIN) or (
        actor.has_role(Role.COORDINATOR) and centre in actor.centres
    )


def check_may_plan(*, actor: Actor, centre: str) -> None:
    """Raises Forbidden unless the actor coordinates ``centre`` (or administers)."""
    if not may_coordinate(actor=actor, centre=centre):
        raise Forbidden("Only a coordinator of the centre may plan its controls.")


def check_may_coordinate(*, actor: Actor, control: Control) -> None:
    """Team changes, closing and cancelling: coordinators of the control's centre."""
    if not may_coordinate(actor=actor, centre=control.centre.code):
        raise Forbidden("Only a coordinator of the control's centre may do this.")


def check_may_advance(*, actor: Actor, control: Control) -> None:
    """Marking prepared, carried out, in follow-up: the centre's coordinators, or a
    team member of the lead agency (who runs the control on the day)."""
    if may_coordinate(actor=actor, centre=control.centre.code):
        return
    if (
        actor.user_id is None
        or not TeamMember.objects.filter(
            control=control, user_id=actor.user_id, agency_id=control.lead_agency_id
        ).exists()
    ):
        raise Forbidden(
            "Only a coordinator of the centre or the lead agency's team may move the control on."
        )


# --- what the agencies record in a control ---------------------------------------------
#
# Each recorded row is owned by the agency that recorded it. The actor sees it when the
# control is visible to them and the access policy grants the row's data category: own
# agency always, another agency through a sharing rule for the current purpose (with the
# assigned_to_control condition: the actor is in the control's team for their agency).
# Same-centre rules do not open control records (they have no single municipality).
RECORD_CATEGORIES: dict[str, str] = {
    "PersonMet": "right_to_work",
    "PersonIndicator": "possible_victim",
    "LedgerCheck": "control",
    "ChecklistAnswer": "control",
    "Observation": "control",
    "Attachment": "control",
    "Finding": "control",
    "Decision": "control",
}
RECORDERS = (Role.INSPECTOR, Role.COORDINATOR)


def recorded(queryset: QuerySet[M], *, actor: Actor, category: str | None = None) -> QuerySet[M]:
    """Only the recorded rows the actor may see: in controls visible to them, and owned by
    an agency whose rules grant the row's category (``category`` overrides the model's,
    e.g. for pre-checks, which carry their own)."""
    category = category or RECORD_CATEGORIES[queryset.model.__name__]
    controls = visible(Control.objects.all(), actor=actor).values("pk")
    return policy.scope(queryset.filter(control_id__in=controls), actor=actor, category=category)


def may_record(*, actor: Actor, control: Control) -> bool:
    """Recording for one's own agency in a control: an inspector or coordinator of a
    participating agency who is in the team, or a coordinator of the centre."""
    if actor.agency is None or actor.user_id is None or not actor.has_role(*RECORDERS):
        return False
    if not control.participations.filter(agency__code=actor.agency).exists():
        return False
    if may_coordinate(actor=actor, centre=control.centre.code):
        return True
    return TeamMember.objects.filter(
        control=control, user_id=actor.user_id, agency__code=actor.agency
    ).exists()


def check_may_record(*, actor: Actor, control: Control) -> None:
    """Raises Forbidden unless ``may_record``."""
    if not may_record(actor=actor, control=control):
        raise Forbidden(
            "Only the control's team or the centre's coordinators of a participating agency "
            "may record in control %(control)s.",
            control=control.pk,
        )


def check_may_follow_up(*, actor: Actor, control: Control) -> None:
    """Findings and decisions are recorded by an inspector or coordinator of a
    participating agency who can see the control (the officer deciding is often not the
    one who was on site), for their own agency only."""
    if (
        actor.agency is None
        or not actor.has_role(*RECORDERS)
        or not control.participations.filter(agency__code=actor.agency).exists()
    ):
        raise Forbidden(
            "Only an inspector or coordinator of a participating agency may record its "
            "follow-up of control %(control)s.",
            control=control.pk,
        )


def check_may_close_part(*, actor: Actor, agency: str) -> None:
    """An agency's part is closed by its own inspectors or coordinators, nobody else."""
    if actor.agency != agency or not actor.has_role(*PART_CLOSERS):
        raise Forbidden(
            "Only an inspector or coordinator of %(agency)s may close its part.", agency=agency
        )


# --- the assigned_to_control sharing condition -----------------------------------------
#
# Register rows concern a control through its workplaces (by ``workplace_id``, in every
# agency's register) or through the companies that run those workplaces (by ``org_no``).
# Registry keeps owning its models; here only the lookup path from each model name to
# that key is named. A model not listed never matches (the provider returns None).
WORKPLACE_PATHS: dict[str, str] = {
    "Workplace": "workplace_id",
    "ControlRecord": "workplace__workplace_id",
    "FindingRecord": "control__workplace__workplace_id",
    "Encounter": "control__workplace__workplace_id",
}
COMPANY_PATHS: dict[str, str] = {
    "Company": "org_no",
    "Role": "company__org_no",
    "Payroll": "company__org_no",
    "Permit": "company__org_no",
}
# Persons: the company's employees by its employer declarations (payroll), i.e. the people
# the team may meet on site. Company officers (board, CEO) are not opened as persons by
# this condition; their roles show under the company. Chosen for data minimisation.
PERSON_MODEL = "Person"


def _assigned_workplace_ids(user_id: int, agency: str) -> QuerySet[ControlWorkplace, Any]:
    """Workplace keys of the controls in force that the user is in the team of, for the
    user's current agency (an assignment does not follow a person to another agency)."""
    return ControlWorkplace.objects.filter(
        control__status__in=IN_FORCE,
        control__team__user_id=user_id,
        control__team__agency__code=agency,
    ).values("workplace_id")


def _org_nos(workplace_ids: QuerySet[ControlWorkplace, Any]) -> QuerySet[Workplace, Any]:
    """The companies that run those workplaces, as any register knows them."""
    return Workplace.objects.filter(workplace_id__in=workplace_ids).values("company__org_no")


def assigned_to_control(actor: Actor, model: type[Model], place: str) -> Q | None:
    """The ``assigned_to_control`` condition: rows of ``model`` that concern a control in
    force that the actor is a team member of; None for models it does not cover. Every
    narrowing is an ``__in`` subquery on a single-valued path, so no row is duplicated."""
    if actor.user_id is None or actor.agency is None:
        return None
    name = model.__name__
    workplace_ids = _assigned_workplace_ids(actor.user_id, actor.agency)
    if name in WORKPLACE_PATHS:
        return Q(**{f"{WORKPLACE_PATHS[name]}__in": workplace_ids})
    if name in COMPANY_PATHS:
        return Q(**{f"{COMPANY_PATHS[name]}__in": _org_nos(workplace_ids)})
    if name in RECORD_CATEGORIES or name == "PreCheck":
        controls = TeamMember.objects.filter(
            user_id=actor.user_id, agency__code=actor.agency, control__status__in=IN_FORCE
        ).values("control_id")
        return Q(control_id__in=controls)
    if name == PERSON_MODEL:
        employees = Payroll.objects.filter(company__org_no__in=_org_nos(workplace_ids))
        return Q(pk__in=employees.values("person_id"))
    return None


def register_with_access() -> None:
    """Tell the access policy how assigned_to_control narrows records (at start-up)."""
    policy.register_condition(Condition.ASSIGNED_TO_CONTROL, assigned_to_control)
