"""Narrow register querysets to what the actor may read (decided in ``akrim.access``)."""

from __future__ import annotations

from typing import TypeVar

from django.db.models import Model, QuerySet

from akrim.access.policy import readable_owner_codes
from akrim.core.actor import Actor

M = TypeVar("M", bound=Model)


def scoped(queryset: QuerySet[M], *, actor: Actor) -> QuerySet[M]:
    """Only the rows whose owner agency the actor may read; none when the actor may read none."""
    owners = readable_owner_codes(actor=actor)
    if not owners:
        return queryset.none()
    return queryset.filter(owner__code__in=owners)
