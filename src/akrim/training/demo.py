"""Demo training for ``akrim demo setup``: sessions at the Stockholm centre — two held
(attended and completed, one absence), one whose completions expire soon, one to come —
and the centre's staffing rule on the trafficking course, so coverage, expiring
certificates, certificates and the staffing warning all have something to show.
Re-runnable: nothing is added once the centre has a session."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import User

from akrim.organisation.queries import actor_for_user
from akrim.training import services
from akrim.training.models import Session, StaffingRule

CENTRE = "stockholm"
COORDINATOR = "samordnare.av"

# course, days from today (negative: held), place, trainers, (username, attended) enrolled
SESSIONS: list[tuple[str, int, str, list[str], list[tuple[str, bool]]]] = [
    (
        "trafficking-indicators",
        -75,
        "Polisens lokaler, Kungsholmen",
        ["inspektor.pol"],
        [("inspektor.skv", True), ("inspektor.av", True), ("analytiker.skv", False)],
    ),
    (
        "staff-ledger-control",
        -40,
        "",  # online
        ["inspektor.skv"],
        [("inspektor.av", True), ("inspektor.pol", True)],
    ),
    (
        "inspector-safety",
        -340,  # valid 12 months: these completions expire within the coming weeks
        "Arbetsmiljöverket, Stockholm",
        ["inspektor.av"],
        [("inspektor.skv", True), ("inspektor.pol", True)],
    ),
    ("joint-control-method", 21, "Stockholmscentret", ["samordnare.av"], [("inspektor.av", False)]),
]

RULE = "Varje kontrollteam har någon med giltig kurs i att känna igen människohandel"


def seed_demo_training(*, today: dt.date) -> int:
    """The demo sessions; returns how many were added (0 when the centre has sessions or
    the demo users are missing)."""
    users = {u.username: u for u in User.objects.filter(is_active=True)}
    if COORDINATOR not in users or Session.objects.filter(centre__code=CENTRE).exists():
        return 0
    coordinator = actor_for_user(users[COORDINATOR])
    added = 0
    for course, days, place, trainers, enrolled in SESSIONS:
        held_on = today + dt.timedelta(days=days)
        session = services.create_session(
            actor=coordinator,
            course=course,
            centre=CENTRE,
            held_on=held_on,
            capacity=12,
            place=place,
            online=not place,
            trainers=[t for t in trainers if t in users],
        )
        for username, attended in enrolled:
            if username not in users:
                continue
            enrolment = services.enrol(actor=actor_for_user(users[username]), session_id=session.pk)
            if days < 0:
                services.record_result(
                    actor=coordinator,
                    enrolment_id=enrolment.pk,
                    attended=attended,
                    completed_on=held_on if attended else None,
                )
        added += 1
    if not StaffingRule.objects.filter(centre__code=CENTRE).exists():
        services.add_staffing_rule(
            actor=coordinator, centre=CENTRE, course="trafficking-indicators", name=RULE
        )
    return added
