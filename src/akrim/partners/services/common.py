"""What the partners' services share: limits, the forum a service acts on, its runner."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from akrim.core.actor import Actor
from akrim.core.errors import Forbidden, InvalidInput, NotFound
from akrim.organisation.models import Centre
from akrim.partners import policies
from akrim.partners.models import Forum

NAME_MAX = 200
TEXT_MAX = 20_000
SUMMARY_MAX = 4_000
MAX_PARTICIPANTS = 100
REMINDER_DAYS = 7
PHONE = re.compile(r"\+?[0-9][0-9 ()-]{3,38}")


def locked_forum(actor: Actor, forum_id: int) -> Forum:
    """A forum the actor may read (NotFound otherwise), locked for this transaction."""
    forum = policies.readable_forums(actor).select_for_update(of=("self",)).filter(pk=forum_id)
    row = forum.first()
    if row is None:
        raise NotFound(_("No such forum."))
    return row


def require_runner(actor: Actor, forum: Forum) -> None:
    if not policies.may_run(actor, forum):
        raise Forbidden(_("Only the forum's coordinators may do this."))


def known_centre(code: str) -> Centre:
    centre = Centre.objects.filter(code=code).first()
    if centre is None:
        raise InvalidInput(_("Unknown centre."))
    return centre
