"""Who may use risk-based selection, and which workplaces' scores an actor may see.

Using it (the selection list, the pages, scoring, training): analysts and coordinators of
a centre, administrators and the system. Everyone else is refused (deny by default).

Seeing a workplace's score: a score is derived from the owning agency's registers, so it
is treated as that agency's record of the category "company" and follows the sharing
rules for the owner's ``Workplace`` row (``akrim.registry.policies.scoped``): own agency
always, another agency only through a rule for the actor's current purpose whose
condition holds. Administrators and the system hold no register grants and see no
scores; they run and train.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from akrim.access import policy
from akrim.core.actor import Actor, Role
from akrim.core.errors import Forbidden
from akrim.registry.models import Workplace
from akrim.registry.policies import scoped

SELECTORS = (Role.ANALYST, Role.COORDINATOR)


def may_use(*, actor: Actor) -> bool:
    """Analysts and coordinators who work in a centre; administrators; the system."""
    if actor.is_system or actor.has_role(Role.ADMIN):
        return True
    return actor.has_role(*SELECTORS) and bool(actor.centres)


def check_may_use(*, actor: Actor) -> None:
    """Raises Forbidden unless ``may_use``."""
    if not may_use(actor=actor):
        raise Forbidden("Only analysts and coordinators of a centre may use risk-based selection.")


def check_may_score(*, actor: Actor, owner: str) -> None:
    """Scoring or training on ``owner``'s registers: the system and administrators; an
    analyst or coordinator of a centre only on their own agency's registers (a run reads
    every row of them). Raises Forbidden."""
    check_may_use(actor=actor)
    if actor.is_system or actor.has_role(Role.ADMIN):
        return
    if actor.agency != owner:
        raise Forbidden(
            "You may score only your own agency's registers (%(agency)s).",
            agency=actor.agency or "",
        )


def may_score(*, actor: Actor, owner: str) -> bool:
    """``check_may_score`` as a yes or no (e.g. whether to offer "make active")."""
    try:
        check_may_score(actor=actor, owner=owner)
    except Forbidden:
        return False
    return True


def centres_of(*, actor: Actor, all_centres: list[str]) -> list[str]:
    """The centres whose selection list the actor may open: their own; administrators
    every centre."""
    if actor.is_system or actor.has_role(Role.ADMIN):
        return list(all_centres)
    return [code for code in all_centres if code in actor.centres]


def visible_workplaces(*, actor: Actor, owner: str) -> QuerySet[Workplace, Any]:
    """The keys of ``owner``'s workplaces whose scores the actor may see (a values
    queryset, for use as an ``__in`` subquery)."""
    rows = Workplace.objects.filter(owner__code=owner)
    return scoped(rows, actor=actor).values("workplace_id")


def shown_fields(*, actor: Actor, owner: str) -> frozenset[str] | None:
    """Which fields of ``owner``'s workplace records a list may show the actor (None: all).

    Own agency: all. Otherwise conservative: when any of the actor's rules for the owner
    limits the fields, only the fields every such limited rule allows (a list shows many
    rows and does not ask, row by row, which rule opened each)."""
    limited: list[frozenset[str]] = []
    for grant in policy.grants(actor=actor, category="company"):
        if grant.owner != owner:
            continue
        if grant.is_own:
            return None
        if grant.fields is not None:
            limited.append(grant.fields)
    if not limited:
        return None
    return frozenset.intersection(*limited)


def may_plan(*, actor: Actor, centre: str) -> bool:
    """Adding to the plan creates a draft control: the centre's coordinators (and
    administrators), as the controls app decides."""
    from akrim.controls.policies import may_coordinate

    return may_use(actor=actor) and may_coordinate(actor=actor, centre=centre)
