"""Campaign pages: the permission matrix, the forms, the upload, the PDF download, and the
public survey form (no cookies, the respondent's language and direction, hostile input)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from akrim.campaigns import surveys
from akrim.campaigns.models import Activity, Campaign, Response
from akrim.core.actor import Actor
from tests.campaigns.conftest import SurveySet

pytestmark = pytest.mark.django_db
ClientFor = Callable[[str], Client]


def urls(campaign: Campaign, s: SurveySet | None = None) -> list[str]:
    base = f"/en/campaigns/{campaign.pk}/"
    out = ["/en/campaigns/", "/en/campaigns/experience/", base, base + "evaluation/"]
    if s is not None:
        out.append(f"{base}surveys/{s.survey.pk}/")
    return out


def test_anonymous_users_are_sent_to_log_in(survey_set: SurveySet) -> None:
    campaign = survey_set.survey.campaign
    for url in [*urls(campaign, survey_set), f"/en/campaigns/{campaign.pk}/evaluation.pdf"]:
        response = Client().get(url)
        assert response.status_code == 302, url
        assert "/accounts/login/" in response["Location"], url


@pytest.mark.parametrize("name", ["skv_inspector", "pol_inspector", "skv_auditor", "other_centre"])
def test_staff_without_a_campaign_role_get_not_found(
    client_for: ClientFor, survey_set: SurveySet, name: str
) -> None:
    client = client_for(name)
    campaign = survey_set.survey.campaign
    for url in [*urls(campaign, survey_set), f"/en/campaigns/{campaign.pk}/evaluation.pdf"]:
        assert client.get(url).status_code == 404, url
    assert client.post(f"/en/campaigns/{campaign.pk}/activities/", {}).status_code == 404


@pytest.mark.parametrize("name", ["national_reader", "skv_analyst"])
def test_readers_read_but_see_no_forms_and_cannot_write(
    client_for: ClientFor, survey_set: SurveySet, name: str
) -> None:
    client = client_for(name)
    campaign = survey_set.survey.campaign
    for url in urls(campaign, survey_set):
        assert client.get(url).status_code == 200, url
    page = client.get(f"/en/campaigns/{campaign.pk}/").content.decode()
    assert "activity-form" not in page
    assert "plan-form" not in client.get("/en/campaigns/").content.decode()
    response = client.post(
        f"/en/campaigns/{campaign.pk}/activities/", {"day": "2025-03-03", "channel": "tv"}
    )
    assert response.status_code == 403
    assert not Activity.objects.exists()


def test_a_coordinator_plans_and_logs_through_the_pages(
    client_for: ClientFor, cast: object
) -> None:
    client = client_for("coordinator")
    response = client.post(
        "/en/campaigns/new/",
        {
            "name": "Safe building sites",
            "aim": "behaviour",
            "target_kind": "employers",
            "centres": ["stockholm"],
            "comparison_centres": ["syd"],
            "agencies": ["AV"],
            "starts_on": "2025-04-01",
            "ends_on": "2025-06-30",
            "target_industries": ["F"],
            "channels": ["outreach"],
            "budget_sek": "50 000",
        },
    )
    assert response.status_code == 302
    campaign = Campaign.objects.get(name="Safe building sites")
    assert campaign.budget_sek == 50_000
    response = client.post(
        f"/en/campaigns/{campaign.pk}/activities/",
        {"day": "2025-04-03", "channel": "outreach", "centre": "stockholm", "leaflets": "80"},
    )
    assert response.status_code == 302
    page = client.get(f"/en/campaigns/{campaign.pk}/").content.decode()
    assert "Safe building sites" in page
    assert "activity-form" in page
    evaluation = client.get(f"/en/campaigns/{campaign.pk}/evaluation/").content.decode()
    assert 'data-testid="leaflets">80<' in evaluation


@pytest.mark.parametrize(
    "data",
    [
        {"name": "x", "starts_on": "yesterday", "ends_on": "2025-01-01"},
        {"name": "x", "starts_on": "2025-01-01", "ends_on": "2025-01-02", "budget_sek": "lots"},
        {"name": "<script>", "starts_on": "2025-01-01", "ends_on": "2024-01-01"},
        {"name": "x" * 5000, "starts_on": "2025-01-01", "ends_on": "2025-01-02"},
    ],
)
def test_bad_plans_get_a_400_page(
    client_for: ClientFor, cast: object, data: dict[str, str]
) -> None:
    response = client_for("coordinator").post("/en/campaigns/new/", data)
    assert response.status_code == 400
    assert not Campaign.objects.exists()
    assert b"<script>" not in response.content


def test_the_campaign_in_a_survey_url_must_match(
    client_for: ClientFor, survey_set: SurveySet, communicator: Actor
) -> None:
    from akrim.campaigns.services import plan_campaign
    from tests.campaigns.conftest import plan

    other = plan_campaign(actor=communicator, plan=plan(name="Other"))
    client = client_for("admin")
    assert (
        client.get(f"/en/campaigns/{other.pk}/surveys/{survey_set.survey.pk}/").status_code == 404
    )
    response = client.post(
        f"/en/campaigns/{other.pk}/surveys/{survey_set.survey.pk}/import/",
        {"file": SimpleUploadedFile("a.csv", b"wave,group,knows\nbefore,campaign,yes\n")},
    )
    assert response.status_code == 404
    assert not Response.objects.exists()


def test_the_upload_imports_or_lists_every_fault(
    client_for: ClientFor, survey_set: SurveySet
) -> None:
    client = client_for("admin")
    url = f"/en/campaigns/{survey_set.survey.campaign_id}/surveys/{survey_set.survey.pk}/import/"
    bad = b"wave,group,knows\nbefore,campaign,maybe\nnever,campaign,yes\n"
    response = client.post(url, {"file": SimpleUploadedFile("bad.csv", bad)})
    assert response.status_code == 400
    page = response.content.decode()
    assert "row 2, column &#x27;knows&#x27;: &#x27;maybe&#x27;" in page
    assert "row 3, column &#x27;wave&#x27;" in page
    assert not Response.objects.exists()
    assert client.post(url, {}).status_code == 400  # no file
    good = b"wave,group,knows\nbefore,campaign,yes\nafter,comparison,no\n"
    response = client.post(url, {"file": SimpleUploadedFile("good.csv", good)})
    assert response.status_code == 200
    assert b'data-testid="imported"' in response.content
    assert Response.objects.count() == 2


def test_the_pdf_is_downloaded(client_for: ClientFor, survey_set: SurveySet) -> None:
    response = client_for("national_reader").get(
        f"/en/campaigns/{survey_set.survey.campaign_id}/evaluation.pdf"
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response).startswith(b"%PDF")


def test_the_experience_search_refuses_hostile_text(
    client_for: ClientFor, campaign: Campaign
) -> None:
    client = client_for("national_reader")
    assert client.get("/en/campaigns/experience/", {"q": "a\x00b"}).status_code == 400
    assert client.get("/en/campaigns/experience/", {"q": "nothing"}).status_code == 200


# --- the public survey form ------------------------------------------------------------


def public(s: SurveySet, lang: str) -> str:
    return f"/{lang}/survey/{s.open_wave.token}/"


def token_of(html: str) -> str:
    found = re.search(r'name="form_token" value="([^"]+)"', html)
    assert found is not None
    return found.group(1)


@pytest.mark.parametrize(("lang", "direction"), [("ar", "rtl"), ("fa", "rtl"), ("pl", "ltr")])
def test_the_form_is_in_the_respondents_language_and_direction(
    survey_set: SurveySet, lang: str, direction: str
) -> None:
    response = Client().get(public(survey_set, lang))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{lang}" dir="{direction}">' in html
    assert "csrfmiddlewaretoken" not in html
    assert not response.cookies
    if lang == "ar":
        assert "هل تعلم؟" in html


def test_a_respondent_answers_once_without_cookies(survey_set: SurveySet) -> None:
    client = Client(enforce_csrf_checks=True)
    token = token_of(client.get(public(survey_set, "ar")).content.decode())
    q = survey_set.questions
    data = {
        "form_token": token,
        f"q{q['knows'].pk}": "yes",
        f"q{q['agree'].pk}": "5",
        f"q{q['where'].pk}": ["tv", "radio"],
    }
    response = client.post(
        public(survey_set, "ar"), data, REMOTE_ADDR="203.0.113.9", HTTP_USER_AGENT="Secret/1.0"
    )
    assert response.status_code == 200
    assert not response.cookies
    assert not client.cookies
    assert 'data-testid="message"' in response.content.decode()
    stored = Response.objects.get()
    assert stored.language == "ar"
    values = " ".join(str(v) for v in Response.objects.values().get().values())
    assert "203.0.113.9" not in values
    assert "Secret" not in values
    again = client.post(public(survey_set, "ar"), data)
    assert again.status_code == 400
    assert Response.objects.count() == 1


@pytest.mark.parametrize(
    "extra",
    [
        {},  # the required question left out
        {"knows": "<script>alert(1)</script>"},
        {"knows": "yes", "agree": "99"},
        {"knows": "yes", "hours": "1e400"},
        {"knows": "yes", "note": "x" * 3000},
        {"knows": "yes", "where": "'; DROP TABLE campaigns_response; --"},
    ],
)
def test_hostile_answers_are_refused_in_the_respondents_language(
    survey_set: SurveySet, extra: dict[str, str]
) -> None:
    client = Client()
    token = token_of(client.get(public(survey_set, "pl")).content.decode())
    data = {"form_token": token} | {
        f"q{survey_set.questions[code].pk}": value for code, value in extra.items()
    }
    response = client.post(public(survey_set, "pl"), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html
    assert 'role="alert"' in html
    assert not Response.objects.exists()


def test_a_post_without_a_valid_form_token_is_refused(survey_set: SurveySet) -> None:
    data = {f"q{survey_set.questions['knows'].pk}": "yes"}
    for token in ("", "forged", "x" * 5000):
        response = Client().post(public(survey_set, "sv"), data | {"form_token": token})
        assert response.status_code == 400
    assert not Response.objects.exists()


def test_unknown_links_and_closed_waves(survey_set: SurveySet) -> None:
    assert Client().get("/sv/survey/nope/").status_code == 404
    assert Client().get("/xx/survey/nope/").status_code == 404
    closed = survey_set.survey.waves.get(phase="before", group="campaign")
    page = Client().get(f"/sv/survey/{closed.token}/")
    assert page.status_code == 200
    assert 'data-testid="message"' in page.content.decode()
    post = Client().post(f"/sv/survey/{closed.token}/", {"form_token": surveys.form_token(closed)})
    assert post.status_code == 410
    assert Client().put(public(survey_set, "sv")).status_code == 405


def test_an_open_wave_ends_on_its_closing_day(survey_set: SurveySet) -> None:
    wave = survey_set.open_wave
    wave.closes_on = dt.date(2020, 1, 1)
    wave.opens_on = dt.date(2019, 1, 1)
    wave.save()
    assert not surveys.is_open(wave)


def test_a_survey_is_built_through_the_pages(client_for: ClientFor, campaign: Campaign) -> None:
    client = client_for("admin")
    base = f"/en/campaigns/{campaign.pk}/"
    response = client.post(base + "surveys/", {"title": "Panel"})
    assert response.status_code == 302
    survey = campaign.surveys.get()
    url = f"{base}surveys/{survey.pk}/"
    assert response["Location"] == url
    ok = client.post(
        url + "questions/",
        {
            "code": "knows",
            "kind": "single",
            "language": "sv",
            "text": "Vet du?",
            "options": "yes, no",
            "option_labels": "Ja | Nej",
            "required": "on",
        },
    )
    assert ok.status_code == 302
    question = survey.versions.get().questions.get()
    assert question.options == ["yes", "no"]
    assert question.required
    bad = client.post(
        url + "questions/",
        {"code": "x", "kind": "number", "language": "sv", "text": "?", "min_value": "lots"},
    )
    assert bad.status_code == 400
    translated = client.post(
        url + f"questions/{question.pk}/translations/",
        {"language": "fa", "text": "آیا می‌دانید؟", "option_labels": "بله|نه"},
    )
    assert translated.status_code == 302
    assert question.translations.get(language="fa").option_labels == ["بله", "نه"]
    assert client.post(url + "questions/999999/translations/", {}).status_code == 404
    wave = client.post(
        url + "waves/",
        {
            "phase": "before",
            "group": "campaign",
            "opens_on": "2025-02-01",
            "closes_on": "2025-02-10",
        },
    )
    assert wave.status_code == 302
    page = client.get(url).content.decode()
    assert "frozen" in page
    assert f"/sv/survey/{survey.waves.get().token}/" in page
    assert client.post(url + "versions/").status_code == 302
    assert survey.versions.count() == 2
    edit = client.get(base + "edit/")
    assert edit.status_code == 200
    assert "Know your rights" in edit.content.decode()


def test_a_reader_cannot_open_the_edit_page(client_for: ClientFor, campaign: Campaign) -> None:
    assert (
        client_for("national_reader").get(f"/en/campaigns/{campaign.pk}/edit/").status_code == 404
    )


def test_the_list_page_makes_a_fixed_number_of_queries(
    client_for: ClientFor, communicator: Actor
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from akrim.campaigns.services import plan_campaign
    from tests.campaigns.conftest import plan

    client = client_for("national_reader")

    def queries_for_list() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/en/campaigns/").status_code == 200
        return len(captured)

    plan_campaign(actor=communicator, plan=plan(name="Campaign 0"))
    one = queries_for_list()
    for n in range(1, 6):
        plan_campaign(actor=communicator, plan=plan(name=f"Campaign {n}"))
    assert queries_for_list() == one


@pytest.mark.parametrize(
    "data",
    [
        {"day": "2025-13-45", "channel": "tv"},
        {"day": "2025-03-03", "channel": "carrier-pigeon"},
        {"day": "2025-03-03", "channel": "tv", "leaflets": "-5"},
        {"day": "2025-03-03", "channel": "tv", "leaflets": "1e9"},
        {"day": "2025-03-03", "channel": "tv", "impressions": "9" * 40},
        {"day": "2025-03-03", "channel": "tv", "centre": "atlantis"},
        {"day": "2025-03-03", "channel": "tv", "description": "x" * 301},
        {"day": "2025-03-03", "channel": "tv", "description": "a\x1bb"},
    ],
)
def test_hostile_activity_forms_are_refused(
    client_for: ClientFor, campaign: Campaign, data: dict[str, str]
) -> None:
    response = client_for("admin").post(f"/en/campaigns/{campaign.pk}/activities/", data)
    assert response.status_code == 400
    assert not Activity.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {
            "phase": "before",
            "group": "campaign",
            "opens_on": "2025-02-10",
            "closes_on": "2025-02-01",
        },
        {
            "phase": "later",
            "group": "campaign",
            "opens_on": "2025-02-01",
            "closes_on": "2025-02-10",
        },
        {"phase": "before", "group": "campaign", "opens_on": "soon", "closes_on": "2025-02-10"},
    ],
)
def test_bad_waves_are_refused(
    client_for: ClientFor, survey_set: SurveySet, data: dict[str, str]
) -> None:
    before = survey_set.survey.waves.count()
    url = f"/en/campaigns/{survey_set.survey.campaign_id}/surveys/{survey_set.survey.pk}/waves/"
    assert client_for("admin").post(url, data).status_code == 400
    assert survey_set.survey.waves.count() == before
