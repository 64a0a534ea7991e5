"""Writes of the access app."""

from __future__ import annotations

from akrim.audit import services as audit
from akrim.core.actor import Actor, Purpose
from akrim.core.errors import InvalidInput

CHOOSABLE = (
    Purpose.PLANNING,
    Purpose.EXECUTION,
    Purpose.FOLLOW_UP,
    Purpose.ANALYSIS,
    Purpose.STATISTICS,
)


def choose_purpose(*, actor: Actor, purpose: str) -> Purpose:
    """Validate and audit a change of purpose; the caller keeps it in the session.

    Any signed-in member of staff may choose among the working purposes.
    Raises InvalidInput for anything else.
    """
    try:
        chosen = Purpose(purpose)
    except ValueError as error:
        raise InvalidInput("Unknown purpose %(purpose)s.", purpose=purpose[:40]) from error
    if chosen not in CHOOSABLE:
        raise InvalidInput("Unknown purpose %(purpose)s.", purpose=purpose[:40])
    audit.record(actor=actor, action="choose_purpose", detail={"purpose": chosen.value})
    return chosen
