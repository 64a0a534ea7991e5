"""Reads of the access app: review tasks for the owning agency's auditor."""

from __future__ import annotations

from django.db.models import QuerySet

from akrim.access.models import ReviewTask
from akrim.core.actor import Actor, Role
from akrim.core.errors import Forbidden


def list_review_tasks(*, actor: Actor) -> QuerySet[ReviewTask]:
    """Emergency accesses to the auditor's agency's records, open ones first.

    Only data-protection auditors; raises Forbidden for everyone else.
    """
    if not actor.has_role(Role.DP_AUDITOR) or not actor.agency:
        raise Forbidden()
    return (
        ReviewTask.objects.filter(owner__code=actor.agency)
        .select_related("access__user", "access__agency", "reviewed_by")
        .order_by("status", "-access__started_at")[:200]
    )
