"""Activity figures per centre and year, on the page and from the command line."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import timezone

from akrim.cli import main
from akrim.organisation.models import Centre
from akrim.partners import queries, services
from tests.cast import Cast
from tests.partners.conftest import Partners, at


@pytest.fixture
def activity(partners: Partners, cast: Cast) -> int:
    """A year of activity at Stockholm; returns the year.

    Last year, not this one: early in January the days used below are still to come, and
    a meeting in the future is not held nor may a referral be received then."""
    from akrim.tips.services import close_tip

    coordinator = cast.actor("coordinator")
    year = timezone.localdate().year - 1
    jan = dt.date(year, 1, 15)
    services.update_meeting(
        actor=coordinator,
        meeting_id=partners.meeting.pk,
        fields=services.MeetingFields(starts_at=at(jan), contact_ids=[partners.shop_steward.pk]),
    )
    services.create_meeting(  # another meeting, nobody from the partners came
        actor=coordinator,
        forum_id=partners.stockholm.pk,
        fields=services.MeetingFields(starts_at=at(jan + dt.timedelta(days=1))),
    )
    services.create_meeting(  # in the next year: not held in this one
        actor=coordinator,
        forum_id=partners.stockholm.pk,
        fields=services.MeetingFields(starts_at=at(dt.date(year + 1, 2, 1))),
    )
    for deadline, status in [(jan, "done"), (jan, "open"), (dt.date(year, 1, 20), "cancelled")]:
        item = services.add_action_item(
            actor=coordinator,
            meeting_id=partners.meeting.pk,
            description="x",
            deadline=deadline,
            owner_username="coordinator",
        )
        if status != "open":
            services.set_action_status(actor=coordinator, action_id=item.pk, status=status)
    for handled in (True, False):
        referral = services.enter_referral(
            actor=coordinator,
            forum_id=partners.stockholm.pk,
            fields=services.ReferralFields(
                organisation_id=partners.union.pk,
                summary="A workplace",
                received_at=at(jan),
                municipality_code="0180",
            ),
        )
        if handled and referral.tip is not None:
            close_tip(actor=coordinator, tip_id=referral.tip.pk)
    return year


def test_figures_count_the_years_activity(activity: int, cast: Cast) -> None:
    figures = queries.figures(actor=cast.actor("skv_inspector"), year=activity)
    rows = {row.centre: row for row in figures.rows}
    assert list(rows) == [
        "national",
        *Centre.objects.order_by("name").values_list("code", flat=True),
    ]
    assert rows["syd"] == queries.FigureRow("syd", "Syd", 0, 0, 0, 0, 0, 0)  # no forum open
    stockholm = rows["stockholm"]
    assert stockholm.meetings_held == 2
    assert stockholm.organisations_taking_part == 1
    assert stockholm.actions_done == 1
    assert stockholm.actions_overdue == 1  # the open one, due in January of that year
    assert (stockholm.referrals_received, stockholm.referrals_handled) == (2, 1)
    assert rows["national"].meetings_held == 0
    earlier = queries.figures(actor=cast.actor("skv_inspector"), year=activity - 1)
    assert all(r.meetings_held == 0 and r.referrals_received == 0 for r in earlier.rows)


def test_the_figures_command_prints_json(activity: int, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["partners", "figures", "--year", str(activity), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["year"] == activity
    stockholm = next(r for r in data["rows"] if r["centre"] == "stockholm")
    assert stockholm["meetings_held"] == 2
    assert stockholm["referrals_handled"] == 1
    assert "meetings_held" in data["definitions"]
    assert main(["partners", "figures", "--year", str(activity)]) == 0
    assert "Stockholm" in capsys.readouterr().out
    for bad in ("20x5", "1999", ""):
        assert main(["partners", "figures", "--year", bad]) == 2
        assert "four digits" in capsys.readouterr().err


def test_the_figures_page(activity: int, client_for: Callable[[str], Client]) -> None:
    page = client_for("other_centre").get(f"/en/partners/figures/?year={activity}")
    assert page.status_code == 200
    assert 'data-testid="figures"' in page.content.decode()
    for bad in ("abc", "99999", "<script>", "1800"):
        assert (
            client_for("other_centre").get(f"/en/partners/figures/?year={bad}").status_code == 400
        )
