"""Pages: the permission matrix for every page and form, the forms with wrong, missing,
oversized and hostile input, and the coordinator's flow through the pages."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from akrim.partners import services
from akrim.partners.models import ActionItem, Contact, Forum, Meeting, Organisation
from tests.cast import Cast
from tests.partners.conftest import TODAY, Partners


@pytest.fixture
def action(partners: Partners, cast: Cast) -> ActionItem:
    return services.add_action_item(
        actor=cast.actor("coordinator"),
        meeting_id=partners.meeting.pk,
        description="Send the leaflets",
        deadline=TODAY + dt.timedelta(days=2),
        owner_username="skv_inspector",
    )


@pytest.fixture
def referral_id(partners: Partners, cast: Cast) -> int:
    from django.utils import timezone

    return services.enter_referral(
        actor=cast.actor("coordinator"),
        forum_id=partners.stockholm.pk,
        fields=services.ReferralFields(
            organisation_id=partners.union.pk,
            contact_id=partners.shop_steward.pk,
            summary="A workplace",
            received_at=timezone.now(),
            municipality_code="0180",
        ),
    ).pk


def pages(p: Partners, referral: int) -> dict[str, str]:
    return {
        "index": "/en/partners/",
        "forum": f"/en/partners/forums/{p.stockholm.pk}/",
        "meeting": f"/en/partners/meetings/{p.meeting.pk}/",
        "reminders": "/en/partners/reminders/",
        "organisations": "/en/partners/organisations/",
        "organisation": f"/en/partners/organisations/{p.union.pk}/",
        "referrals": "/en/partners/referrals/",
        "referral": f"/en/partners/referrals/{referral}/",
        "figures": "/en/partners/figures/",
    }


def posts(p: Partners, action: ActionItem, referral: int) -> dict[str, tuple[str, dict[str, Any]]]:
    meeting = {"starts_at": "2025-05-06T09:30", "agenda": "Agenda"}
    return {
        "open_forum": ("/en/partners/forums/open/", {"centre": "stockholm"}),
        "set_members": (
            f"/en/partners/forums/{p.stockholm.pk}/members/",
            {"organisations": [p.union.pk]},
        ),
        "create_meeting": (f"/en/partners/forums/{p.stockholm.pk}/meetings/new/", meeting),
        "edit_meeting": (f"/en/partners/meetings/{p.meeting.pk}/edit/", meeting),
        "add_action": (
            f"/en/partners/meetings/{p.meeting.pk}/actions/new/",
            {"description": "x", "deadline": "2025-06-01", "owner": "user:coordinator"},
        ),
        "set_action_status": (f"/en/partners/actions/{action.pk}/status/", {"status": "done"}),
        "create_organisation": (
            "/en/partners/organisations/new/",
            {"kind": "union", "name": "New Demo Union", "scope": "national"},
        ),
        "edit_organisation": (
            f"/en/partners/organisations/{p.union.pk}/edit/",
            {"kind": "union", "name": "Demo Union of Builders", "scope": "national"},
        ),
        "add_contact": (f"/en/partners/organisations/{p.union.pk}/contacts/new/", {"name": "A"}),
        "edit_contact": (
            f"/en/partners/contacts/{p.shop_steward.pk}/edit/",
            {"name": "Kim Exempelsson", "active": "on"},
        ),
        "create_referral": (
            "/en/partners/referrals/new/",
            {"forum": p.stockholm.pk, "organisation": p.union.pk, "summary": "x"},
        ),
        "tell_contact": (f"/en/partners/referrals/{referral}/tell/", {}),
    }


def test_anonymous_is_sent_to_login(
    partners: Partners, action: ActionItem, referral_id: int
) -> None:
    client = Client()
    for url in pages(partners, referral_id).values():
        response = client.get(url)
        assert response.status_code == 302, url
        assert "/accounts/login/" in response["Location"], url
    for url, data in posts(partners, action, referral_id).values():
        response = client.post(url, data)
        assert response.status_code == 302, url
        assert "/accounts/login/" in response["Location"], url
    assert Meeting.objects.count() == 1


def test_pages_only_take_posts_for_writes(
    partners: Partners, action: ActionItem, referral_id: int, client_for: Callable[[str], Client]
) -> None:
    client = client_for("coordinator")
    for url, _data in posts(partners, action, referral_id).values():
        assert client.get(url).status_code == 405, url


# name: expected status of each page (200 read, 404 not found)
READS = {
    "coordinator": {},
    "skv_inspector": {"referral": 404},
    "pol_inspector": {"referral": 404},
    "other_centre": {"forum": 404, "meeting": 404, "referral": 404},
    "national_reader": {"referral": 404},
    "skv_auditor": {},
    "admin": {},
}


@pytest.mark.parametrize("name", sorted(READS))
def test_page_matrix(
    name: str,
    partners: Partners,
    action: ActionItem,
    referral_id: int,
    client_for: Callable[[str], Client],
) -> None:
    client = client_for(name)
    for page, url in pages(partners, referral_id).items():
        expected = READS[name].get(page, 200)
        assert client.get(url).status_code == expected, (name, page)


# name: expected status of each write (302 done, 403 forbidden, 404 not found);
# "open_forum" for the coordinator is 409: Stockholm's forum is open already.
WRITES: dict[str, dict[str, int]] = {
    "skv_inspector": {
        "set_action_status": 302,  # the owner of the item
        "tell_contact": 404,
    },
    "pol_inspector": {"tell_contact": 404},
    "other_centre": {
        "set_members": 404,
        "create_meeting": 404,
        "edit_meeting": 404,
        "add_action": 404,
        "set_action_status": 404,
        "create_referral": 404,
        "tell_contact": 404,
    },
    "national_reader": {"tell_contact": 404},
    "skv_auditor": {},
}


@pytest.mark.parametrize("name", sorted(WRITES))
def test_write_matrix_for_those_who_do_not_run_the_forum(
    name: str,
    partners: Partners,
    action: ActionItem,
    referral_id: int,
    client_for: Callable[[str], Client],
) -> None:
    client = client_for(name)
    for write, (url, data) in posts(partners, action, referral_id).items():
        expected = WRITES[name].get(write, 403)
        assert client.post(url, data).status_code == expected, (name, write)
    assert Meeting.objects.count() == 1
    assert Organisation.objects.count() == 3


def test_the_coordinator_may_do_every_write(
    partners: Partners, action: ActionItem, referral_id: int, client_for: Callable[[str], Client]
) -> None:
    client = client_for("coordinator")
    for write, (url, data) in posts(partners, action, referral_id).items():
        expected = {"open_forum": 409, "tell_contact": 409}.get(write, 302)
        assert client.post(url, data).status_code == expected, write
    assert Meeting.objects.count() == 2
    assert Organisation.objects.filter(name="New Demo Union").exists()


def test_forum_pages_for_readers_hide_contacts(
    partners: Partners, client_for: Callable[[str], Client]
) -> None:
    reader = client_for("pol_inspector").get(f"/en/partners/forums/{partners.stockholm.pk}/")
    body = reader.content.decode()
    assert "Demo Union of Builders" in body
    assert "Kim Exempelsson" not in body
    assert 'data-testid="meeting-form"' not in body
    participant = client_for("skv_inspector").get(f"/en/partners/forums/{partners.stockholm.pk}/")
    assert "kim@example.org" in participant.content.decode()  # took part in a meeting
    meeting = client_for("pol_inspector").get(f"/en/partners/meetings/{partners.meeting.pk}/")
    assert "Kim Exempelsson" not in meeting.content.decode()
    auditor = client_for("skv_auditor").get(f"/en/partners/meetings/{partners.meeting.pk}/")
    assert 'data-testid="action-form"' not in auditor.content.decode()
    coordinator = client_for("coordinator").get(f"/en/partners/meetings/{partners.meeting.pk}/")
    page = coordinator.content.decode()
    assert "Kim Exempelsson" in page
    assert 'data-testid="action-form"' in page


def test_a_coordinator_holds_a_meeting_through_the_pages(
    partners: Partners, client_for: Callable[[str], Client]
) -> None:
    client = client_for("coordinator")
    response = client.post(
        f"/en/partners/forums/{partners.stockholm.pk}/meetings/new/",
        {
            "starts_at": "2025-06-10T13:00",
            "place": "Room <b>4</b>",
            "agenda": "<script>alert(1)</script>",
            "contacts": [str(partners.shop_steward.pk)],
            "staff": "skv_inspector, pol_inspector",
        },
    )
    assert response.status_code == 302
    meeting = Meeting.objects.exclude(pk=partners.meeting.pk).get()
    assert meeting.staff.count() == 2
    assert list(meeting.contacts.all()) == [partners.shop_steward]
    page = client.get(response["Location"]).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)" not in page
    edit = client.post(
        f"/en/partners/meetings/{meeting.pk}/edit/",
        {
            "starts_at": "2025-06-10T13:00",
            "minutes": "Minutes written.",
            "decisions": "Decided.",
            "contacts": [str(partners.shop_steward.pk)],
        },
    )
    assert edit.status_code == 302
    add = client.post(
        f"/en/partners/meetings/{meeting.pk}/actions/new/",
        {
            "description": "Call the union",
            "deadline": "2025-06-20",
            "owner": f"contact:{partners.shop_steward.pk}",
        },
    )
    assert add.status_code == 302
    page = client.get(f"/en/partners/meetings/{meeting.pk}/").content.decode()
    assert "Minutes written." in page
    assert "Call the union" in page
    assert "2025-06-20" in page
    item = ActionItem.objects.get(meeting=meeting)
    assert item.owner_contact == partners.shop_steward
    done = client.post(f"/en/partners/actions/{item.pk}/status/", {"status": "done"})
    assert done.status_code == 302
    item.refresh_from_db()
    assert item.status == "done"


def test_opening_forums_through_the_page(cast: Cast, client_for: Callable[[str], Client]) -> None:
    client = client_for("coordinator")
    index = client.get("/en/partners/").content.decode()
    assert 'data-testid="open-forum"' in index
    assert "National partner forum" not in index
    assert client.post("/en/partners/forums/open/", {"centre": "syd"}).status_code == 403
    assert client.post("/en/partners/forums/open/", {"centre": ""}).status_code == 403
    assert client.post("/en/partners/forums/open/", {"centre": "x" * 500}).status_code == 400
    response = client.post("/en/partners/forums/open/", {"centre": "stockholm"})
    assert response.status_code == 302
    assert Forum.objects.get().centre is not None
    assert 'data-testid="open-forum"' not in client.get("/en/partners/").content.decode()
    assert client_for("admin").post("/en/partners/forums/open/", {"centre": ""}).status_code == 302
    assert Forum.objects.filter(national=True).count() == 1


MEETING = {"starts_at": "2025-05-06T09:30"}


@pytest.mark.parametrize(
    ("change", "status"),
    [
        ({"starts_at": ""}, 400),
        ({"starts_at": "tomorrow"}, 400),
        ({"starts_at": "2025-02-30T09:00"}, 400),
        ({"starts_at": "1200-01-01T09:00"}, 400),
        ({"starts_at": "2025-05-06T09:30:00.000000+99:00"}, 400),
        ({"place": "p" * 201}, 400),
        ({"agenda": "a" * 20_001}, 400),
        ({"minutes": "m\x1b[31m"}, 400),
        ({"contacts": ["abc"]}, 400),
        ({"contacts": ["99999"]}, 400),
        ({"contacts": [str(i) for i in range(101)]}, 400),
        ({"staff": "nobody"}, 400),
        ({"staff": "x" * 151}, 400),
        ({"staff": ",".join(["a"] * 101)}, 400),
    ],
)
def test_the_meeting_forms_refuse_bad_input(
    partners: Partners, client_for: Callable[[str], Client], change: dict[str, Any], status: int
) -> None:
    client = client_for("coordinator")
    data = {**MEETING, **change}
    create = client.post(f"/en/partners/forums/{partners.stockholm.pk}/meetings/new/", data)
    assert create.status_code == status
    edit = client.post(f"/en/partners/meetings/{partners.meeting.pk}/edit/", data)
    assert edit.status_code == status
    assert Meeting.objects.count() == 1
    partners.meeting.refresh_from_db()
    assert partners.meeting.agenda == "1. Cleaning sector"


@pytest.mark.parametrize(
    ("data", "status"),
    [
        ({"description": "x", "deadline": "2025-06-01"}, 400),  # no owner
        ({"description": "x", "deadline": "2025-06-01", "owner": "coordinator"}, 400),
        ({"description": "x", "deadline": "2025-06-01", "owner": "user:"}, 400),
        ({"description": "x", "deadline": "2025-06-01", "owner": "user:ghost"}, 400),
        ({"description": "x", "deadline": "2025-06-01", "owner": "contact:abc"}, 400),
        ({"description": "x", "deadline": "2025-06-01", "owner": "contact:99999"}, 400),
        ({"description": "x", "deadline": "2025-06-01", "owner": "group:1"}, 400),
        ({"description": "", "deadline": "2025-06-01", "owner": "user:coordinator"}, 400),
        ({"description": "d" * 2001, "deadline": "2025-06-01", "owner": "user:coordinator"}, 400),
        ({"description": "x", "deadline": "", "owner": "user:coordinator"}, 400),
        ({"description": "x", "deadline": "01/06/2025", "owner": "user:coordinator"}, 400),
        ({"description": "x", "deadline": "2025-06-31", "owner": "user:coordinator"}, 400),
    ],
)
def test_the_action_item_form_refuses_bad_input(
    partners: Partners, client_for: Callable[[str], Client], data: dict[str, str], status: int
) -> None:
    url = f"/en/partners/meetings/{partners.meeting.pk}/actions/new/"
    assert client_for("coordinator").post(url, data).status_code == status
    assert ActionItem.objects.count() == 0


def test_the_status_and_members_forms_refuse_bad_input(
    partners: Partners, action: ActionItem, client_for: Callable[[str], Client]
) -> None:
    client = client_for("coordinator")
    for status in ("", "finished", "x" * 500):
        response = client.post(f"/en/partners/actions/{action.pk}/status/", {"status": status})
        assert response.status_code == 400
    members = f"/en/partners/forums/{partners.stockholm.pk}/members/"
    for value in (["abc"], ["99999"], [str(i) for i in range(101)], ["-1"]):
        assert client.post(members, {"organisations": value}).status_code == 400
    assert partners.stockholm.members.count() == 2
    assert client.post(members, {}).status_code == 302  # nobody takes part: allowed
    assert partners.stockholm.members.count() == 0


@pytest.mark.parametrize(
    ("change", "status"),
    [
        ({"kind": ""}, 400),
        ({"kind": "guild"}, 400),
        ({"scope": "planetary"}, 400),
        ({"name": ""}, 400),
        ({"name": "n" * 201}, 400),
        ({"name": "Bad\x00Name"}, 400),
        ({"scope": "regional"}, 400),  # without a centre
        ({"scope": "regional", "centres": ["atlantis"]}, 400),
        ({"scope": "regional", "centres": ["stockholm"] * 21}, 400),
        ({"scope": "regional", "centres": ["syd"]}, 403),  # not the coordinator's centre
    ],
)
def test_the_organisation_forms_refuse_bad_input(
    partners: Partners, client_for: Callable[[str], Client], change: dict[str, Any], status: int
) -> None:
    client = client_for("coordinator")
    data = {"kind": "union", "name": "Another Demo Union", "scope": "national", **change}
    assert client.post("/en/partners/organisations/new/", data).status_code == status
    edit = client.post(f"/en/partners/organisations/{partners.union.pk}/edit/", data)
    assert edit.status_code == status
    assert Organisation.objects.count() == 3
    partners.union.refresh_from_db()
    assert partners.union.name == "Demo Union of Builders"


def test_organisation_names_are_shown_escaped(
    partners: Partners, client_for: Callable[[str], Client]
) -> None:
    client = client_for("coordinator")
    data = {"kind": "other", "name": "<img src=x onerror=alert(1)>", "scope": "national"}
    response = client.post("/en/partners/organisations/new/", data)
    assert response.status_code == 302
    body = client.get("/en/partners/organisations/").content.decode()
    assert "&lt;img src=x onerror=alert(1)&gt;" in body
    assert "<img src=x" not in body


@pytest.mark.parametrize(
    ("change", "status"),
    [
        ({"name": ""}, 400),
        ({"name": "n" * 201}, 400),
        ({"role": "r" * 201}, 400),
        ({"email": "kim@"}, 400),
        ({"email": "a@b.c\nBcc: x@y.z"}, 400),
        ({"email": "e" * 250 + "@example.org"}, 400),
        ({"phone": "<script>"}, 400),
        ({"phone": "1" * 41}, 400),
    ],
)
def test_the_contact_forms_refuse_bad_input(
    partners: Partners, client_for: Callable[[str], Client], change: dict[str, str], status: int
) -> None:
    client = client_for("coordinator")
    data = {"name": "Robin Demosdotter", "role": "", "email": "", "phone": "", **change}
    url = f"/en/partners/organisations/{partners.union.pk}/contacts/new/"
    assert client.post(url, data).status_code == status
    edit = client.post(f"/en/partners/contacts/{partners.shop_steward.pk}/edit/", data)
    assert edit.status_code == status
    assert Contact.objects.count() == 2
    partners.shop_steward.refresh_from_db()
    assert partners.shop_steward.email == "kim@example.org"


def test_unknown_ids_are_not_found(partners: Partners, client_for: Callable[[str], Client]) -> None:
    client = client_for("coordinator")
    for url in (
        "/en/partners/forums/99999/",
        "/en/partners/meetings/99999/",
        "/en/partners/organisations/99999/",
        "/en/partners/referrals/99999/",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post("/en/partners/contacts/99999/edit/", {"name": "A"}).status_code == 404
    assert client.post("/en/partners/actions/99999/status/", {"status": "done"}).status_code == 404


def test_list_pages_keep_their_query_count(
    partners: Partners,
    cast: Cast,
    client_for: Callable[[str], Client],
    django_assert_max_num_queries: Any,
) -> None:
    from akrim.core.actor import Actor

    for n in range(5):
        organisation = services.create_organisation(
            actor=Actor.system(), kind="union", name=f"Union {n}", scope="national"
        )
        services.add_action_item(
            actor=cast.actor("coordinator"),
            meeting_id=partners.meeting.pk,
            description=f"Item {n}",
            deadline=TODAY,
            owner_contact_id=partners.shop_steward.pk,
        )
        assert organisation.pk
    client = client_for("coordinator")
    for url in ("/en/partners/", "/en/partners/organisations/", "/en/partners/reminders/"):
        client.get(url)  # warm the session and caches
        with django_assert_max_num_queries(30):
            assert client.get(url).status_code == 200
