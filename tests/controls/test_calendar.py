"""The centre calendar: month and week grids, navigation, who sees what (drafts only for
the centre's coordinators, cancelled never, another centre not at all), a fixed number of
queries, and a clear 400 for a bad date, view or centre."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from akrim.controls import calendar_queries, services
from akrim.controls.models import Control
from akrim.controls.services import lifecycle
from tests.controls.conftest import World, at

pytestmark = pytest.mark.django_db

URL = "/en/controls/calendar/"
ClientFor = Callable[[str], Client]


def page(client: Client, **params: str) -> str:
    response = client.get(URL, params)
    assert response.status_code == 200, response.content[:400]
    return response.content.decode()


def cell(html: str, day: str) -> str:
    """The month grid's cell of one day."""
    found = re.search(rf'<td data-date="{day}"[^>]*>(.*?)</td>', html, re.S)
    assert found is not None, f"no cell for {day}"
    return found.group(1)


def day_group(html: str, day: str) -> str:
    """The week table's group of rows of one day."""
    found = re.search(rf'<tbody data-date="{day}">(.*?)</tbody>', html, re.S)
    assert found is not None, f"no rows for {day}"
    return found.group(1)


def control_links(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'href="/en/controls/(\d+)/"', html)]


def plan_on(world: World, day: str, start: int = 8, end: int = 12, **changes: Any) -> Control:
    return world.plan(
        starts_at=at(day, start), ends_at=at(day, end), outside_opening_hours=True, **changes
    )


# --- the grids -------------------------------------------------------------------------


def test_month_grid_has_iso_weeks_from_monday_and_the_days_controls(
    world: World, client_for: ClientFor
) -> None:
    control = world.plan()  # Tuesday 2025-05-06, 08–12, AV lead
    html = page(client_for("coordinator"), centre="stockholm", view="month", date="2025-05-15")

    assert "<caption>May 2025 · Stockholm</caption>" in html
    # May 2025 runs from Thursday 1 to Saturday 31: weeks 18 to 22, Monday 28 April first
    weeks = re.findall(r'<th scope="row"><span class="ds-sr-only">Week </span>(\d+)</th>', html)
    assert weeks == ["18", "19", "20", "21", "22"]
    days = re.findall(r'<td data-date="([\d-]+)"', html)
    assert (days[0], days[-1], len(days)) == ("2025-04-28", "2025-06-01", 35)
    assert '<th scope="col"><abbr title="Monday">Mon</abbr></th>' in html

    tuesday = cell(html, "2025-05-06")
    assert control_links(tuesday) == [control.pk]
    assert "08:00 · Control" in tuesday
    assert world.workplace.workplace_id in tuesday
    assert "planned" in tuesday
    assert "Lead: AV" in tuesday
    assert control_links(cell(html, "2025-05-07")) == []


def test_week_view_shows_seven_days_with_times(world: World, client_for: ClientFor) -> None:
    control = world.plan()
    later = plan_on(world, "2025-05-08", 13, 16, workplaces=[world.other_workplace.workplace_id])
    html = page(client_for("skv_inspector"), centre="stockholm", view="week", date="2025-05-08")

    assert "Week 19, 2025 · Stockholm" in html
    groups = re.findall(r'<tbody data-date="([\d-]+)">', html)
    assert groups == [f"2025-05-{d:02d}" for d in range(5, 12)]
    tuesday = day_group(html, "2025-05-06")
    assert control_links(tuesday) == [control.pk]
    assert "08:00–12:00" in tuesday
    thursday = day_group(html, "2025-05-08")
    assert control_links(thursday) == [later.pk]
    assert "13:00–16:00" in thursday
    assert world.other_workplace.workplace_id in thursday
    assert "No controls." in day_group(html, "2025-05-05")


def test_a_control_over_midnight_shows_on_both_days(world: World, client_for: ClientFor) -> None:
    control = world.plan(
        starts_at=at("2025-05-06", 22),
        ends_at=at("2025-05-07", 3),
        outside_opening_hours=True,
    )
    html = page(client_for("coordinator"), view="month", date="2025-05-01")
    assert control_links(cell(html, "2025-05-06")) == [control.pk]
    second = cell(html, "2025-05-07")
    assert control_links(second) == [control.pk]
    assert "continued" in second


def test_defaults_are_the_first_own_centre_this_month_and_today_is_marked(
    world: World, client_for: ClientFor
) -> None:
    today = timezone.localdate()
    html = page(client_for("skv_inspector"))
    assert "Calendar of Stockholm" in html
    assert f"<caption>{today:%B %Y} · Stockholm</caption>" in html
    marked = re.findall(r'<td data-date="([\d-]+)" aria-current="date"', html)
    assert marked == [today.isoformat()]
    assert html.count('aria-current="date"') == 1


