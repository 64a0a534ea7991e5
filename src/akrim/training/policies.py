"""Who may run sessions, record completions and see named training records."""

from __future__ import annotations

from akrim.core.actor import Actor, Role
from akrim.training.models import Session


def is_centre_coordinator(actor: Actor, centre_code: str) -> bool:
    """Coordinators (the centre's training officers) of the centre, and administrators."""
    return actor.has_role(Role.ADMIN) or (
        actor.has_role(Role.COORDINATOR) and centre_code in actor.centres
    )


def may_record(actor: Actor, session: Session) -> bool:
    """The session's trainers and the coordinators of its centre."""
    if actor.user_id is not None and session.trainers.filter(pk=actor.user_id).exists():
        return True
    return is_centre_coordinator(actor, session.centre.code)
