"""Personal iCalendar feeds: made, shown once, replaced and removed by their owner; the
feed lists exactly the person's own controls, with no workplace or register detail; an
unknown, removed or deactivated person's address is not found."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from icalendar import Calendar

from akrim.audit.models import AuditEntry
from akrim.controls import services
from akrim.controls.models import CalendarFeed, Control
from akrim.core.actor import Actor
from akrim.core.errors import Forbidden
from akrim.organisation.services import deactivate_user
from tests.cast import Cast
from tests.controls.conftest import STOCKHOLM_TIME, World

pytestmark = pytest.mark.django_db

MANAGE = "/en/controls/calendar/subscribe/"
ClientFor = Callable[[str], Client]
FEED = re.compile(r'value="(http://testserver/en/controls/feed/([A-Za-z0-9_-]+)\.ics)"')


def make_feed(client: Client) -> tuple[str, str]:
    """POST create; returns (address, token) as shown on the response."""
    response = client.post(MANAGE, {"action": "create"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    found = FEED.search(response.content.decode())
    assert found is not None
    return found.group(1), found.group(2)


def fetch(token: str) -> tuple[int, bytes]:
    response = Client().get(f"/en/controls/feed/{token}.ics")
    return response.status_code, response.content


def soon(days: int, hour: int = 8) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(hour), tzinfo=STOCKHOLM_TIME)


def plan_soon(world: World, days: int, team: list[str], **changes: Any) -> Control:
    control = world.plan(
        starts_at=soon(days), ends_at=soon(days, 12), outside_opening_hours=True, **changes
    )
    for username in team:
        services.assign_team_member(
            actor=world.actor("coordinator"), control_id=control.pk, username=username
        )
    return control


# --- managing the address --------------------------------------------------------------


def test_a_new_address_is_shown_once_and_only_its_digest_is_kept(
    world: World, client_for: ClientFor, cast: Cast
) -> None:
    client = client_for("skv_inspector")
    assert "You have no feed address." in client.get(MANAGE).content.decode()

    address, token = make_feed(client)

    assert len(token) >= 43
    feed = CalendarFeed.objects.get(user=cast.user("skv_inspector"))
    assert feed.digest == hashlib.sha256(token.encode()).hexdigest()
    assert not CalendarFeed.objects.filter(digest=token).exists()
    again = client.get(MANAGE).content.decode()
    assert "You have a feed address, made" in again
    assert token not in again
    assert address not in again
    assert fetch(token)[0] == 200


def test_a_new_address_replaces_the_old_one(world: World, client_for: ClientFor) -> None:
    client = client_for("skv_inspector")
    _, old = make_feed(client)
    _, new = make_feed(client)
    assert old != new
    assert CalendarFeed.objects.count() == 1
    assert fetch(old)[0] == 404
    assert fetch(new)[0] == 200


def test_removing_the_address_stops_the_feed(world: World, client_for: ClientFor) -> None:
    client = client_for("skv_inspector")
    _, token = make_feed(client)
    response = client.post(MANAGE, {"action": "delete"}, follow=True)
    assert response.redirect_chain[-1] == (MANAGE, 302)
    html = response.content.decode()
    assert "Your calendar feed address has been removed." in html
    assert "You have no feed address." in html
    assert not CalendarFeed.objects.exists()
    assert fetch(token)[0] == 404
    # removing again: there is nothing to remove
    assert client.post(MANAGE, {"action": "delete"}).status_code == 404


def test_creating_and_removing_are_audited(world: World, client_for: ClientFor) -> None:
    client = client_for("skv_inspector")
    make_feed(client)
    make_feed(client)
    client.post(MANAGE, {"action": "delete"})
    entries = list(
        AuditEntry.objects.filter(object_type="calendar_feed")
        .order_by("seq")
        .values_list("action", "username", "detail")
    )
    assert entries == [
        ("create_calendar_feed", "skv_inspector", {"replaced": False}),
        ("create_calendar_feed", "skv_inspector", {"replaced": True}),
        ("delete_calendar_feed", "skv_inspector", {}),
    ]


@pytest.mark.parametrize("action", ["", "drop", "x" * 5000])
def test_an_unknown_action_is_refused(world: World, client_for: ClientFor, action: str) -> None:
    response = client_for("skv_inspector").post(MANAGE, {"action": action})
    assert response.status_code == 400
    assert "Unknown action: choose create or delete." in response.content.decode()
    assert not CalendarFeed.objects.exists()


def test_anonymous_is_sent_to_log_in(world: World) -> None:
    for response in (Client().get(MANAGE), Client().post(MANAGE, {"action": "create"})):
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
    assert not CalendarFeed.objects.exists()


def test_the_system_has_no_feed(world: World) -> None:
    with pytest.raises(Forbidden):
        services.create_calendar_feed(actor=Actor.system())


# --- the feed --------------------------------------------------------------------------


def test_the_feed_lists_exactly_the_persons_own_controls(
    world: World, client_for: ClientFor
) -> None:
    mine = plan_soon(world, 3, ["skv_inspector"])
    others = plan_soon(world, 4, ["pol_inspector"])
    cancelled = plan_soon(world, 5, ["skv_inspector"])
    services.cancel_control(
        actor=world.actor("coordinator"), control_id=cancelled.pk, reason="Site closed."
    )
    past = plan_soon(world, -30, ["skv_inspector"])
    too_old = plan_soon(world, -90, ["skv_inspector"])
    too_far = plan_soon(world, 400, ["skv_inspector"])
    draft = services.draft_control(
        actor=world.actor("coordinator"),
        centre="stockholm",
        lead_agency="AV",
        agencies=["AV", "SKV"],
        workplaces=[world.workplace.workplace_id],
        starts_at=soon(6),
        ends_at=soon(6, 12),
        purpose="A draft.",
        outside_opening_hours=True,
    )
    services.assign_team_member(
        actor=world.actor("coordinator"), control_id=draft.pk, username="skv_inspector"
    )
    _, token = make_feed(client_for("skv_inspector"))

    response = Client().get(f"/en/controls/feed/{token}.ics")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    events = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
    assert set(events) == {f"control-{c.pk}@akrim" for c in (past, mine, cancelled)}
    for unlisted in (others, too_old, too_far, draft):  # not in the team, out of window, draft
        assert f"control-{unlisted.pk}@akrim" not in events
    event = events[f"control-{mine.pk}@akrim"]
    assert str(event["SUMMARY"]) == f"Joint control {mine.pk} (Stockholm)"
    assert str(event["STATUS"]) == "CONFIRMED"
    assert str(events[f"control-{cancelled.pk}@akrim"]["STATUS"]) == "CANCELLED"
    start = event.decoded("DTSTART")
    assert start == mine.starts_at
    assert start.utcoffset() == dt.timedelta(0)
    assert event.decoded("DTEND") == mine.ends_at
    assert b"DTSTART:" in response.content
    assert b"Z\r\n" in response.content
    assert str(event["URL"]) == f"http://testserver/en/controls/{mine.pk}/"


def test_the_feed_holds_no_workplace_or_register_detail(
    world: World, client_for: ClientFor
) -> None:
    plan_soon(world, 3, ["skv_inspector"])
    _, token = make_feed(client_for("skv_inspector"))
    status, body = fetch(token)
    assert status == 200
    text = body.decode()
    site = world.workplace
    for secret in (
        site.workplace_id,
        site.name,
        site.address,
        site.company.name,
        site.company.org_no,
        "Staff ledger",  # the purpose
    ):
        assert secret not in text
    assert not re.search(r"^(DESCRIPTION|LOCATION|ATTENDEE|ORGANIZER)", text, re.M)


def test_an_empty_feed_is_a_valid_calendar(world: World, client_for: ClientFor) -> None:
    _, token = make_feed(client_for("pol_inspector"))
    status, body = fetch(token)
    assert status == 200
    calendar = Calendar.from_ical(body)
    assert list(calendar.walk("VEVENT")) == []
    assert str(calendar["VERSION"]) == "2.0"


@pytest.mark.parametrize(
    "token",
    [
        "A" * 43,  # well-formed, unknown
        "short",
        "x" * 101,
        "not%20a%20token",
        "..%2F..%2Fetc%2Fpasswd",
    ],
)
def test_an_unknown_or_malformed_address_is_not_found(world: World, token: str) -> None:
    status, body = fetch(token)
    assert status == 404
    assert b"VCALENDAR" not in body


def test_a_deactivated_persons_feed_is_not_found(world: World, client_for: ClientFor) -> None:
    plan_soon(world, 3, ["skv_inspector"])
    _, token = make_feed(client_for("skv_inspector"))
    assert fetch(token)[0] == 200
    deactivate_user(actor=Actor.system(), username="skv_inspector")
    assert fetch(token)[0] == 404


def test_the_feed_needs_no_login_and_sets_no_session(world: World, client_for: ClientFor) -> None:
    _, token = make_feed(client_for("skv_inspector"))
    response = Client().get(f"/en/controls/feed/{token}.ics")
    assert response.status_code == 200
    assert "sessionid" not in response.cookies
    assert Client().post(f"/en/controls/feed/{token}.ics").status_code == 405
