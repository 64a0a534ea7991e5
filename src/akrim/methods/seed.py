"""The demo handbook: four methods the centres actually work by, linked to the shipped
checklists, written and moved on through the services (so the audit log has them)."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import User
from django.utils import timezone

from akrim.controls.models import Checklist
from akrim.core.actor import Actor
from akrim.methods import services
from akrim.methods.models import Adoption, AdoptionStatus, Method, MethodStatus, MethodVersion
from akrim.organisation.queries import actor_for_user

PLAN = """Purpose: a joint control where every agency knows its part before the day.

1. Choose the workplace from the selection list or a tip; check that no other centre has
   planned it and that the site is open at the planned time.
2. Each participating agency checks its own registers (pre-checks) and records what it
   may share under the sharing rules.
3. Name the lead agency. It leads the briefing and speaks for the team on site.
4. Make the safety assessment: known threats, dogs, weapons, whether the police must be
   present. Update it the day before.
5. Put the team together: at least one person per agency, and someone with a valid
   trafficking-indicator course.
6. Brief the whole team the day before: roles, the order of the checks, the interpreter,
   where to meet, how to withdraw.
7. After the control: each agency records its findings and decisions, and the team
   records what worked and what did not as a lesson."""

INTERPRETER = """Purpose: the worker understands and is understood, and can speak freely.

1. Book an authorised interpreter for the language the worker prefers, not the
   employer's choice; telephone or video is acceptable when no one can come on site.
2. Never use the employer, a foreman or a colleague as interpreter.
3. Speak to the worker alone, out of sight and hearing of the employer.
4. Explain who you are, which agency you come from, and that the conversation is about
   working conditions, in short sentences, one question at a time.
5. Ask open questions about hours, pay, housing, documents and debts.
6. Write down answers as given, with the interpreter's name and booking number."""

TRAFFICKING = """Purpose: signs of trafficking for labour are acted on the same day.

1. Look for the ILO indicators: withheld wages, retained identity documents, debt,
   restricted movement, isolation, threats, excessive overtime, housing by the employer.
2. Record each indicator seen for the person met; one indicator is a reason to ask more,
   several together are a reason to act.
3. Tell the police team member at once; the police decide on a crime report and on
   immediate protection.
4. Offer the person support: the regional coordinator against prostitution and human
   trafficking, and shelter where needed.
5. Do not confront the employer with what the worker said."""

LEDGER = """Purpose: a staff-ledger (personalliggare) check that holds up in a decision.

1. Ask for the ledger as soon as you arrive; note the time it was shown.
2. Count and identify everyone present before they can leave.
3. Compare those present with the ledger: name, identity number, times in and out.
4. For construction sites: check that the start of building work was registered.
5. Record the result (present and complete, incomplete, missing) and the number of
   people not recorded; Skatteverket decides on a control fee afterwards."""

LEDGER_V2 = LEDGER.replace(
    "2. Count and identify everyone present before they can leave.",
    "2. Count and identify everyone present before they can leave; post a colleague at "
    "each exit first.",
)

# title, owner agency, owner username, body, checklist (agency, code) pairs, status
METHODS: list[tuple[str, str, str, str, list[tuple[str, str]], MethodStatus]] = [
    (
        "How to plan a joint control",
        "AV",
        "samordnare.av",
        PLAN,
        [("AV", "arbetsmiljo"), ("SKV", "personalliggare"), ("POL", "inre-utlanningskontroll")],
        MethodStatus.ESTABLISHED,
    ),
    (
        "Interviewing a worker through an interpreter",
        "AV",
        "samordnare.av",
        INTERPRETER,
        [("JAMY", "manniskoexploatering")],
        MethodStatus.TESTED,
    ),
    (
        "Acting on signs of trafficking",
        "POL",
        "inspektor.pol",
        TRAFFICKING,
        [("JAMY", "manniskoexploatering"), ("POL", "inre-utlanningskontroll")],
        MethodStatus.ESTABLISHED,
    ),
    (
        "Staff-ledger check",
        "SKV",
        "inspektor.skv",
        LEDGER,
        [("SKV", "personalliggare")],
        MethodStatus.ESTABLISHED,
    ),
]

