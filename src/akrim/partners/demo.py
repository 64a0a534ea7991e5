"""Demo partners for ``akrim demo setup``: fictional union and employer bodies (no real
organisations, no real persons), the national forum and one per centre, each with a past
meeting and an open action item. Re-runnable: a forum that exists is left alone."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.utils import timezone

from akrim.core.actor import Actor
from akrim.organisation.models import Centre
from akrim.partners import services
from akrim.partners.models import Forum, Organisation

# name, kind, scope, centre codes (regional), fictional contact
DEMO_ORGANISATIONS: list[tuple[str, str, str, list[str], tuple[str, str, str]]] = [
    (
        "Exempelförbundet Bygg (demo)",
        "union",
        "national",
        [],
        ("Kim Exempelsson", "ombudsman", "kim.exempelsson@example.org"),
    ),
    (
        "Servicefacket Demo",
        "union",
        "national",
        [],
        ("Robin Demosdotter", "regional safety representative", "robin@example.org"),
    ),
    (
        "Arbetsgivarföreningen Exempelbygg (demo)",
        "employer",
        "national",
        [],
        ("Alex Provsson", "labour law adviser", "alex.provsson@example.org"),
    ),
    (
        "Restaurangarbetsgivarna Demo",
        "employer",
        "national",
        [],
        ("Sam Testberg", "regional manager", "sam.testberg@example.org"),
    ),
    (
        "Transportfacket Exempel Syd (demo)",
        "union",
        "regional",
        ["syd", "vast"],
        ("Eli Fiktivsson", "union representative", "eli@example.org"),
    ),
    (
        "Städföretagen Demo Stockholm",
        "employer",
        "regional",
        ["stockholm"],
        ("Noa Påhittad", "chair", "noa@example.org"),
    ),
]


def seed_demo_partners(*, today: dt.date, coordinators: dict[str, str] | None = None) -> int:
    """Create what is missing; returns how many forums were opened. ``coordinators``
    maps a centre code to the username who owns the demo action item there."""
    actor = Actor.system()
    for name, kind, scope, centres, (person, role, email) in DEMO_ORGANISATIONS:
        if Organisation.objects.filter(name=name).exists():
            continue
        known = list(Centre.objects.filter(code__in=centres).values_list("code", flat=True))
        organisation = services.create_organisation(
            actor=actor,
            kind=kind,
            name=name,
            scope=scope if known or scope == "national" else "national",
            centres=known,
        )
        services.add_contact(
            actor=actor,
            organisation_id=organisation.pk,
            fields=services.ContactFields(name=person, role=role, email=email),
        )
    opened = 0
    targets: list[Centre | None] = [None, *Centre.objects.all()]
    for centre in targets:
        if Forum.objects.filter(centre=centre, national=centre is None).exists():
            continue
        forum = services.open_forum(actor=actor, centre=centre.code if centre else None)
        _first_meeting(actor, forum, today, (coordinators or {}).get(centre.code if centre else ""))
        opened += 1
    return opened


def _first_meeting(actor: Actor, forum: Forum, today: dt.date, owner: str | None) -> None:
    members = Organisation.objects.filter(scope="national")
    if forum.centre is not None:
        members = members | Organisation.objects.filter(centres=forum.centre)
    ids = list(members.distinct().values_list("pk", flat=True))
    services.set_members(actor=actor, forum_id=forum.pk, organisation_ids=ids)
    contacts = list(forum.members.values_list("contacts__pk", flat=True))
    starts = timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=30), dt.time(9)))
    meeting = services.create_meeting(
        actor=actor,
        forum_id=forum.pk,
        fields=services.MeetingFields(
            starts_at=starts,
            place="Centre office" if forum.centre else "Online",
            agenda="1. Situation in the region\n2. Joint controls this season\n3. Referrals",
            minutes="The partners described undeclared work in cleaning and construction. "
            "The centre presented last quarter's joint controls.",
            decisions="The centre sends the partners its information material in five "
            "languages before the next meeting.",
            contact_ids=[c for c in contacts if c is not None],
        ),
    )
    services.add_action_item(
        actor=actor,
        meeting_id=meeting.pk,
        description="Send the information material to the partners.",
        deadline=today + dt.timedelta(days=5),
        owner_username=owner or "",
        owner_contact_id=None if owner else _any_contact(contacts),
    )


def _any_contact(contacts: Sequence[int | None]) -> int | None:
    return next((c for c in contacts if c is not None), None)
