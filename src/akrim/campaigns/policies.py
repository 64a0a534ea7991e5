"""Who may plan and edit campaigns, and who may read them and their evaluations.

Campaigns hold no personal data (responses are anonymous, figures are aggregates).
Communicators plan and edit every campaign; coordinators those that run in one of their
centres; administrators all. National readers and analysts read every campaign and its
evaluation. Anyone else does not see campaigns at all (not found).
"""

from __future__ import annotations

from django.db.models import QuerySet

from akrim.campaigns.models import Campaign
from akrim.core.actor import Actor, Role

EDITORS = (Role.COMMUNICATOR, Role.COORDINATOR, Role.ADMIN)
READERS = (*EDITORS, Role.NATIONAL_READER, Role.ANALYST)


def may_read(actor: Actor) -> bool:
    return actor.has_role(*READERS)


def may_plan(actor: Actor) -> bool:
    """May plan a new campaign (a coordinator only in their own centres)."""
    return actor.has_role(*EDITORS)


def may_plan_in(actor: Actor, centre_codes: set[str]) -> bool:
    """May plan a campaign running in these centres."""
    if actor.has_role(Role.COMMUNICATOR, Role.ADMIN):
        return True
    return actor.has_role(Role.COORDINATOR) and bool(centre_codes & set(actor.centres))


def may_edit(actor: Actor, campaign: Campaign) -> bool:
    if actor.has_role(Role.COMMUNICATOR, Role.ADMIN):
        return True
    if not actor.has_role(Role.COORDINATOR):
        return False
    return campaign.centres.filter(code__in=actor.centres).exists()


def visible(qs: QuerySet[Campaign], *, actor: Actor) -> QuerySet[Campaign]:
    """The campaigns the actor may see: all for readers, none for anyone else."""
    return qs if may_read(actor) else qs.none()