# method title -> (agency, adoption status, months ago, evidence)
ADOPTION: dict[str, list[tuple[str, AdoptionStatus, int, str]]] = {
    "How to plan a joint control": [
        ("AV", AdoptionStatus.ORDINARY, 10, "Part of AV's inspection manual, chapter 4."),
        ("POL", AdoptionStatus.ORDINARY, 8, "In the police regions' local instructions."),
        ("SKV", AdoptionStatus.IN_PROGRESS, 3, "Being written into the control handbook."),
    ],
    "Staff-ledger check": [
        ("SKV", AdoptionStatus.ORDINARY, 12, "Skatteverket's staff-ledger guideline."),
        ("AV", AdoptionStatus.IN_PROGRESS, 2, "Piloted in the Stockholm and Syd centres."),
    ],
    "Acting on signs of trafficking": [
        ("POL", AdoptionStatus.ORDINARY, 6, "National police routine for labour trafficking."),
        ("JAMY", AdoptionStatus.ORDINARY, 6, "Used in the national support programme."),
        ("MV", AdoptionStatus.NOT_STARTED, 1, ""),
    ],
}


def _actor(username: str) -> Actor | None:
    user = User.objects.filter(username=username, is_active=True).first()
    return actor_for_user(user) if user is not None else None


def seed_demo_methods(*, coordinator: str = "samordnare.av", admin: str = "admin") -> int:
    """Add the demo methods that are not there yet (re-runnable). Returns how many."""
    writer, administrator = _actor(coordinator), _actor(admin)
    if writer is None or administrator is None:
        return 0
    added = 0
    today = timezone.localdate()
    for title, agency, owner, body, lists, status in METHODS:
        if Method.objects.filter(title=title).exists() or _actor(owner) is None:
            continue
        ids = [
            c.pk
            for c in Checklist.objects.select_related("owner").filter(
                owner__code__in=[a for a, _ in lists]
            )
            if (c.owner.code, c.code) in lists
        ]
        method = services.create_method(
            actor=writer, title=title, body=body, owner_agency=agency, owner=owner, checklists=ids
        )
        if body == LEDGER:
            services.revise_method(
                actor=writer,
                method_id=method.pk,
                base=1,
                body=LEDGER_V2,
                summary="Post a colleague at each exit before counting.",
                checklists=ids,
            )
        for to in (MethodStatus.TESTED, MethodStatus.ESTABLISHED):
            if MethodStatus.values.index(to) <= MethodStatus.values.index(status):
                services.move_method_status(actor=writer, method_id=method.pk, to=to)
        _backdate(method.pk, today)
        for code, state, months, evidence in ADOPTION.get(title, []):
            since = today - dt.timedelta(days=30 * months)
            adoption = services.record_adoption(
                actor=administrator,
                method_id=method.pk,
                agency=code,
                status=state,
                since=since,
                evidence=evidence,
            )
            Adoption.objects.filter(pk=adoption.pk).update(recorded_at=_at(since))
        added += 1
    return added


def _at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10)))


def _backdate(method_id: int, today: dt.date) -> None:
    """A demo handbook with a history: written two years ago, tested and established
    before the agencies' adoption records (at most a year old), so reports for earlier
    periods show the methods as they were then."""
    method = Method.objects.get(pk=method_id)
    moments = {
        "created_at": _at(today - dt.timedelta(days=730)),
        "tested_at": _at(today - dt.timedelta(days=540)) if method.tested_at else None,
        "established_at": _at(today - dt.timedelta(days=420)) if method.established_at else None,
    }
    last = moments["established_at"] or moments["tested_at"] or moments["created_at"]
    Method.objects.filter(pk=method_id).update(status_changed_at=last, **moments)
    MethodVersion.objects.filter(method_id=method_id, number=1).update(
        created_at=moments["created_at"]
    )