def test_navigation_links_work_without_javascript_and_with_htmx(
    world: World, client_for: ClientFor
) -> None:
    client = client_for("coordinator")
    today = timezone.localdate().isoformat()
    month = page(client, centre="stockholm", view="month", date="2025-05-15")
    assert f"{URL}?centre=stockholm&amp;view=month&amp;date=2025-04-01" in month
    assert f"{URL}?centre=stockholm&amp;view=month&amp;date=2025-06-01" in month
    assert f"{URL}?centre=stockholm&amp;view=month&amp;date={today}" in month
    assert f"{URL}?centre=stockholm&amp;view=week&amp;date=2025-05-15" in month
    assert 'hx-target="#calendar"' in month
    assert 'hx-push-url="true"' in month
    week = page(client, centre="stockholm", view="week", date="2025-05-15")
    assert f"{URL}?centre=stockholm&amp;view=week&amp;date=2025-05-08" in week
    assert f"{URL}?centre=stockholm&amp;view=week&amp;date=2025-05-22" in week
    # December to January crosses the year
    december = page(client, view="month", date="2025-12-31")
    assert "date=2025-11-01" in december
    assert "date=2026-01-01" in december

    partial = client.get(
        URL, {"view": "week", "date": "2025-05-15"}, headers={"HX-Request": "true"}
    )
    body = partial.content.decode()
    assert partial.status_code == 200
    assert "<html" not in body
    assert 'data-testid="calendar-week"' in body
    assert "HX-Request" in partial["Vary"]
    restore = client.get(URL, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})
    assert "<html" in restore.content.decode()


# --- who sees what ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "sees"),
    [
        ("coordinator", True),
        ("skv_inspector", True),
        ("skv_analyst", True),
        ("pol_inspector", True),
        ("national_reader", True),
        ("admin", True),
    ],
)
def test_staff_of_the_centre_and_national_readers_see_its_calendar(
    world: World, client_for: ClientFor, name: str, sees: bool
) -> None:
    control = world.plan()
    html = page(client_for(name), centre="stockholm", date="2025-05-06")
    assert (control.pk in control_links(html)) is sees


def test_another_centres_calendar_is_not_found(world: World, client_for: ClientFor) -> None:
    world.plan()
    client = client_for("other_centre")  # SKV inspector in Syd
    response = client.get(URL, {"centre": "stockholm", "date": "2025-05-06"})
    assert response.status_code == 404
    own = page(client, date="2025-05-06")
    assert "Calendar of Syd" in own
    assert control_links(own) == []
    assert '<option value="stockholm"' not in own


def test_a_team_member_from_another_centre_sees_the_control_only_in_its_centre(
    world: World, client_for: ClientFor
) -> None:
    control = world.plan()
    services.assign_team_member(
        actor=world.actor("coordinator"), control_id=control.pk, username="other_centre"
    )
    client = client_for("other_centre")
    assert client.get(URL, {"centre": "stockholm"}).status_code == 404
    assert control_links(page(client, date="2025-05-06")) == []


def test_someone_without_a_centre_has_no_calendar(world: World, client_for: ClientFor) -> None:
    response = client_for("skv_auditor").get(URL)
    assert response.status_code == 404
    assert "You belong to no centre" in response.content.decode()


def test_drafts_show_only_to_the_centres_coordinators_and_are_marked(
    world: World, client_for: ClientFor
) -> None:
    draft = services.draft_control(
        actor=world.actor("coordinator"),
        centre="stockholm",
        lead_agency="AV",
        agencies=["AV", "SKV"],
        workplaces=[world.workplace.workplace_id],
        starts_at=at("2025-05-07", 8),
        ends_at=at("2025-05-07", 12),
        purpose="A draft.",
        outside_opening_hours=True,
    )
    coordinator = cell(page(client_for("coordinator"), date="2025-05-07"), "2025-05-07")
    assert control_links(coordinator) == [draft.pk]
    assert 'class="ds-tag" data-color="warning">Draft<' in coordinator
    for name in ("skv_inspector", "national_reader"):
        html = page(client_for(name), centre="stockholm", date="2025-05-07")
        assert draft.pk not in control_links(html)


def test_cancelled_controls_are_hidden(world: World, client_for: ClientFor) -> None:
    kept = world.plan()
    cancelled = plan_on(world, "2025-05-07")
    services.cancel_control(
        actor=world.actor("coordinator"), control_id=cancelled.pk, reason="Site closed."
    )
    html = page(client_for("coordinator"), date="2025-05-07")
    assert control_links(html) == [kept.pk]


