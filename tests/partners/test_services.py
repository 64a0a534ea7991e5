"""Services: who runs which forum, organisations and contacts, meetings, action items."""

from __future__ import annotations

import datetime as dt

import pytest

from akrim.audit.models import AuditEntry
from akrim.core.actor import Actor
from akrim.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from akrim.partners import queries, services
from akrim.partners.models import ActionItem, Forum
from tests.cast import Cast
from tests.partners.conftest import TODAY, Partners, at


def fields(**kw: object) -> services.MeetingFields:
    values: dict[str, object] = {"starts_at": at(TODAY)}
    values.update(kw)
    return services.MeetingFields(**values)  # type: ignore[arg-type]


def national_coordinator() -> Actor:
    from django.contrib.auth.models import User

    from akrim.organisation.queries import actor_for_user

    return actor_for_user(User.objects.get(username="national_coordinator"))


def test_a_centre_coordinator_opens_only_their_centres_forum(cast: Cast) -> None:
    coordinator = cast.actor("coordinator")
    forum = services.open_forum(actor=coordinator, centre="stockholm")
    assert forum.centre is not None
    assert forum.centre.code == "stockholm"
    assert not forum.national
    with pytest.raises(Conflict):
        services.open_forum(actor=coordinator, centre="stockholm")
    with pytest.raises(Forbidden):
        services.open_forum(actor=coordinator, centre="syd")
    with pytest.raises(Forbidden):
        services.open_forum(actor=coordinator, centre=None)
    with pytest.raises(Forbidden):
        services.open_forum(actor=cast.actor("skv_inspector"), centre="stockholm")
    with pytest.raises(InvalidInput):
        services.open_forum(actor=coordinator, centre="atlantis")


def test_the_national_forum_is_run_by_national_coordinators_and_admins(
    partners: Partners, cast: Cast
) -> None:
    national = national_coordinator()
    meeting = services.create_meeting(
        actor=national, forum_id=partners.national.pk, fields=fields(place="Online")
    )
    assert meeting.forum == partners.national
    services.create_meeting(
        actor=cast.actor("admin"), forum_id=partners.national.pk, fields=fields()
    )
    # A centre's coordinator reads the national forum but does not run it.
    with pytest.raises(Forbidden):
        services.create_meeting(
            actor=cast.actor("coordinator"), forum_id=partners.national.pk, fields=fields()
        )
    # An inspector does not even see it.
    with pytest.raises(NotFound):
        services.create_meeting(
            actor=cast.actor("skv_inspector"), forum_id=partners.national.pk, fields=fields()
        )
    # ... and the national coordinator does not run Stockholm's.
    with pytest.raises(Forbidden):
        services.create_meeting(actor=national, forum_id=partners.stockholm.pk, fields=fields())


def test_only_one_national_forum(partners: Partners) -> None:
    with pytest.raises(Conflict):
        services.open_forum(actor=Actor.system(), centre=None)
    assert Forum.objects.filter(national=True).count() == 1


def test_other_centre_and_read_only_staff_cannot_write_meetings(
    partners: Partners, cast: Cast
) -> None:
    with pytest.raises(NotFound):
        services.create_meeting(
            actor=cast.actor("other_centre"), forum_id=partners.stockholm.pk, fields=fields()
        )
    for reader in ("skv_inspector", "national_reader", "skv_auditor"):
        with pytest.raises(Forbidden):
            services.update_meeting(
                actor=cast.actor(reader), meeting_id=partners.meeting.pk, fields=fields()
            )


def test_meeting_participants_must_belong_to_the_forum(partners: Partners, cast: Cast) -> None:
    coordinator = cast.actor("coordinator")
    outsider = services.add_contact(
        actor=Actor.system(),
        organisation_id=partners.southern.pk,
        fields=services.ContactFields(name="Eli Fiktivsson"),
    )
    with pytest.raises(InvalidInput, match="not a contact of the forum"):
        services.create_meeting(
            actor=coordinator,
            forum_id=partners.stockholm.pk,
            fields=fields(contact_ids=[outsider.pk]),
        )
    with pytest.raises(InvalidInput, match="Unknown member of staff"):
        services.create_meeting(
            actor=coordinator, forum_id=partners.stockholm.pk, fields=fields(staff=["deactivated"])
        )
    with pytest.raises(InvalidInput, match="too long"):
        services.create_meeting(
            actor=coordinator, forum_id=partners.stockholm.pk, fields=fields(agenda="x" * 20_001)
        )
    with pytest.raises(InvalidInput, match="control characters"):
        services.create_meeting(
            actor=coordinator, forum_id=partners.stockholm.pk, fields=fields(place="a\x00b")
        )


