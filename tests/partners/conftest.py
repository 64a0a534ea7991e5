"""Partners fixtures: the cast, organisations with contacts, Stockholm's and the national
forum, and a meeting at Stockholm."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone

from akrim.core.actor import Actor
from akrim.organisation.services import create_staff
from akrim.partners import services
from akrim.partners.models import Contact, Forum, Meeting, Organisation
from tests.cast import PASSWORD, Cast

TODAY = dt.date(2025, 5, 6)


def at(day: dt.date, hour: int = 9) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


@dataclass(frozen=True)
class Partners:
    union: Organisation
    employer: Organisation
    southern: Organisation  # regional, Syd only
    shop_steward: Contact  # at the union, has an e-mail address
    adviser: Contact  # at the employer organisation, no e-mail address
    stockholm: Forum
    national: Forum
    meeting: Meeting


@pytest.fixture
def partners(cast: Cast) -> Partners:
    coordinator = cast.actor("coordinator")
    system = Actor.system()
    create_staff(
        actor=system,
        username="national_coordinator",
        password=PASSWORD,
        agency="AV",
        centres=[],
        roles=["coordinator"],
    )
    union = services.create_organisation(
        actor=coordinator, kind="union", name="Demo Union of Builders", scope="national"
    )
    employer = services.create_organisation(
        actor=coordinator,
        kind="employer",
        name="Demo Employers Stockholm",
        scope="regional",
        centres=["stockholm"],
    )
    southern = services.create_organisation(
        actor=system, kind="other", name="Demo Council Syd", scope="regional", centres=["syd"]
    )
    steward = services.add_contact(
        actor=coordinator,
        organisation_id=union.pk,
        fields=services.ContactFields(
            name="Kim Exempelsson", role="shop steward", email="kim@example.org"
        ),
    )
    adviser = services.add_contact(
        actor=coordinator,
        organisation_id=employer.pk,
        fields=services.ContactFields(name="Alex Provsson", role="adviser", phone="+46 8 123 45"),
    )
    stockholm = services.open_forum(actor=coordinator, centre="stockholm")
    services.set_members(
        actor=coordinator, forum_id=stockholm.pk, organisation_ids=[union.pk, employer.pk]
    )
    national = services.open_forum(actor=system, centre=None)
    services.set_members(actor=system, forum_id=national.pk, organisation_ids=[union.pk])
    meeting = services.create_meeting(
        actor=coordinator,
        forum_id=stockholm.pk,
        fields=services.MeetingFields(
            starts_at=at(TODAY - dt.timedelta(days=7)),
            place="Centre office",
            agenda="1. Cleaning sector",
            contact_ids=[steward.pk, adviser.pk],
            staff=["skv_inspector"],
        ),
    )
    return Partners(
        union=union,
        employer=employer,
        southern=southern,
        shop_steward=steward,
        adviser=adviser,
        stockholm=stockholm,
        national=national,
        meeting=meeting,
    )
