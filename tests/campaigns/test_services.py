"""Campaign services: planning rules, permissions, audit, survey versions and the
public form's answers and tokens."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import signing

from akrim.audit.models import AuditEntry
from akrim.campaigns import queries, services, surveys
from akrim.campaigns.models import Answer, Campaign, Response, SurveyVersion
from akrim.core.actor import Actor
from akrim.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from tests.campaigns.conftest import SurveySet, plan
from tests.cast import Cast

pytestmark = pytest.mark.django_db


def test_a_communicator_plans_a_campaign_and_it_is_audited(communicator: Actor) -> None:
    campaign = services.plan_campaign(actor=communicator, plan=plan())
    assert campaign.name == "Know your rights"
    assert sorted(c.code for c in campaign.centres.all()) == ["stockholm"]
    assert sorted(a.code for a in campaign.agencies.all()) == ["AV", "SKV"]
    entry = AuditEntry.objects.filter(action="campaigns.campaign_planned").get()
    assert entry.object_id == str(campaign.pk)
    assert entry.username == "communicator"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"ends_on": dt.date(2025, 2, 1)}, "ends before"),
        ({"centres": []}, "at least one region"),
        ({"centres": ["atlantis"]}, "Unknown centre"),
        ({"comparison_centres": ["stockholm"]}, "both"),
        ({"agencies": ["XX"]}, "agencies"),
        ({"aim": "fame"}, "Unknown aim"),
        ({"target_languages": ["xx"]}, "Unknown language"),
        ({"target_industries": ["Z"]}, "Unknown industry"),
        ({"channels": ["pigeons"]}, "Unknown channel"),
        ({"name": ""}, "Fill in"),
        ({"name": "x" * 201}, "too long"),
        ({"name": "bad\x00name"}, "control characters"),
        ({"budget_sek": -1}, "budget"),
        ({"ends_on": dt.date(2029, 1, 1)}, "three years"),
    ],
)
def test_a_bad_plan_is_refused(
    communicator: Actor, changes: dict[str, object], message: str
) -> None:
    with pytest.raises(InvalidInput, match=message):
        services.plan_campaign(actor=communicator, plan=plan(**changes))
    assert not Campaign.objects.exists()


def test_coordinators_plan_only_in_their_own_centres(cast: Cast) -> None:
    coordinator = cast.actor("coordinator")  # Stockholm
    services.plan_campaign(actor=coordinator, plan=plan())
    with pytest.raises(Forbidden):
        services.plan_campaign(actor=coordinator, plan=plan(centres=["syd"], comparison_centres=[]))


@pytest.mark.parametrize(
    ("name", "error"),
    [
        ("skv_inspector", NotFound),
        ("skv_auditor", NotFound),
        ("national_reader", Forbidden),
        ("skv_analyst", Forbidden),
    ],
)
def test_others_cannot_plan(cast: Cast, name: str, error: type[Exception]) -> None:
    with pytest.raises(error):
        services.plan_campaign(actor=cast.actor(name), plan=plan())
    assert not Campaign.objects.exists()


def test_readers_see_campaigns_but_cannot_edit_them(cast: Cast, campaign: Campaign) -> None:
    for name in ("national_reader", "skv_analyst"):
        actor = cast.actor(name)
        assert queries.get_campaign(actor=actor, id=campaign.pk) == campaign
        with pytest.raises(Forbidden):
            services.log_activity(
                actor=actor, campaign_id=campaign.pk, day=dt.date(2025, 3, 2), channel="tv"
            )
    for name in ("skv_inspector", "skv_auditor", "pol_inspector"):
        with pytest.raises(NotFound):
            queries.get_campaign(actor=cast.actor(name), id=campaign.pk)


def test_a_coordinator_of_another_centre_cannot_edit(cast: Cast, communicator: Actor) -> None:
    campaign = services.plan_campaign(
        actor=communicator, plan=plan(centres=["syd"], comparison_centres=[])
    )
    with pytest.raises(Forbidden):
        services.update_campaign(
            actor=cast.actor("coordinator"), campaign_id=campaign.pk, plan=plan()
        )


def test_activities_and_experience_are_logged(communicator: Actor, campaign: Campaign) -> None:
    activity = services.log_activity(
        actor=communicator,
        campaign_id=campaign.pk,
        day=dt.date(2025, 3, 5),
        channel="outreach",
        centre="stockholm",
        leaflets=120,
        people_spoken_to=40,
    )
    assert activity.leaflets == 120
    assert activity.centre is not None
    with pytest.raises(InvalidInput):
        services.log_activity(
            actor=communicator,
            campaign_id=campaign.pk,
            day=dt.date(2025, 3, 5),
            channel="tv",
            leaflets=-1,
        )
    with pytest.raises(InvalidInput):
        services.log_activity(
            actor=communicator, campaign_id=campaign.pk, day=dt.date(2030, 3, 5), channel="tv"
        )
    services.add_experience(
        actor=communicator,
        campaign_id=campaign.pk,
        group="Romanian cleaners",
        tried="Evening meetings in a church hall",
        reached_how="Through a community association",
        worked="Word of mouth",
        recorded_on=dt.date(2025, 4, 1),
    )
    found = queries.search_experience(actor=communicator, text="church")
    assert [e.group for e in found] == ["Romanian cleaners"]
    assert not queries.search_experience(actor=communicator, text="submarine").exists()
    with pytest.raises(InvalidInput):
        queries.search_experience(actor=communicator, text="x" * 101)
    assert AuditEntry.objects.filter(action="campaigns.activity_logged").count() == 1
    assert AuditEntry.objects.filter(action="campaigns.experience_added").count() == 1


def test_material_links_to_an_existing_portal_page_only(
    communicator: Actor, campaign: Campaign
) -> None:
    from akrim.portal.models import Page

    Page.objects.create(slug="campaign-know-your-rights", kind="campaign")
    material = services.add_material(
        actor=communicator,
        campaign_id=campaign.pk,
        language="pl",
        kind="page",
        title="Strona",
        page_slug="campaign-know-your-rights",
    )
    assert material.page is not None
    with pytest.raises(InvalidInput, match="No portal page"):
        services.add_material(
            actor=communicator,
            campaign_id=campaign.pk,
            language="pl",
            kind="page",
            title="Strona",
            page_slug="nope",
        )
    with pytest.raises(InvalidInput):
        services.add_material(
            actor=communicator, campaign_id=campaign.pk, language="xx", kind="page", title="T"
        )


# --- survey building --------------------------------------------------------------------


def test_a_used_version_is_frozen_and_a_new_version_copies_it(
    communicator: Actor, survey_set: SurveySet
) -> None:
    survey = survey_set.survey
    version = SurveyVersion.objects.get(survey=survey, number=1)
    assert version.frozen
    spec = surveys.QuestionSpec(code="extra", kind="number", language="sv", text="Mer?")
    with pytest.raises(Conflict, match="frozen"):
        surveys.add_question(actor=communicator, survey_id=survey.pk, spec=spec)
    with pytest.raises(Conflict, match="frozen"):
        surveys.translate_question(
            actor=communicator,
            question_id=survey_set.questions["knows"].pk,
            language="sv",
            text_="Ändrad?",
            option_labels=["Ja", "Nej"],
        )
    # a new language may still be added to a frozen version
    surveys.translate_question(
        actor=communicator,
        question_id=survey_set.questions["knows"].pk,
        language="pl",
        text_="Czy wiesz?",
        option_labels=["Tak", "Nie"],
    )
    second = surveys.new_version(actor=communicator, survey_id=survey.pk)
    assert second.number == 2
    assert not second.frozen
    assert [q.code for q in second.questions.all()] == ["knows", "agree", "where", "hours", "note"]
    assert second.questions.get(code="knows").translations.count() == 4
    surveys.add_question(actor=communicator, survey_id=survey.pk, spec=spec)
    assert version.questions.count() == 5  # the old version did not change
    with pytest.raises(Conflict, match="draft"):
        surveys.new_version(actor=communicator, survey_id=survey.pk)


@pytest.mark.parametrize(
    "spec",
    [
        surveys.QuestionSpec(code="Bad Code", kind="number", language="sv", text="?"),
        surveys.QuestionSpec(code="weight", kind="number", language="sv", text="?"),
        surveys.QuestionSpec(code="q", kind="poem", language="sv", text="?"),
        surveys.QuestionSpec(code="q", kind="number", language="xx", text="?"),
        surveys.QuestionSpec(code="q", kind="single", language="sv", text="?", options=["a"]),
        surveys.QuestionSpec(
            code="q",
            kind="single",
            language="sv",
            text="?",
            options=["a", "a"],
            option_labels=["A", "A"],
        ),
        surveys.QuestionSpec(
            code="q",
            kind="single",
            language="sv",
            text="?",
            options=["a", "b"],
            option_labels=["A"],
        ),
        surveys.QuestionSpec(code="q", kind="likert", language="sv", text="?", scale_points=40),
        surveys.QuestionSpec(
            code="q", kind="number", language="sv", text="?", min_value=5, max_value=1
        ),
        surveys.QuestionSpec(
            code="q", kind="number", language="sv", text="?", min_value=float("nan")
        ),
        surveys.QuestionSpec(code="q", kind="number", language="sv", text=""),
    ],
)
def test_a_bad_question_is_refused(
    communicator: Actor, campaign: Campaign, spec: surveys.QuestionSpec
) -> None:
    survey = surveys.create_survey(actor=communicator, campaign_id=campaign.pk, title="S")
    with pytest.raises(InvalidInput):
        surveys.add_question(actor=communicator, survey_id=survey.pk, spec=spec)


def test_a_wave_needs_questions(communicator: Actor, campaign: Campaign) -> None:
    survey = surveys.create_survey(actor=communicator, campaign_id=campaign.pk, title="S")
    with pytest.raises(Conflict):
        surveys.open_wave(
            actor=communicator,
            survey_id=survey.pk,
            phase="before",
            group="campaign",
            opens_on=dt.date(2025, 1, 1),
            closes_on=dt.date(2025, 1, 2),
        )
    with pytest.raises(InvalidInput):
        surveys.open_wave(
            actor=communicator,
            survey_id=survey.pk,
            phase="sometime",
            group="campaign",
            opens_on=dt.date(2025, 1, 1),
            closes_on=dt.date(2025, 1, 2),
        )


# --- the public form --------------------------------------------------------------------


def _sent(s: SurveySet, **values: list[str]) -> dict[str, list[str]]:
    return {f"q{s.questions[code].pk}": v for code, v in values.items()}


def test_a_response_is_stored_anonymously_once(survey_set: SurveySet) -> None:
    wave = survey_set.open_wave
    token = surveys.form_token(wave)
    sent = _sent(
        survey_set, knows=["yes"], agree=["4"], where=["tv", "web"], hours=["37,5"], note=["ok"]
    )
    response = surveys.submit_response(wave=wave, lang="ar", token=token, sent=sent)
    assert response.language == "ar"
    assert response.source == "link"
    answers = {a.question.code: a for a in Answer.objects.filter(response=response)}
    assert answers["knows"].choices == ["yes"]
    assert answers["agree"].number == 4.0
    assert answers["where"].choices == ["tv", "web"]
    assert answers["hours"].number == 37.5
    assert answers["note"].text == "ok"
    field_names = {f.name for f in Response._meta.get_fields()}
    assert not field_names & {"ip", "ip_address", "user_agent", "user", "session", "cookie"}
    with pytest.raises(surveys.FormExpired):  # the same form again
        surveys.submit_response(wave=wave, lang="ar", token=token, sent=sent)
    assert Response.objects.count() == 1
    entry = AuditEntry.objects.get(action="campaigns.response_received")
    assert entry.user_id is None
    assert "ip" not in str(entry.detail)


@pytest.mark.parametrize(
    ("values", "code", "error"),
    [
        ({}, "knows", "error_required"),
        ({"knows": ["maybe"]}, "knows", "error_invalid"),
        ({"knows": ["yes", "no"]}, "knows", "error_invalid"),
        ({"knows": ["yes"], "agree": ["6"]}, "agree", "error_invalid"),
        ({"knows": ["yes"], "agree": ["2.5"]}, "agree", "error_invalid"),
        ({"knows": ["yes"], "where": ["tv", "cinema"]}, "where", "error_invalid"),
        ({"knows": ["yes"], "hours": ["-1"]}, "hours", "error_invalid"),
        ({"knows": ["yes"], "hours": ["inf"]}, "hours", "error_invalid"),
        ({"knows": ["yes"], "hours": ["1" * 40]}, "hours", "error_invalid"),
        ({"knows": ["yes"], "note": ["x" * 2001]}, "note", "error_too_long"),
        ({"knows": ["yes"], "note": ["a\x00b"]}, "note", "error_invalid"),
    ],
)
def test_bad_answers_are_named_and_nothing_is_stored(
    survey_set: SurveySet, values: dict[str, list[str]], code: str, error: str
) -> None:
    token = surveys.form_token(survey_set.open_wave)
    with pytest.raises(surveys.AnswersRefused) as refused:
        surveys.submit_response(
            wave=survey_set.open_wave, lang="sv", token=token, sent=_sent(survey_set, **values)
        )
    assert refused.value.errors == {survey_set.questions[code].pk: error}
    assert not Response.objects.exists()


def test_forged_expired_or_foreign_tokens_are_refused(
    survey_set: SurveySet, settings: object
) -> None:
    wave = survey_set.open_wave
    sent = _sent(survey_set, knows=["yes"])
    other = survey_set.survey.waves.exclude(pk=wave.pk).first()
    assert other is not None
    forged = signing.dumps({"w": wave.pk, "n": "x"}, salt="another-salt")
    for token in ("", "garbage", forged, surveys.form_token(other), "a" * 10_000):
        with pytest.raises(surveys.FormExpired):
            surveys.submit_response(wave=wave, lang="sv", token=token, sent=sent)
    assert not Response.objects.exists()


def test_a_closed_wave_takes_no_answers(survey_set: SurveySet) -> None:
    closed = survey_set.survey.waves.get(phase="before", group="campaign")
    assert not surveys.is_open(closed)
    with pytest.raises(Conflict):
        surveys.submit_response(
            wave=closed,
            lang="sv",
            token=surveys.form_token(closed),
            sent=_sent(survey_set, knows=["yes"]),
        )


def test_questions_show_in_the_respondents_language_with_fallback(survey_set: SurveySet) -> None:
    shown = {s.question.code: s for s in surveys.shown_questions(survey_set.open_wave, "ar")}
    assert shown["knows"].text == "هل تعلم؟"
    assert shown["knows"].options == [("yes", "نعم"), ("no", "لا")]
    # no Arabic text: English first, then Swedish
    assert shown["agree"].text == "Håller du med?"
    polish = {s.question.code: s for s in surveys.shown_questions(survey_set.open_wave, "pl")}
    assert polish["knows"].text == "Do you know?"


def test_an_unknown_or_hostile_token_is_not_found(survey_set: SurveySet) -> None:
    for token in ("nope", "", "x" * 33, "a\x00b"):
        with pytest.raises(NotFound):
            surveys.wave_by_token(token)
    assert surveys.wave_by_token(survey_set.open_wave.token) == survey_set.open_wave
