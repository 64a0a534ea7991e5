"""Reads of joint controls, always through ``policies.visible``: outside the actor's
scope a control does not exist. Controls themselves hold no register personal data (the
workplaces are keys; register details are read through ``akrim.registry.queries``), so
these reads are not audited."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet

from akrim.controls import policies
from akrim.controls.models import Control, Participation, Status, TeamMember
from akrim.core.actor import Actor
from akrim.core.errors import InvalidInput, NotFound


@dataclass(frozen=True)
class ControlFilters:
    """What a list of controls may be narrowed by; None = no narrowing."""

    centre: str | None = None  # centre code
    status: str | None = None
    agency: str | None = None  # a participating agency's code
    workplace_id: str | None = None
    starts_from: dt.datetime | None = None
    starts_before: dt.datetime | None = None


def _with_details(queryset: QuerySet[Control]) -> QuerySet[Control]:
    """Everything a control page or list row shows, in a fixed number of queries."""
    return queryset.select_related("centre", "lead_agency", "created_by").prefetch_related(
        Prefetch(
            "participations",
            queryset=Participation.objects.select_related("agency").order_by("agency__code"),
        ),
        Prefetch(
            "team",
            queryset=TeamMember.objects.select_related("user", "agency").order_by(
                "agency__code", "user__username"
            ),
        ),
        "workplaces",
    )


def get_control(*, actor: Actor, id: int) -> Control:
    """One control with its workplaces, agencies and team.

    Raises NotFound when it does not exist or lies outside the actor's scope.
    """
    control = _with_details(policies.visible(Control.objects.all(), actor=actor)).filter(pk=id)
    found = control.first()
    if found is None:
        raise NotFound()
    return found


def list_controls(*, actor: Actor, filters: ControlFilters | None = None) -> QuerySet[Control]:
    """The controls the actor may see, by start time, details prefetched.

    Raises InvalidInput for an unknown status.
    """
    filters = filters or ControlFilters()
    narrowed = Q()
    if filters.centre:
        narrowed &= Q(centre__code=filters.centre.lower())
    if filters.status:
        if filters.status not in Status.values:
            raise InvalidInput("Unknown status %(status)s.", status=filters.status[:20])
        narrowed &= Q(status=filters.status)
    if filters.agency:
        parts = Participation.objects.filter(agency__code=filters.agency.upper())
        narrowed &= Q(pk__in=parts.values("control_id"))
    if filters.workplace_id:
        narrowed &= Q(workplaces__workplace_id=filters.workplace_id)
    if filters.starts_from:
        narrowed &= Q(starts_at__gte=filters.starts_from)
    if filters.starts_before:
        narrowed &= Q(starts_at__lt=filters.starts_before)
    visible = policies.visible(Control.objects.all(), actor=actor)
    return _with_details(visible.filter(narrowed)).order_by("starts_at", "pk")
