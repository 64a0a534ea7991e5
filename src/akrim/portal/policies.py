"""Who may manage the portal's content: communication staff and administrators.

All staff may read the content matrix (the content is public anyway); only these roles write.
"""

from __future__ import annotations

from akrim.core.actor import Actor, Role


def may_edit(actor: Actor) -> bool:
    return actor.has_role(Role.COMMUNICATOR, Role.ADMIN)


def may_read(actor: Actor) -> bool:
    return actor.is_system or bool(actor.roles)
