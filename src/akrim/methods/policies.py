"""Who may read the handbook, write methods, record lessons and record adoption.

- The handbook (methods, versions, checklists, the adoption matrix) is for every member of
  staff of the agencies, the data-protection auditor included (reading only).
- Methods are created by coordinators (and administrators); a method is revised and moved
  from draft to tested to established by coordinators and by its owner.
- A lesson belongs to a control: it is seen by whoever may see the control (and by its
  author), and recorded by the control's team and the centre's coordinators once the
  control is carried out. The centre's coordinators dismiss lessons.
- An agency's adoption of an established method is recorded by that agency's
  coordinators (administrators for any agency).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from akrim.controls import policies as control_policies
from akrim.controls.models import Control, Status, TeamMember
from akrim.core.actor import Actor, Role
from akrim.core.errors import Forbidden, NotFound
from akrim.methods.models import Lesson, Method

# A lesson can be written once the control has been carried out.
LESSON_STATUSES = frozenset({Status.CARRIED_OUT, Status.IN_FOLLOW_UP, Status.CLOSED})


def is_staff(actor: Actor) -> bool:
    return actor.user_id is not None and actor.agency is not None


def check_may_read(actor: Actor) -> None:
    """Staff only; for anyone else the handbook does not exist."""
    if not is_staff(actor):
        raise NotFound()


def may_create(actor: Actor) -> bool:
    return is_staff(actor) and actor.has_role(Role.COORDINATOR, Role.ADMIN)


def check_may_create(actor: Actor) -> None:
    check_may_read(actor)
    if not may_create(actor):
        raise Forbidden("Only coordinators may add methods to the handbook.")


def may_revise(actor: Actor, method: Method) -> bool:
    """Coordinators, administrators and the method's owner."""
    return may_create(actor) or (is_staff(actor) and actor.user_id == method.owner_id)


def check_may_revise(actor: Actor, method: Method) -> None:
    if not may_revise(actor, method):
        raise Forbidden("Only coordinators and the method's owner may change a method.")


def may_record_adoption(actor: Actor, agency: str) -> bool:
    """The agency's own coordinators; administrators for any agency."""
    if not is_staff(actor):
        return False
    if actor.has_role(Role.ADMIN):
        return True
    return actor.has_role(Role.COORDINATOR) and actor.agency == agency


def visible_controls(actor: Actor) -> QuerySet[Control]:
    return control_policies.visible(Control.objects.all(), actor=actor)


def visible_lessons(queryset: QuerySet[Lesson], *, actor: Actor) -> QuerySet[Lesson]:
    """Lessons of the controls the actor may see, and the actor's own."""
    if not is_staff(actor):
        return queryset.none()
    return queryset.filter(
        Q(control_id__in=visible_controls(actor).values("pk")) | Q(author_id=actor.user_id)
    )


def may_record_lesson(actor: Actor, control: Control) -> bool:
    """The control's team and the coordinators of its centre."""
    if not is_staff(actor) or actor.user_id is None:
        return False
    if control_policies.may_coordinate(actor=actor, centre=control.centre.code):
        return True
    return TeamMember.objects.filter(control=control, user_id=actor.user_id).exists()


def may_dismiss(actor: Actor, lesson: Lesson) -> bool:
    """The coordinators of the control's centre."""
    return is_staff(actor) and control_policies.may_coordinate(
        actor=actor, centre=lesson.control.centre.code
    )
