"""Upcoming joint controls for the demo, so that the calendar and the feeds show something.

Plans a control on every Tuesday and Thursday of the next four weeks at the Stockholm
centre, with AV (lead), POL and SKV, through the real services (``plan_control``,
``assign_team_member``) as the demo coordinator. Re-runnable: a slot (day and time) that
already has a demo control is left as it is, and the workplace of a slot depends only on
its date, so a run on another day adds only the slots that are new.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.contrib.auth.models import User

from akrim.controls import services
from akrim.controls.models import IN_FORCE, Control
from akrim.core.actor import Actor
from akrim.core.errors import DomainError
from akrim.engines.exchange.opening_hours import OpeningHoursError, parse_opening_hours
from akrim.organisation.queries import actor_for_user
from akrim.registry.models import Workplace

CENTRE = "stockholm"
STOCKHOLM_COUNTY = "01"  # the first two digits of the municipality codes of Stockholms län
COORDINATOR = "samordnare.av"
AGENCIES = ["AV", "POL", "SKV"]
DAYS_AHEAD = 28
PURPOSE = "Demo: staff ledger, right to work and work environment at the site."

# weekday -> (start hour, end hour, team)
SLOTS: dict[int, tuple[int, int, list[str]]] = {
    1: (9, 12, ["inspektor.av", "inspektor.pol", "inspektor.skv"]),  # Tuesday
    3: (13, 16, ["inspektor.av", "inspektor.skv"]),  # Thursday
}
SWEDISH_TIME = ZoneInfo("Europe/Stockholm")


@dataclass(frozen=True)
class DemoControls:
    planned: int
    kept: int  # slots that already had their control
    skipped: int  # slots with no open workplace or refused by a service


def _slots(today: dt.date) -> list[tuple[dt.datetime, dt.datetime, list[str]]]:
    found = []
    for offset in range(1, DAYS_AHEAD + 1):
        day = today + dt.timedelta(days=offset)
        if day.weekday() in SLOTS:
            start, end, team = SLOTS[day.weekday()]
            found.append(
                (
                    dt.datetime.combine(day, dt.time(start), tzinfo=SWEDISH_TIME),
                    dt.datetime.combine(day, dt.time(end), tzinfo=SWEDISH_TIME),
                    team,
                )
            )
    return found


def _open_site(candidates: list[Workplace], starts: dt.datetime, ends: dt.datetime) -> str | None:
    """A workplace open for the whole slot, chosen by the date (so the same every run)."""
    if not candidates:
        return None
    first = starts.date().toordinal() * 7919 % len(candidates)
    for step in range(len(candidates)):
        site = candidates[(first + step) % len(candidates)]
        try:
            if parse_opening_hours(site.opening_hours).covers(starts, ends):
                return site.workplace_id
        except (OpeningHoursError, ValueError):
            continue
    return None


def plan_demo_controls(*, today: dt.date) -> DemoControls:
    """Plan the demo's upcoming controls (see the module docstring); returns counts."""
    coordinator = User.objects.filter(username=COORDINATOR, is_active=True).first()
    if coordinator is None:
        return DemoControls(planned=0, kept=0, skipped=0)
    actor = actor_for_user(coordinator)
    candidates = list(
        Workplace.objects.filter(municipality__startswith=STOCKHOLM_COUNTY).order_by("workplace_id")
    )
    planned = kept = skipped = 0
    for starts, ends, team in _slots(today):
        existing = Control.objects.filter(
            centre__code=CENTRE, starts_at=starts, purpose=PURPOSE, status__in=IN_FORCE
        ).first()
        if existing is not None:
            kept += 1
            _staff(actor, existing, team)
            continue
        key = _open_site(candidates, starts, ends)
        if key is None:
            skipped += 1
            continue
        try:
            control = services.plan_control(
                actor=actor,
                centre=CENTRE,
                lead_agency="AV",
                agencies=AGENCIES,
                workplaces=[key],
                starts_at=starts,
                ends_at=ends,
                purpose=PURPOSE,
            )
        except DomainError:
            skipped += 1
            continue
        planned += 1
        _staff(actor, control, team)
    return DemoControls(planned=planned, kept=kept, skipped=skipped)


def _staff(actor: Actor, control: Control, team: list[str]) -> None:
    """Put the demo inspectors in the team; those already in it, or booked elsewhere at
    that time, are left out (the services say why; the demo needs no more)."""
    present = set(control.team.values_list("user__username", flat=True))
    for username in team:
        if username in present or not User.objects.filter(username=username).exists():
            continue
        try:
            services.assign_team_member(actor=actor, control_id=control.pk, username=username)
        except DomainError:
            continue
