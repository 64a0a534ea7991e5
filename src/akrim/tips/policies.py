"""Who may see and handle tips.

- Members of a centre (inspectors, analysts and coordinators of any agency there) see and
  handle the centre's tips.
- Tips not yet routed to a centre (unknown municipality) wait on the national queue, which
  coordinators of any centre see and handle (and route).
- Data-protection auditors read every tip (audited) and change nothing.
- Everyone else sees no tip: outside the scope is not found.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from akrim.core.actor import Actor, Role
from akrim.core.errors import Forbidden, NotFound
from akrim.tips.models import Tip

HANDLERS = (Role.INSPECTOR, Role.ANALYST, Role.COORDINATOR)


def is_auditor(actor: Actor) -> bool:
    return actor.has_role(Role.DP_AUDITOR)


def visible(actor: Actor) -> QuerySet[Tip]:
    """The tips the actor may see."""
    if is_auditor(actor):
        return Tip.objects.all()
    scope = Q(pk__in=[])
    if actor.has_role(*HANDLERS) and actor.centres:
        scope |= Q(centre__code__in=sorted(actor.centres))
    if actor.has_role(Role.COORDINATOR):
        scope |= Q(centre__isnull=True)
    return Tip.objects.filter(scope)


def may_handle_any(actor: Actor) -> bool:
    return actor.has_role(*HANDLERS) and bool(actor.centres)


def tip_for_reading(actor: Actor, tip_id: int) -> Tip:
    tip = visible(actor).select_related("centre", "municipality").filter(pk=tip_id).first()
    if tip is None:
        raise NotFound()
    return tip


def tip_for_handling(actor: Actor, tip_id: int) -> Tip:
    """The tip, locked for update, when the actor may change it. NotFound outside the
    scope; Forbidden for a reader who may not handle (the auditor)."""
    # Lock by primary key alone: the scope's outer join (unrouted tips) cannot be locked
    # FOR UPDATE on PostgreSQL.
    in_scope = visible(actor).filter(pk=tip_id).values("pk")
    locked = Tip.objects.select_for_update(of=("self",)).select_related("centre")
    tip = locked.filter(pk__in=in_scope).first()
    if tip is None:
        raise NotFound()
    if not may_handle(actor, tip):
        raise Forbidden()
    return tip


def may_handle(actor: Actor, tip: Tip) -> bool:
    if not actor.has_role(*HANDLERS):
        return False
    if tip.centre_id is None:
        return actor.has_role(Role.COORDINATOR)
    return tip.centre is not None and tip.centre.code in actor.centres


def may_see_statistics(actor: Actor) -> bool:
    return bool(actor.roles)
