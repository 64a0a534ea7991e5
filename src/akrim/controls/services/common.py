"""What every controls service shares: the locked control, text checks, wording."""

from __future__ import annotations

import datetime as dt
import re

from django.utils import timezone

from akrim.controls import policies
from akrim.controls.models import Control, Status
from akrim.core.actor import Actor
from akrim.core.errors import InvalidInput, NotFound

CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def when(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def state(status: str) -> str:
    """How a status reads after "is": "is a draft", "is carried out", "is in follow-up"."""
    return "a draft" if status == Status.DRAFT else str(Status(status).label)


def states(statuses: frozenset[str]) -> str:
    order = list(Status.values)
    return " or ".join(state(s) for s in sorted(statuses, key=order.index))


def locked(actor: Actor, control_id: int) -> Control:
    """The control, locked for this transaction; NotFound outside the actor's scope."""
    row = (
        policies.visible(Control.objects.all(), actor=actor)
        .select_for_update(of=("self",))
        .select_related("centre", "lead_agency")
        .filter(pk=control_id)
        .first()
    )
    if row is None:
        raise NotFound()
    return row


def text(value: object, *, field: str, max_length: int, required: bool = False) -> str:
    """A cleaned free-text value: stripped, at most ``max_length`` characters, no
    control characters (line breaks and tabs are kept). Raises InvalidInput naming the
    field."""
    cleaned = str(value or "").replace("\r\n", "\n").strip()
    if required and not cleaned:
        raise InvalidInput("Fill in %(field)s.", field=field)
    if len(cleaned) > max_length:
        raise InvalidInput(
            "%(field)s is too long: at most %(max)s characters.", field=field, max=max_length
        )
    if CONTROL_CHARACTERS.search(cleaned):
        raise InvalidInput("%(field)s contains control characters.", field=field)
    return cleaned
