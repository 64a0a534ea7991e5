"""The demo partners: fictional bodies, a forum per centre and a national one, re-runnable."""

from __future__ import annotations

import datetime as dt

from akrim.organisation.models import Centre
from akrim.partners import queries
from akrim.partners.demo import seed_demo_partners
from akrim.partners.models import ActionItem, Forum, Meeting, Organisation
from tests.cast import Cast

TODAY = dt.date(2025, 5, 6)


def test_demo_partners_are_seeded_once(cast: Cast) -> None:
    opened = seed_demo_partners(today=TODAY, coordinators={"stockholm": "coordinator"})
    centres = Centre.objects.count()
    assert opened == centres + 1
    assert Forum.objects.filter(national=True).count() == 1
    assert Meeting.objects.count() == centres + 1
    assert all(m.starts_at.date() < TODAY for m in Meeting.objects.all())
    stockholm = ActionItem.objects.get(meeting__forum__centre__code="stockholm")
    assert stockholm.owner_user is not None
    assert stockholm.owner_user.username == "coordinator"
    assert ActionItem.objects.filter(owner_contact__isnull=False).count() == centres
    assert all("demo" in o.name.lower() for o in Organisation.objects.all())
    assert seed_demo_partners(today=TODAY) == 0
    assert Meeting.objects.count() == centres + 1
    items = queries.reminders(actor=cast.actor("coordinator"), day=TODAY).items
    assert [i.pk for i in items] == [stockholm.pk]
