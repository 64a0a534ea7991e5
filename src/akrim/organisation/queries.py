"""Reads of the organisation: actors, centres, memberships over time."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Prefetch, QuerySet

from akrim.core.actor import Actor, Purpose, Role
from akrim.organisation.models import Agency, Centre, Membership, MembershipDeadline, Staff


def actor_for_user(
    user: AbstractBaseUser | AnonymousUser,
    *,
    purpose: Purpose = Purpose.ANALYSIS,
    request_id: str = "",
) -> Actor:
    """Build the Actor of a signed-in user; an inactive or non-staff user has no roles."""
    if not user.is_authenticated or not user.is_active:
        return Actor(user_id=None, username="anonymous", agency=None, request_id=request_id)
    staff = (
        Staff.objects.select_related("agency")
        .prefetch_related("centres")
        .filter(user_id=user.pk)
        .first()
    )
    if staff is None:
        return Actor(
            user_id=user.pk,
            username=user.get_username(),
            agency=None,
            request_id=request_id,
            purpose=purpose,
        )
    return Actor(
        user_id=user.pk,
        username=user.get_username(),
        agency=staff.agency.code,
        centres=frozenset(c.code for c in staff.centres.all()),
        roles=frozenset(Role(r) for r in staff.roles),
        purpose=purpose,
        request_id=request_id,
    )


def list_agencies() -> QuerySet[Agency]:
    return Agency.objects.order_by("code")


def current_deadline() -> MembershipDeadline | None:
    return MembershipDeadline.objects.order_by("-set_at", "-id").first()


@dataclass(frozen=True)
class CentreMembership:
    """A centre's agency membership over time, and what the deadline flags."""

    centre: Centre
    memberships: list[Membership]
    members_today: list[str]
    missing: list[Agency]  # not a member today although the deadline has passed
    late: list[Membership]  # joined after the deadline


def membership_overview(*, today: dt.date) -> tuple[list[CentreMembership], dt.date | None]:
    """Every centre with its memberships over time, flagged against the deadline in force.

    Organisation facts are not personal data: any signed-in member of staff may read them.
    """
    deadline_row = current_deadline()
    deadline = deadline_row.deadline if deadline_row else None
    agencies = list(list_agencies())
    centres = Centre.objects.prefetch_related(
        Prefetch("memberships", queryset=Membership.objects.select_related("agency"))
    ).order_by("opened_on", "name")
    overview = []
    for centre in centres:
        memberships = list(centre.memberships.all())
        active_today = {m.agency_id for m in memberships if m.active_on(today)}
        missing, late = [], []
        if deadline is not None and deadline < today:
            missing = [a for a in agencies if a.pk not in active_today]
        if deadline is not None:
            late = [m for m in memberships if m.joined_on > deadline]
        members_today = sorted(a.code for a in agencies if a.pk in active_today)
        overview.append(CentreMembership(centre, memberships, members_today, missing, late))
    return overview, deadline
