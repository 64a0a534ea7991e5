"""Campaign fixtures: the cast plus a communicator, a planned campaign, a survey with
every kind of question, and waves (two closed before/after pairs, one open link wave)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone

from akrim.campaigns import services, surveys
from akrim.campaigns.models import Campaign, Question, Survey, Wave
from akrim.core.actor import Actor
from akrim.organisation.services import create_staff
from tests.cast import PASSWORD, Cast

START, END = dt.date(2025, 3, 1), dt.date(2025, 5, 31)


@pytest.fixture(autouse=True)
def _instant_answers(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests answer at once; the minimum fill time has its own test."""
    from akrim.campaigns import surveys

    monkeypatch.setattr(surveys, "MIN_FILL_SECONDS", 0)


@pytest.fixture
def communicator(cast: Cast) -> Actor:
    create_staff(
        actor=Actor.system(),
        username="communicator",
        password=PASSWORD,
        agency="SKV",
        centres=[],
        roles=["communicator"],
    )
    return _actor("communicator")


def _actor(username: str) -> Actor:
    from django.contrib.auth.models import User

    from akrim.organisation.queries import actor_for_user

    return actor_for_user(User.objects.get(username=username))


def plan(**changes: object) -> services.Plan:
    values: dict[str, object] = {
        "name": "Know your rights",
        "aim": "knowledge",
        "target_kind": "workers",
        "starts_on": START,
        "ends_on": END,
        "centres": ["stockholm"],
        "agencies": ["AV", "SKV"],
        "comparison_centres": ["syd"],
        "target_languages": ["pl", "ar"],
        "target_industries": ["F", "I"],
        "channels": ["social", "leaflets"],
        "budget_sek": 100_000,
    }
    values.update(changes)
    return services.Plan(**values)  # type: ignore[arg-type]  # test values, checked by Plan's users


@pytest.fixture
def campaign(communicator: Actor) -> Campaign:
    return services.plan_campaign(actor=communicator, plan=plan())


@dataclass(frozen=True)
class SurveySet:
    survey: Survey
    questions: dict[str, Question]
    open_wave: Wave


def make_survey(actor: Actor, campaign: Campaign) -> SurveySet:
    survey = surveys.create_survey(actor=actor, campaign_id=campaign.pk, title="Rights survey")
    specs = [
        surveys.QuestionSpec(
            code="knows",
            kind="single",
            language="sv",
            text="Vet du?",
            options=["yes", "no"],
            option_labels=["Ja", "Nej"],
            required=True,
        ),
        surveys.QuestionSpec(code="agree", kind="likert", language="sv", text="Håller du med?"),
        surveys.QuestionSpec(
            code="where",
            kind="multiple",
            language="sv",
            text="Var?",
            options=["tv", "radio", "web"],
            option_labels=["TV", "Radio", "Webb"],
        ),
        surveys.QuestionSpec(
            code="hours", kind="number", language="sv", text="Timmar?", min_value=0, max_value=100
        ),
        surveys.QuestionSpec(code="note", kind="text", language="sv", text="Något mer?"),
    ]
    questions = {}
    for spec in specs:
        questions[spec.code] = surveys.add_question(actor=actor, survey_id=survey.pk, spec=spec)
    surveys.translate_question(
        actor=actor,
        question_id=questions["knows"].pk,
        language="ar",
        text_="هل تعلم؟",
        option_labels=["نعم", "لا"],
    )
    surveys.translate_question(
        actor=actor,
        question_id=questions["knows"].pk,
        language="en",
        text_="Do you know?",
        option_labels=["Yes", "No"],
    )
    for phase, opens in (("before", dt.date(2025, 2, 1)), ("after", dt.date(2025, 6, 2))):
        for group in ("campaign", "comparison"):
            surveys.open_wave(
                actor=actor,
                survey_id=survey.pk,
                phase=phase,
                group=group,
                opens_on=opens,
                closes_on=opens + dt.timedelta(days=20),
            )
    today = timezone.localdate()
    link = surveys.open_wave(
        actor=actor,
        survey_id=survey.pk,
        phase="during",
        group="campaign",
        opens_on=today - dt.timedelta(days=1),
        closes_on=today + dt.timedelta(days=10),
    )
    return SurveySet(survey, questions, link)


@pytest.fixture
def survey_set(communicator: Actor, campaign: Campaign) -> SurveySet:
    return make_survey(communicator, campaign)
