"""Who may change the organisation."""

from __future__ import annotations

from akrim.core.actor import Actor, Role
from akrim.core.errors import Forbidden


def check_may_administer(*, actor: Actor) -> None:
    """Only administrators (or the system) change agencies, centres, staff and deadlines."""
    if not (actor.is_system or actor.has_role(Role.ADMIN)):
        raise Forbidden()
