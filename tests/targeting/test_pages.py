"""The pages of risk-based selection: login, roles, scope (404), wrong and hostile input
(400 with a clear message), the selection list, "add to plan", a workplace's explanation,
feedback, coverage and a model's card."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape

from akrim.controls.models import Control, Status
from akrim.engines.scoring.indicators import INDICATORS
from akrim.targeting.models import ScoringModel, ScoringRun
from tests.conftest import login
from tests.targeting.conftest import Staffed

pytestmark = pytest.mark.django_db

ClientFor = Callable[[str], Client]
PAGES = ["/en/targeting/", "/en/targeting/feedback/", "/en/targeting/coverage/"]


def first_in(run: ScoringRun, centre: str = "stockholm") -> str:
    row = run.scores.filter(centre=centre).order_by("rank").first()
    assert row is not None
    return row.workplace_id


def as_user(staff: Staffed, name: str) -> Client:
    return login(Client(), name)


def test_anonymous_visitors_are_sent_to_the_login_page(scored: ScoringRun) -> None:
    client = Client()
    model = ScoringModel.objects.get()
    for url in [
        *PAGES,
        f"/en/targeting/workplaces/{first_in(scored)}/",
        f"/en/targeting/models/{model.pk}/",
    ]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert "/accounts/login/" in response["Location"], url
    response = client.post("/en/targeting/plan/", {"centre": "stockholm", "workplace": "W1"})
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert not Control.objects.exists()


@pytest.mark.parametrize("name", ["skv_inspector", "pol_inspector", "skv_auditor", "other_centre"])
def test_staff_outside_analysis_and_coordination_are_refused(
    scored: ScoringRun, client_for: ClientFor, name: str
) -> None:
    client = client_for(name)
    model = ScoringModel.objects.get()
    urls = [
        *PAGES,
        f"/en/targeting/workplaces/{first_in(scored)}/",
        f"/en/targeting/models/{model.pk}/",
    ]
    for url in urls:
        assert client.get(url).status_code == 403, url
    assert client.post("/en/targeting/plan/", {"centre": "stockholm"}).status_code == 403


def test_the_selection_list_shows_the_centres_workplaces_with_reasons(
    scored: ScoringRun, staff: Staffed
) -> None:
    response = as_user(staff, "skv_analyst").get("/en/targeting/")
    assert response.status_code == 200
    page = response.content.decode()
    top = scored.scores.filter(centre="stockholm").order_by("rank")[:3]
    for row in top:
        assert f'href="/en/targeting/workplaces/{row.workplace_id}/"' in page
        assert f"{round(100 * row.score)} %" in page
    assert 'name="workplace"' not in page  # analysts select; coordinators plan
    syd = scored.scores.filter(centre="syd").first()
    assert syd is not None
    assert syd.workplace_id not in page
    # HTML is escaped and no inline script slips in
    assert "<script" not in page.split("</header>")[-1]


def test_the_coordinator_adds_chosen_workplaces_to_the_plan(
    scored: ScoringRun, staff: Staffed
) -> None:
    client = as_user(staff, "skv_coordinator")
    page = client.get("/en/targeting/").content.decode()
    assert 'name="workplace"' in page
    keys = [r.workplace_id for r in scored.scores.filter(centre="stockholm").order_by("rank")[:2]]
    response = client.post("/en/targeting/plan/", {"centre": "stockholm", "workplace": keys})
    control = Control.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/en/controls/{control.pk}/"
    assert control.status == Status.DRAFT
    assert all(key in control.purpose for key in keys)
    assert client.get(response["Location"]).status_code == 200


@pytest.mark.parametrize(
    ("data", "status", "message"),
    [
        ({"centre": "stockholm"}, 400, "Choose at least one workplace"),
        ({"centre": "stockholm", "workplace": "W9999999"}, 400, "Not on the selection list"),
        ({"centre": "stockholm", "workplace": "<script>alert(1)</script>"}, 400, "Not on the"),
        ({"centre": "stockholm", "workplace": "W1", "day": "2025-13-01"}, 400, "Check these"),
        ({"centre": "stockholm", "workplace": "W1", "day": "2030-01-07"}, 400, "Give the date"),
        ({"workplace": "W1"}, 400, "Check these fields: centre"),
    ],
)
def test_add_to_plan_refuses_wrong_input_with_a_message(
    scored: ScoringRun, staff: Staffed, data: dict[str, str], status: int, message: str
) -> None:
    response = as_user(staff, "skv_coordinator").post("/en/targeting/plan/", data)
    assert response.status_code == status
    assert message in response.content.decode()
    assert "<script>alert(1)</script>" not in response.content.decode()
    assert not Control.objects.exists()


def test_add_to_plan_is_forbidden_to_analysts_and_other_centres_coordinators(
    scored: ScoringRun, staff: Staffed
) -> None:
    data = {"centre": "stockholm", "workplace": first_in(scored)}
    assert as_user(staff, "skv_analyst").post("/en/targeting/plan/", data).status_code == 403
    assert as_user(staff, "skv_coordinator").get("/en/targeting/plan/").status_code == 405
    assert not Control.objects.exists()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("min_score=abc", "min_score must be a whole number from 0 to 100"),
        ("min_score=1e3", "min_score must be a whole number"),
        ("municipality=%27%20OR%201%3D1", "four-digit municipality code"),
        ("industry=%3Cb%3E", "SNI section letter"),
        ("day=Mo", "both a weekday and a time"),
        ("day=Mo&time=24:00", "HH:MM"),
        ("page=-3", "page must be a whole number"),
        ("centre=gotham", "Unknown centre gotham"),
        ("centre=" + "a" * 5000, "too long"),
    ],
)
def test_wrong_or_hostile_filters_answer_400_with_a_clear_message(
    scored: ScoringRun, staff: Staffed, query: str, message: str
) -> None:
    response = as_user(staff, "skv_analyst").get(f"/en/targeting/?{query}")
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert "<b>" not in page.split("</header>")[-1]


def test_another_centres_list_and_a_workplace_outside_the_rules_are_not_found(
    scored: ScoringRun, staff: Staffed
) -> None:
    assert as_user(staff, "syd_analyst").get("/en/targeting/?centre=stockholm").status_code == 404
    police = as_user(staff, "pol_analyst")
    assert police.get(f"/en/targeting/workplaces/{first_in(scored)}/").status_code == 404
    listing = police.get("/en/targeting/")
    assert listing.status_code == 200
    assert first_in(scored) not in listing.content.decode()
    skv = as_user(staff, "skv_analyst")
    for key in ["W9999999", "%00", "x" * 41]:
        assert skv.get(f"/en/targeting/workplaces/{key}/").status_code == 404, key
    assert skv.get("/en/targeting/models/999999/").status_code == 404


def test_the_opening_hours_filter_keeps_only_sites_open_then(
    scored: ScoringRun, staff: Staffed
) -> None:
    client = as_user(staff, "skv_analyst")
    night = client.get("/en/targeting/?day=Su&time=03:00").content.decode()
    day = client.get("/en/targeting/?day=We&time=10:00").content.decode()
    rows = list(scored.scores.filter(centre="stockholm"))
    weekday_only = [r for r in rows if r.opening_hours.startswith("Mo-Fr 0")]
    assert weekday_only
    assert all(f"/workplaces/{r.workplace_id}/" not in night for r in weekday_only)
    assert any(f"/workplaces/{r.workplace_id}/" in day for r in weekday_only)


def test_a_workplaces_page_explains_its_score_indicator_by_indicator(
    scored: ScoringRun, staff: Staffed
) -> None:
    key = first_in(scored)
    response = as_user(staff, "skv_analyst").get(f"/en/targeting/workplaces/{key}/")
    assert response.status_code == 200
    page = response.content.decode()
    for indicator in INDICATORS:
        assert escape(indicator.reason_en) in page
        assert escape(indicator.innocent) in page
    swedish = login(Client(), "skv_analyst").get(f"/sv/targeting/workplaces/{key}/")
    assert escape(INDICATORS[0].reason_sv) in swedish.content.decode()


def test_feedback_coverage_and_the_model_card_are_shown(scored: ScoringRun, staff: Staffed) -> None:
    client = as_user(staff, "skv_analyst")
    feedback = client.get("/en/targeting/feedback/")
    assert feedback.status_code == 200
    assert 'data-testid="indicators"' in feedback.content.decode()
    assert 'data-testid="models"' in feedback.content.decode()
    assert client.get("/en/targeting/feedback/?owner=POL").status_code == 400
    coverage = client.get("/en/targeting/coverage/?top=5")
    assert coverage.status_code == 200
    for table in ["by_industry", "by_municipality", "by_centre"]:
        assert f'data-testid="{table}"' in coverage.content.decode()
    for bad in ["0", "abc", "-1", "9" * 30]:
        response = client.get(f"/en/targeting/coverage/?top={bad}")
        assert response.status_code == 400, bad
    model = ScoringModel.objects.get()
    card = client.get(f"/en/targeting/models/{model.pk}/")
    assert card.status_code == 200
    assert 'data-testid="card"' in card.content.decode()


def test_pages_before_any_run_say_so(staff: Staffed) -> None:
    client = as_user(staff, "skv_analyst")
    for url in PAGES:
        response = client.get(url)
        assert response.status_code == 200, url
        assert 'data-testid="no-runs"' in response.content.decode(), url


def test_the_list_costs_the_same_queries_for_one_row_and_for_a_full_page(
    scored: ScoringRun, staff: Staffed
) -> None:
    client = as_user(staff, "skv_coordinator")
    client.get("/en/targeting/")  # warm the session and caches
    top = scored.scores.filter(centre="stockholm").order_by("rank")[:2]
    assert top[0].score > top[1].score
    only_top = int(100 * top[0].score)  # the threshold that keeps (about) the top row
    counts, rows = [], []
    for query in ["", f"?min_score={only_top}"]:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(f"/en/targeting/{query}")
        assert response.status_code == 200
        counts.append(len(captured.captured_queries))
        rows.append(response.content.decode().count('name="workplace"'))
    assert rows[0] > rows[1] >= 1
    assert counts[0] == counts[1] <= 30