def test_minutes_and_decisions_are_written_and_audited(partners: Partners, cast: Cast) -> None:
    meeting = services.update_meeting(
        actor=cast.actor("coordinator"),
        meeting_id=partners.meeting.pk,
        fields=fields(
            minutes="The union described the cleaning sector.",
            decisions="Joint control in June.",
            contact_ids=[partners.shop_steward.pk],
            staff=["skv_inspector", "pol_inspector"],
        ),
    )
    meeting.refresh_from_db()
    assert meeting.decisions == "Joint control in June."
    assert list(meeting.contacts.all()) == [partners.shop_steward]
    assert meeting.staff.count() == 2
    entry = AuditEntry.objects.filter(action="partners.meeting_updated").get()
    assert entry.detail["contacts"] == [partners.shop_steward.pk]


def test_action_items_have_exactly_one_owner(partners: Partners, cast: Cast) -> None:
    coordinator, meeting = cast.actor("coordinator"), partners.meeting.pk
    deadline = TODAY + dt.timedelta(days=3)
    with pytest.raises(InvalidInput, match="one owner"):
        services.add_action_item(
            actor=coordinator, meeting_id=meeting, description="x", deadline=deadline
        )
    with pytest.raises(InvalidInput, match="one owner"):
        services.add_action_item(
            actor=coordinator,
            meeting_id=meeting,
            description="x",
            deadline=deadline,
            owner_username="skv_inspector",
            owner_contact_id=partners.shop_steward.pk,
        )
    with pytest.raises(InvalidInput):
        services.add_action_item(
            actor=coordinator,
            meeting_id=meeting,
            description="   ",
            deadline=deadline,
            owner_username="skv_inspector",
        )
    southern = services.add_contact(
        actor=Actor.system(),
        organisation_id=partners.southern.pk,
        fields=services.ContactFields(name="Eli Fiktivsson"),
    )
    with pytest.raises(InvalidInput, match="not a contact"):
        services.add_action_item(
            actor=coordinator,
            meeting_id=meeting,
            description="x",
            deadline=deadline,
            owner_contact_id=southern.pk,
        )
    item = services.add_action_item(
        actor=coordinator,
        meeting_id=meeting,
        description="Send the leaflets",
        deadline=deadline,
        owner_contact_id=partners.shop_steward.pk,
    )
    assert item.owner_name == "Kim Exempelsson"
    assert item.status == ActionItem.Status.OPEN


def test_the_owner_may_mark_their_item_done_others_may_not(partners: Partners, cast: Cast) -> None:
    item = services.add_action_item(
        actor=cast.actor("coordinator"),
        meeting_id=partners.meeting.pk,
        description="Check the staff ledgers",
        deadline=TODAY,
        owner_username="skv_inspector",
    )
    with pytest.raises(Forbidden):
        services.set_action_status(
            actor=cast.actor("pol_inspector"), action_id=item.pk, status="done"
        )
    with pytest.raises(NotFound):
        services.set_action_status(
            actor=cast.actor("other_centre"), action_id=item.pk, status="done"
        )
    with pytest.raises(InvalidInput):
        services.set_action_status(actor=cast.actor("skv_inspector"), action_id=item.pk, status="x")
    done = services.set_action_status(
        actor=cast.actor("skv_inspector"), action_id=item.pk, status="done"
    )
    assert done.status == "done"
    assert done.status_changed_at is not None
    with pytest.raises(Conflict):
        services.set_action_status(
            actor=cast.actor("coordinator"), action_id=item.pk, status="done"
        )


