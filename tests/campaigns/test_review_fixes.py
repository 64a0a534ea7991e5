"""Fixes from the review: no scripted stuffing of a public survey, strict numbers, sane
campaign dates, activities only in the campaign's regions, no response id in the audit."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest

from akrim.audit.models import AuditEntry
from akrim.campaigns import services, surveys
from akrim.campaigns.models import Campaign, Response
from akrim.core.actor import Actor
from akrim.core.errors import InvalidInput
from tests.campaigns.conftest import SurveySet, plan

pytestmark = pytest.mark.django_db


def _sent(s: SurveySet, **values: list[str]) -> dict[str, list[str]]:
    return {f"q{s.questions[code].pk}": v for code, v in values.items()}


def test_a_form_sent_faster_than_a_person_answers_is_refused(
    survey_set: SurveySet, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(surveys, "MIN_FILL_SECONDS", 5)
    wave = survey_set.open_wave
    with pytest.raises(surveys.FormExpired):
        surveys.submit_response(
            wave=wave,
            lang="pl",
            token=surveys.form_token(wave),
            sent=_sent(survey_set, knows=["yes"]),
        )
    assert not Response.objects.exists()


def test_a_wave_takes_a_limited_number_of_responses_a_minute(
    survey_set: SurveySet, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(surveys, "RESPONSES_PER_MINUTE", 3)
    wave = survey_set.open_wave
    for _ in range(3):
        surveys.submit_response(
            wave=wave,
            lang="pl",
            token=surveys.form_token(wave),
            sent=_sent(survey_set, knows=["yes"]),
        )
    with pytest.raises(surveys.Throttled):
        surveys.submit_response(
            wave=wave,
            lang="pl",
            token=surveys.form_token(wave),
            sent=_sent(survey_set, knows=["yes"]),
        )
    assert Response.objects.count() == 3


@pytest.mark.parametrize("value", ["1_0", "\u0663", "1e3", "0x10", " 4 4"])
def test_numbers_are_plain_digits(survey_set: SurveySet, value: str) -> None:
    with pytest.raises(surveys.AnswersRefused):
        surveys.submit_response(
            wave=survey_set.open_wave,
            lang="pl",
            token=surveys.form_token(survey_set.open_wave),
            sent=_sent(survey_set, knows=["yes"], hours=[value]),
        )


def test_the_audit_names_the_wave_not_the_response(survey_set: SurveySet) -> None:
    wave = survey_set.open_wave
    response = surveys.submit_response(
        wave=wave, lang="pl", token=surveys.form_token(wave), sent=_sent(survey_set, knows=["no"])
    )
    entry = AuditEntry.objects.get(action="campaigns.response_received")
    assert (entry.object_type, entry.object_id) == ("campaigns.wave", str(wave.pk))
    assert set(entry.detail) == {"language", "answers"}  # nothing that names the response
    assert response.received_on is not None  # the response keeps only its day


@pytest.mark.parametrize(
    ("starts", "ends"),
    [(dt.date(1, 1, 1), dt.date(1, 2, 1)), (dt.date(9999, 1, 1), dt.date(9999, 12, 31))],
)
def test_campaign_dates_lie_in_a_sane_range(
    communicator: Actor, starts: dt.date, ends: dt.date
) -> None:
    with pytest.raises(InvalidInput, match="Campaign dates lie between"):
        services.plan_campaign(
            actor=communicator, plan=dataclasses.replace(plan(), starts_on=starts, ends_on=ends)
        )
    assert not Campaign.objects.exists()


def test_an_activity_is_logged_only_in_the_campaigns_regions(
    campaign: Campaign, communicator: Actor
) -> None:
    with pytest.raises(InvalidInput, match="not one of the campaign's regions"):
        services.log_activity(
            actor=communicator,
            campaign_id=campaign.pk,
            day=campaign.starts_on,
            channel="outreach",
            centre="nord",
            leaflets=10,
        )
    activity = services.log_activity(
        actor=communicator,
        campaign_id=campaign.pk,
        day=campaign.starts_on,
        channel="outreach",
        centre="syd",  # a comparison region: activities there are logged too
        leaflets=10,
    )
    assert activity.centre is not None


def test_a_digit_python_takes_for_a_digit_is_refused_not_a_server_error(
    campaign: Campaign, communicator: Actor, client_for: Any
) -> None:
    response = client_for("communicator").post(
        f"/en/campaigns/{campaign.pk}/activities/",
        {"day": campaign.starts_on.isoformat(), "channel": "outreach", "leaflets": "١٢"},
    )
    assert response.status_code == 400
    assert not campaign.activities.exists()
