"""Access decisions over owned records."""

from __future__ import annotations

from akrim.core.actor import Actor, Role

# Roles that read register data at all. Administrators manage the platform, they do not
# read personal data; auditors read the audit log, not the registers.
_READER_ROLES = (Role.INSPECTOR, Role.ANALYST, Role.COORDINATOR)


def readable_owner_codes(*, actor: Actor) -> frozenset[str]:
    """Agency codes whose register records ``actor`` may read under the current purpose."""
    if actor.agency is None or not actor.has_role(*_READER_ROLES):
        return frozenset()
    return frozenset({actor.agency})


def may_read_registers(*, actor: Actor) -> bool:
    return bool(readable_owner_codes(actor=actor))