def test_organisations_validate_and_coordinators_keep_to_their_centres(
    partners: Partners, cast: Cast
) -> None:
    coordinator = cast.actor("coordinator")
    with pytest.raises(InvalidInput):
        services.create_organisation(actor=coordinator, kind="guild", name="X", scope="national")
    with pytest.raises(InvalidInput):
        services.create_organisation(actor=coordinator, kind="union", name="X", scope="global")
    with pytest.raises(InvalidInput, match="at least one centre"):
        services.create_organisation(actor=coordinator, kind="union", name="X", scope="regional")
    with pytest.raises(InvalidInput):
        services.create_organisation(
            actor=coordinator, kind="union", name="X", scope="regional", centres=["atlantis"]
        )
    with pytest.raises(InvalidInput, match="too long"):
        services.create_organisation(
            actor=coordinator, kind="union", name="x" * 201, scope="national"
        )
    with pytest.raises(Forbidden):
        services.create_organisation(
            actor=coordinator, kind="union", name="X", scope="regional", centres=["syd"]
        )
    with pytest.raises(Conflict):
        services.create_organisation(
            actor=coordinator, kind="union", name="demo union of builders", scope="national"
        )
    with pytest.raises(Forbidden):
        services.create_organisation(
            actor=cast.actor("skv_inspector"), kind="union", name="Y", scope="national"
        )
    with pytest.raises(Forbidden):
        services.update_organisation(
            actor=coordinator,
            organisation_id=partners.southern.pk,
            kind="other",
            name="Taken over",
            scope="regional",
            centres=["syd"],
        )


def test_contacts_validate_their_details(partners: Partners, cast: Cast) -> None:
    coordinator, union = cast.actor("coordinator"), partners.union.pk
    bad = [
        services.ContactFields(name=""),
        services.ContactFields(name="A", email="not-an-address"),
        services.ContactFields(name="A", phone="call me maybe"),
        services.ContactFields(name="A", phone="1" * 41),
        services.ContactFields(name="A\x07"),
    ]
    for given in bad:
        with pytest.raises(InvalidInput):
            services.add_contact(actor=coordinator, organisation_id=union, fields=given)
    with pytest.raises(Forbidden):
        services.add_contact(
            actor=cast.actor("coordinator"),
            organisation_id=partners.southern.pk,
            fields=services.ContactFields(name="A"),
        )
    with pytest.raises(NotFound):
        services.add_contact(
            actor=coordinator, organisation_id=99999, fields=services.ContactFields(name="A")
        )
    changed = services.update_contact(
        actor=coordinator,
        contact_id=partners.shop_steward.pk,
        fields=services.ContactFields(name="Kim Exempelsson", email="kim.e@example.org"),
        active=False,
    )
    assert changed.email == "kim.e@example.org"
    assert not changed.active
    assert AuditEntry.objects.filter(
        action="partners.contact_updated", object_id=str(changed.pk)
    ).exists()


def test_contacts_are_shown_only_to_staff_who_work_with_the_forum(
    partners: Partners, cast: Cast
) -> None:
    # The coordinator runs the forum; the SKV inspector took part in its meeting.
    for name in ("coordinator", "skv_inspector"):
        page = queries.meeting_page(actor=cast.actor(name), id=partners.meeting.pk)
        assert page.works_with
        assert {c.name for c in page.contacts} == {
            "Kim Exempelsson",
            "Alex Provsson",
        }
    # The police inspector is in the centre but never took part: organisations only.
    page = queries.meeting_page(actor=cast.actor("pol_inspector"), id=partners.meeting.pk)
    assert not page.works_with
    assert page.contacts == []
    assert page.organisations == ["Demo Employers Stockholm", "Demo Union of Builders"]
    assert (
        queries.organisation_page(actor=cast.actor("pol_inspector"), id=partners.union.pk).contacts
        is None
    )
    with pytest.raises(NotFound):
        queries.meeting_page(actor=cast.actor("other_centre"), id=partners.meeting.pk)


def test_reading_contacts_is_audited(partners: Partners, cast: Cast) -> None:
    before = AuditEntry.objects.filter(action="partners.contacts_read").count()
    queries.organisation_page(actor=cast.actor("coordinator"), id=partners.union.pk)
    entry = AuditEntry.objects.filter(action="partners.contacts_read").latest("seq")
    assert entry.username == "coordinator"
    assert entry.detail == {"contacts": [partners.shop_steward.pk]}
    queries.organisation_page(actor=cast.actor("pol_inspector"), id=partners.union.pk)
    assert AuditEntry.objects.filter(action="partners.contacts_read").count() == before + 1
