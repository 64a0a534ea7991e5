"""Personal iCalendar feeds: a private address per member of staff for their own controls.

The address carries a random secret; only its SHA-256 is stored, so the address is shown
once, when it is made. A new address replaces the old one (the old one stops working).
"""

from __future__ import annotations

import secrets

from django.db import transaction

from akrim.audit import services as audit
from akrim.controls.calendar_queries import feed_digest
from akrim.controls.models import CalendarFeed
from akrim.core.actor import Actor
from akrim.core.errors import Forbidden, NotFound

TOKEN_BYTES = 32


def _check_may_subscribe(actor: Actor) -> int:
    if actor.user_id is None or actor.agency is None:
        raise Forbidden("Only a signed-in member of staff has a calendar feed.")
    return actor.user_id


def create_calendar_feed(*, actor: Actor) -> str:
    """Make a new private feed address for the actor, replacing any earlier one, and
    return its secret (the caller shows it once; it is not kept).

    Any active member of staff, for themselves. Raises Forbidden otherwise.
    """
    user_id = _check_may_subscribe(actor)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    with transaction.atomic():
        replaced = CalendarFeed.objects.filter(user_id=user_id).delete()[0] > 0
        feed = CalendarFeed.objects.create(user_id=user_id, digest=feed_digest(token))
        audit.record(
            actor=actor,
            action="create_calendar_feed",
            object_type="calendar_feed",
            object_id=str(feed.pk),
            detail={"replaced": replaced},
        )
    return token


def delete_calendar_feed(*, actor: Actor) -> None:
    """Remove the actor's feed address (it stops working at once).

    Any active member of staff, for themselves. Raises Forbidden, NotFound (no feed).
    """
    user_id = _check_may_subscribe(actor)
    with transaction.atomic():
        feed = CalendarFeed.objects.select_for_update().filter(user_id=user_id).first()
        if feed is None:
            raise NotFound("You have no calendar feed.")
        feed_id = feed.pk
        feed.delete()
        audit.record(
            actor=actor,
            action="delete_calendar_feed",
            object_type="calendar_feed",
            object_id=str(feed_id),
        )