def test_the_page_costs_the_same_queries_however_many_controls(
    world: World, client_for: ClientFor, django_assert_max_num_queries: Any
) -> None:
    client = client_for("coordinator")
    world.plan()

    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            page(client, view="month", date="2025-05-01")
        return len(context)

    one = queries()
    for day in range(7, 28):
        control = plan_on(world, f"2025-05-{day:02d}")
        services.assign_team_member(
            actor=world.actor("coordinator"), control_id=control.pk, username="skv_inspector"
        )
    assert queries() == one
    with django_assert_max_num_queries(12):
        html = page(client, view="month", date="2025-05-01")
    assert len(set(control_links(html))) == 22


# --- bad requests ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"date": "2025-13-01"}, "The date 2025-13-01 is not a date as YYYY-MM-DD."),
        ({"date": "tomorrow"}, "The date tomorrow is not a date as YYYY-MM-DD."),
        ({"date": "20250506"}, "The date 20250506 is not a date as YYYY-MM-DD."),
        ({"date": "1066-10-14"}, "Choose a date between 2000 and 2100."),
        ({"date": "9999-12-31"}, "Choose a date between 2000 and 2100."),
        ({"view": "year"}, "Unknown calendar view year: choose month or week."),
        ({"view": "<script>"}, "Unknown calendar view &lt;script&gt;: choose month or week."),
        ({"centre": "atlantis"}, "Unknown centre atlantis."),
        ({"date": "x" * 5000}, "The date " + "x" * 20 + " is not a date"),
    ],
)
def test_bad_parameters_give_400_with_a_clear_message(
    world: World, client_for: ClientFor, params: dict[str, str], message: str
) -> None:
    response = client_for("coordinator").get(URL, params)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_anonymous_is_sent_to_log_in_and_post_is_not_allowed(
    world: World, client_for: ClientFor
) -> None:
    response = Client().get(URL)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert client_for("coordinator").post(URL).status_code == 405


def test_the_table_is_accessible(world: World, client_for: ClientFor) -> None:
    html = page(client_for("coordinator"), view="week", date="2025-05-06")
    assert "<caption>" in html
    assert '<th scope="col">Time</th>' in html
    assert html.count('<th scope="rowgroup" colspan="5"') == 7
    month = page(client_for("coordinator"), view="month", date="2025-05-06")
    assert re.search(r'<label class="ds-label" for="calendar-date">', month)
    assert month.count('<th scope="col">') == 8  # week + seven days


def test_the_calendar_looks_back_as_far_as_the_longest_control(
    world: World, client_for: ClientFor
) -> None:
    assert calendar_queries.LONGEST >= lifecycle.MAX_DURATION
    control = world.plan(
        starts_at=at("2025-04-27", 8), ends_at=at("2025-05-04", 8), outside_opening_hours=True
    )
    html = page(client_for("coordinator"), view="week", date="2025-05-04")  # 28 April–4 May
    assert control_links(day_group(html, "2025-05-04")) == [control.pk]
    assert control_links(day_group(html, "2025-04-28")) == [control.pk]


def test_dates_are_swedish_days(world: World, client_for: ClientFor) -> None:
    # 00:30 Swedish time is still the previous day in UTC: the calendar uses Swedish days.
    control = world.plan(
        starts_at=at("2025-05-08", 0).replace(minute=30),
        ends_at=at("2025-05-08", 2),
        outside_opening_hours=True,
    )
    assert control.starts_at.astimezone(dt.UTC).date() == dt.date(2025, 5, 7)
    html = page(client_for("coordinator"), date="2025-05-08")
    assert control_links(cell(html, "2025-05-08")) == [control.pk]
    assert control_links(cell(html, "2025-05-07")) == []


def test_the_calendar_is_in_the_menu_only_for_staff_of_a_centre(
    world: World, client_for: ClientFor
) -> None:
    link = 'href="/en/controls/calendar/"'
    assert link in client_for("coordinator").get("/en/home/").content.decode()
    national = client_for("national_reader")  # every centre's calendar
    assert link in national.get("/en/home/").content.decode()
    assert national.get("/en/controls/calendar/").status_code == 200
    auditor = client_for("skv_auditor")  # no centre, not national: no calendar
    assert link not in auditor.get("/en/home/").content.decode()
    assert auditor.get("/en/controls/calendar/").status_code == 404  # what the link led to
    listing = auditor.get("/en/controls/")
    assert listing.status_code == 200
    assert link not in listing.content.decode()  # nor on the list of controls
    assert link in client_for("coordinator").get("/en/controls/").content.decode()
