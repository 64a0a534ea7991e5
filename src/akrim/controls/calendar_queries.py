"""Reads for the centre calendar and the personal iCalendar feeds.

The calendar shows a centre's controls by month or week, always through
``policies.visible``: drafts only to the centre's coordinators, cancelled controls never.
A feed lists one person's own controls (their team memberships) and is found by the
SHA-256 of the secret in its address. Controls hold no register personal data (the
workplaces are keys), so these reads are not audited.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from enum import StrEnum

from django.contrib.auth.models import User
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from akrim.controls import policies
from akrim.controls.models import IN_FORCE, CalendarFeed, Control, ControlWorkplace, Status
from akrim.core.actor import Actor, Role
from akrim.core.errors import InvalidInput, NotFound
from akrim.organisation.models import Centre

# The years a calendar page may show; outside them a date is a typing error.
FIRST_YEAR = 2000
LAST_YEAR = 2100

# No control lasts longer (services.lifecycle.MAX_DURATION; a test holds them together).
LONGEST = dt.timedelta(days=7)

# What a feed lists: from this many days back to this many days ahead.
FEED_PAST = dt.timedelta(days=60)
FEED_AHEAD = dt.timedelta(days=365)
FEED_TOKEN = re.compile(r"[A-Za-z0-9_-]{20,100}")


class View(StrEnum):
    MONTH = "month"
    WEEK = "week"


# --- the centre calendar ---------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """A control as the calendar shows it on one day."""

    control: Control
    starts: dt.datetime  # local time
    ends: dt.datetime  # local time
    workplaces: list[str]

    @property
    def is_draft(self) -> bool:
        return self.control.status == Status.DRAFT


@dataclass(frozen=True)
class Day:
    date: dt.date
    in_period: bool  # in the month shown (month view); always True in a week
    is_today: bool
    entries: list[Entry]


@dataclass(frozen=True)
class Week:
    year: int  # ISO year
    number: int  # ISO week number
    days: list[Day]


@dataclass(frozen=True)
class CalendarPage:
    centre: Centre
    centres: list[Centre]  # the centres the actor may choose
    view: View
    date: dt.date  # the day asked for
    first: dt.date  # the first day shown
    last: dt.date  # the last day shown
    weeks: list[Week]
    previous: dt.date
    next: dt.date
    today: dt.date
    shows_drafts: bool
    controls: int  # how many distinct controls the page shows


def parse_view(raw: str | None) -> View:
    """``month`` (default) or ``week``; anything else is InvalidInput."""
    if not raw:
        return View.MONTH
    try:
        return View(raw)
    except ValueError:
        raise InvalidInput(
            "Unknown calendar view %(view)s: choose month or week.", view=raw[:20]
        ) from None


def parse_day(raw: str | None, *, today: dt.date) -> dt.date:
    """A date as YYYY-MM-DD (default today), between FIRST_YEAR and LAST_YEAR."""
    if not raw:
        return today
    try:
        day = dt.date.fromisoformat(raw) if len(raw) == 10 else None
    except ValueError:
        day = None
    if day is None:
        raise InvalidInput("The date %(date)s is not a date as YYYY-MM-DD.", date=raw[:20])
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise InvalidInput(
            "Choose a date between %(first)s and %(last)s.", first=FIRST_YEAR, last=LAST_YEAR
        )
    return day


def calendar_centres(*, actor: Actor) -> list[Centre]:
    """The centres whose calendar the actor may open: their own centres; every centre for
    national readers and administrators."""
    centres = Centre.objects.order_by("name")
    if actor.has_role(Role.ADMIN, Role.NATIONAL_READER):
        return list(centres)
    return list(centres.filter(code__in=actor.centres))


def _choose_centre(actor: Actor, code: str | None, centres: list[Centre]) -> Centre:
    if not code:
        if not centres:
            raise NotFound("You belong to no centre, so there is no calendar to show.")
        return centres[0]
    for centre in centres:
        if centre.code == code.lower():
            return centre
    if not Centre.objects.filter(code=code.lower()).exists():
        raise InvalidInput("Unknown centre %(centre)s.", centre=code[:20])
    raise NotFound()


def _period(view: View, day: dt.date) -> tuple[dt.date, dt.date, dt.date, dt.date]:
    """(first day shown, last day shown, previous page's date, next page's date)."""
    if view == View.WEEK:
        monday = day - dt.timedelta(days=day.weekday())
        return monday, monday + dt.timedelta(days=6), day - dt.timedelta(7), day + dt.timedelta(7)
    first_of_month = day.replace(day=1)
    last_of_month = day.replace(day=calendar.monthrange(day.year, day.month)[1])
    first = first_of_month - dt.timedelta(days=first_of_month.weekday())
    last = last_of_month + dt.timedelta(days=6 - last_of_month.weekday())
    previous = (first_of_month - dt.timedelta(days=1)).replace(day=1)
    following = last_of_month + dt.timedelta(days=1)
    return first, last, previous, following


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone())


def _calendar_controls(
    actor: Actor, centre: Centre, first: dt.date, last: dt.date, drafts: bool
) -> QuerySet[Control]:
    statuses = set(IN_FORCE) | ({Status.DRAFT} if drafts else set())
    # The lower bound on the start lets the (centre, starts_at) index do the work: no
    # control lasts longer than LONGEST, so one starting earlier has ended.
    controls = Control.objects.filter(
        centre=centre,
        status__in=statuses,
        starts_at__gte=_midnight(first) - LONGEST,
        starts_at__lt=_midnight(last + dt.timedelta(days=1)),
        ends_at__gt=_midnight(first),
    )
    return (
        policies.visible(controls, actor=actor)
        .select_related("lead_agency")
        .prefetch_related(
            Prefetch(
                "workplaces", queryset=ControlWorkplace.objects.only("control", "workplace_id")
            )
        )
        .order_by("starts_at", "pk")
    )


def _by_day(
    controls: QuerySet[Control], first: dt.date, last: dt.date
) -> dict[dt.date, list[Entry]]:
    """Each control on every day it covers within the page (a control may span days)."""
    days: dict[dt.date, list[Entry]] = {}
    for control in controls:
        starts = timezone.localtime(control.starts_at)
        ends = timezone.localtime(control.ends_at)
        entry = Entry(
            control=control,
            starts=starts,
            ends=ends,
            workplaces=[w.workplace_id for w in control.workplaces.all()],
        )
        day = max(starts.date(), first)
        end = min((ends - dt.timedelta(microseconds=1)).date(), last)
        while day <= end:
            days.setdefault(day, []).append(entry)
            day += dt.timedelta(days=1)
    return days


def centre_calendar(
    *, actor: Actor, centre: str | None, view: View, day: dt.date, today: dt.date
) -> CalendarPage:
    """A centre's calendar for the month or week around ``day``.

    Any signed-in member of staff for their own centres (default: the first by name);
    national readers and administrators for every centre. Shows the controls visible to
    the actor that are in force; drafts too (marked) for the centre's coordinators.
    Raises InvalidInput for an unknown centre, NotFound for a centre the actor may not
    open (or when they belong to none).
    """
    centres = calendar_centres(actor=actor)
    chosen = _choose_centre(actor, centre, centres)
    first, last, previous, following = _period(view, day)
    drafts = policies.may_coordinate(actor=actor, centre=chosen.code)
    entries = _by_day(_calendar_controls(actor, chosen, first, last, drafts), first, last)
    weeks: list[Week] = []
    current = first
    while current <= last:
        iso = current.isocalendar()
        days = [
            Day(
                date=d,
                in_period=view == View.WEEK or d.month == day.month,
                is_today=d == today,
                entries=entries.get(d, []),
            )
            for d in (current + dt.timedelta(days=i) for i in range(7))
        ]
        weeks.append(Week(year=iso.year, number=iso.week, days=days))
        current += dt.timedelta(days=7)
    shown = {e.control.pk for found in entries.values() for e in found}
    return CalendarPage(
        centre=chosen,
        centres=centres,
        view=view,
        date=day,
        first=first,
        last=last,
        weeks=weeks,
        previous=previous,
        next=following,
        today=today,
        shows_drafts=drafts,
        controls=len(shown),
    )


# --- personal feeds --------------------------------------------------------------------


def feed_digest(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def get_own_feed(*, actor: Actor) -> CalendarFeed | None:
    """The actor's own feed, if they have one (only its creation time is shown)."""
    if actor.user_id is None:
        return None
    return CalendarFeed.objects.filter(user_id=actor.user_id).first()


@dataclass(frozen=True)
class Feed:
    """What a feed lists: the user's controls in the window, with their centres."""

    user: User
    controls: list[Control]


def get_feed(*, token: str, now: dt.datetime) -> Feed:
    """The feed whose address holds ``token``: the controls the user is in the team of,
    from ``FEED_PAST`` before ``now`` to ``FEED_AHEAD`` after, in force or cancelled
    (so that calendar clients remove cancelled ones); never drafts.

    No actor: the secret in the address is the credential (a calendar client cannot log
    in). The lookup is by the secret's digest, so no secret is compared character by
    character. Raises NotFound for an unknown or malformed token and for a user who is no
    longer active.
    """
    if not FEED_TOKEN.fullmatch(token):
        raise NotFound()
    feed = (
        CalendarFeed.objects.select_related("user")
        .filter(digest=feed_digest(token), user__is_active=True)
        .first()
    )
    if feed is None:
        raise NotFound()
    controls = (
        Control.objects.filter(
            team__user_id=feed.user_id,
            status__in=set(IN_FORCE) | {Status.CANCELLED},
            starts_at__gte=now - FEED_PAST,
            starts_at__lt=now + FEED_AHEAD,
        )
        .select_related("centre")
        .order_by("starts_at", "pk")
    )
    return Feed(user=feed.user, controls=list(controls))
