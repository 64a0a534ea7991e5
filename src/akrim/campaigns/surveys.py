"""Surveys: building them (questions in versions, translations, waves) and the public
form (rendering in the respondent's language, validating and storing an anonymous
response).

The public form sets no cookie, so it cannot carry Django's CSRF cookie. Instead every
form carries a signed token (``form_token``): it names the wave, expires after
``FORM_MAX_AGE`` seconds and holds a random nonce that is stored with the response under a
unique constraint, so a form can be sent once. A forged cross-site post has no valid
token; a replayed one is refused.
"""

from __future__ import annotations

import math
import re
import secrets
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone

from akrim.audit.services import record
from akrim.campaigns import policies
from akrim.campaigns.models import (
    Answer,
    Campaign,
    Group,
    Phase,
    Question,
    QuestionKind,
    QuestionTranslation,
    Response,
    Source,
    Survey,
    SurveyVersion,
    Wave,
)
from akrim.campaigns.services import editable
from akrim.controls.services.common import CONTROL_CHARACTERS, text
from akrim.core.actor import Actor
from akrim.core.errors import Conflict, InvalidInput, NotFound
from akrim.core.i18n import portal_languages
from akrim.core.text import looks_like_key

FORM_SALT = "akrim.campaigns.survey-form"
FORM_MAX_AGE = 6 * 3600
MAX_QUESTIONS = 60
MAX_OPTIONS = 20
MAX_TEXT_ANSWER = 2000
MAX_NUMBER_CHARS = 30
PUBLIC = Actor(user_id=None, username="public-survey", agency=None)
FALLBACK = ("en", "sv")
CODE = re.compile(r"[a-z][a-z0-9_]{0,39}")  # a question's or an option's code


# --- building --------------------------------------------------------------------------


def _campaign_for_edit(actor: Actor, survey_id: int) -> Survey:
    survey = Survey.objects.filter(pk=survey_id).first()
    if survey is None or not policies.may_read(actor):
        raise NotFound()
    editable(actor, survey.campaign_id)
    return survey


def create_survey(*, actor: Actor, campaign_id: int, title: str) -> Survey:
    """A survey with an empty draft version 1."""
    cleaned = text(title, field="The title", max_length=200, required=True)
    with transaction.atomic():
        campaign: Campaign = editable(actor, campaign_id)
        survey = Survey.objects.create(campaign=campaign, title=cleaned)
        SurveyVersion.objects.create(survey=survey, number=1)
        record(
            actor=actor,
            action="campaigns.survey_created",
            object_type="campaigns.survey",
            object_id=str(survey.pk),
            fields=["campaign", "title"],
            detail={"campaign": campaign.pk},
        )
    return survey


def latest_version(survey: Survey) -> SurveyVersion:
    version = survey.versions.order_by("-number").first()
    if version is None:  # every survey is created with version 1
        raise NotFound()
    return version


def _labels(kind: str, options: Sequence[str], labels: Sequence[str]) -> list[str]:
    if kind not in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        return []
    if len(labels) != len(options):
        raise InvalidInput("Give one label per option (%(n)s).", n=len(options))
    return [text(label, field="An option label", max_length=200, required=True) for label in labels]


@dataclass(frozen=True)
class QuestionSpec:
    """A new question and its text in one language."""

    code: str
    kind: str
    language: str
    text: str
    options: Sequence[str] = ()
    option_labels: Sequence[str] = ()
    scale_points: int = 5
    min_value: float | None = None
    max_value: float | None = None
    required: bool = False


def _check_spec(spec: QuestionSpec) -> None:
    if not CODE.fullmatch(spec.code):
        raise InvalidInput(
            "A question code is a small letter a–z, then a–z, 0–9 and _ (at most 40)."
        )
    if spec.code in ("wave", "group", "weight"):
        raise InvalidInput("A question cannot be called wave, group or weight.")
    if spec.kind not in QuestionKind.values:
        raise InvalidInput("Unknown kind of question.")
    if spec.language not in portal_languages():
        raise InvalidInput("Unknown language.")
    choice = spec.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE)
    if choice:
        codes = list(spec.options)
        if not 2 <= len(codes) <= MAX_OPTIONS or len(set(codes)) != len(codes):
            raise InvalidInput(
                "A choice question needs 2 to %(max)s different options.", max=MAX_OPTIONS
            )
        if not all(CODE.fullmatch(c) for c in codes):
            raise InvalidInput(
                "An option code is a small letter a–z, then a–z, 0–9 and _ (at most 40)."
            )
    if spec.kind == QuestionKind.LIKERT and not 3 <= spec.scale_points <= 11:
        raise InvalidInput("A Likert scale has 3 to 11 points.")
    for bound in (spec.min_value, spec.max_value):
        if bound is not None and not math.isfinite(bound):
            raise InvalidInput("The limits must be numbers.")
    if (
        spec.min_value is not None
        and spec.max_value is not None
        and spec.min_value > spec.max_value
    ):
        raise InvalidInput("The lowest number is above the highest.")


def add_question(*, actor: Actor, survey_id: int, spec: QuestionSpec) -> Question:
    """Add a question to the survey's draft version. Raises Conflict when the latest
    version is frozen (make a new version first)."""
    _check_spec(spec)
    wording = text(spec.text, field="The question", max_length=500, required=True)
    labels = _labels(spec.kind, spec.options, spec.option_labels)
    choice = spec.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE)
    with transaction.atomic():
        survey = _campaign_for_edit(actor, survey_id)
        version = SurveyVersion.objects.select_for_update().get(pk=latest_version(survey).pk)
        if version.frozen:
            raise Conflict("This version is in use and frozen: make a new version to change it.")
        if version.questions.count() >= MAX_QUESTIONS:
            raise Conflict("A survey has at most %(max)s questions.", max=MAX_QUESTIONS)
        if version.questions.filter(code=spec.code).exists():
            raise Conflict("The survey already has a question %(code)s.", code=spec.code)
        question = Question.objects.create(
            version=version,
            position=version.questions.count() + 1,
            code=spec.code,
            kind=spec.kind,
            options=list(spec.options) if choice else [],
            scale_points=spec.scale_points if spec.kind == QuestionKind.LIKERT else 5,
            min_value=spec.min_value if spec.kind == QuestionKind.NUMBER else None,
            max_value=spec.max_value if spec.kind == QuestionKind.NUMBER else None,
            required=spec.required,
        )
        QuestionTranslation.objects.create(
            question=question, language=spec.language, text=wording, option_labels=labels
        )
        record(
            actor=actor,
            action="campaigns.question_added",
            object_type="campaigns.question",
            object_id=str(question.pk),
            fields=["code", "kind", "options", "text"],
            detail={"survey": survey.pk, "version": version.number, "code": spec.code},
        )
    return question


def translate_question(
    *, actor: Actor, question_id: int, language: str, text_: str, option_labels: Sequence[str]
) -> QuestionTranslation:
    """Add or change a question's text in a language. On a frozen version a language may
    be added but an existing text never changes (answers were given to it)."""
    if language not in portal_languages():
        raise InvalidInput("Unknown language.")
    wording = text(text_, field="The question", max_length=500, required=True)
    with transaction.atomic():
        question = Question.objects.select_related("version__survey").filter(pk=question_id).first()
        if question is None:
            raise NotFound()
        _campaign_for_edit(actor, question.version.survey_id)
        labels = _labels(question.kind, question.options, option_labels)
        existing = question.translations.filter(language=language).first()
        if existing is not None and question.version.frozen:
            raise Conflict("This version is frozen: its texts cannot change.")
        translation, _created = QuestionTranslation.objects.update_or_create(
            question=question,
            language=language,
            defaults={"text": wording, "option_labels": labels},
        )
        record(
            actor=actor,
            action="campaigns.question_translated",
            object_type="campaigns.question",
            object_id=str(question.pk),
            fields=["text", "option_labels"],
            detail={"language": language},
        )
    return translation


def new_version(*, actor: Actor, survey_id: int) -> SurveyVersion:
    """The next version as a draft copy of the latest (which must be frozen)."""
    with transaction.atomic():
        survey = _campaign_for_edit(actor, survey_id)
        latest = SurveyVersion.objects.select_for_update().get(pk=latest_version(survey).pk)
        if not latest.frozen:
            raise Conflict("The latest version is still a draft: change it instead.")
        version = SurveyVersion.objects.create(survey=survey, number=latest.number + 1)
        for question in latest.questions.prefetch_related("translations"):
            translations = list(question.translations.all())
            question.pk = None
            question.version = version
            question.save()
            QuestionTranslation.objects.bulk_create(
                QuestionTranslation(
                    question=question,
                    language=t.language,
                    text=t.text,
                    option_labels=t.option_labels,
                )
                for t in translations
            )
        record(
            actor=actor,
            action="campaigns.survey_version_created",
            object_type="campaigns.survey",
            object_id=str(survey.pk),
            fields=["version"],
            detail={"version": version.number},
        )
    return version


def open_wave(
    *,
    actor: Actor,
    survey_id: int,
    phase: str,
    group: str,
    opens_on: object,
    closes_on: object,
) -> Wave:
    """A wave on the survey's latest version, which is frozen from now on."""
    import datetime as dt

    if phase not in Phase.values or group not in Group.values:
        raise InvalidInput("Unknown phase or group.")
    if not isinstance(opens_on, dt.date) or not isinstance(closes_on, dt.date):
        raise InvalidInput("Give the days the wave opens and closes.")
    if closes_on < opens_on:
        raise InvalidInput("The wave closes before it opens.")
    with transaction.atomic():
        survey = _campaign_for_edit(actor, survey_id)
        version = SurveyVersion.objects.select_for_update().get(pk=latest_version(survey).pk)
        if not version.questions.exists():
            raise Conflict("The survey has no questions yet.")
        if not version.frozen:
            version.frozen_at = timezone.now()
            version.save(update_fields=["frozen_at"])
        wave = Wave.objects.create(
            survey=survey,
            version=version,
            phase=phase,
            group=group,
            opens_on=opens_on,
            closes_on=closes_on,
            token=secrets.token_urlsafe(18),
        )
        record(
            actor=actor,
            action="campaigns.wave_opened",
            object_type="campaigns.wave",
            object_id=str(wave.pk),
            fields=["phase", "group", "opens_on", "closes_on", "version"],
            detail={
                "survey": survey.pk,
                "phase": phase,
                "group": group,
                "version": version.number,
            },
        )
    return wave


# --- the public form -------------------------------------------------------------------


@dataclass(frozen=True)
class Shown:
    """A question as the respondent sees it."""

    question: Question
    text: str
    options: list[tuple[str, str]]  # (code, label)
    points: list[str]
    error: str = ""  # the error's text in the respondent's language, "" when fine
    value: list[str] = field(default_factory=list)  # what was sent, to show it again


def wave_by_token(token: str) -> Wave:
    """The wave of a public link; NotFound for anything else."""
    if not looks_like_key(token, max_length=32):
        raise NotFound()
    wave = Wave.objects.select_related("version", "survey").filter(token=token).first()
    if wave is None:
        raise NotFound()
    return wave


def is_open(wave: Wave) -> bool:
    return wave.opens_on <= timezone.localdate() <= wave.closes_on


def _wording(question: Question, lang: str) -> QuestionTranslation | None:
    found = {t.language: t for t in question.translations.all()}
    for code in (lang, *FALLBACK):
        if code in found:
            return found[code]
    return next(iter(found.values()), None)


def shown_questions(
    wave: Wave,
    lang: str,
    errors: Mapping[int, str] | None = None,
    sent: Mapping[str, Sequence[str]] | None = None,
) -> list[Shown]:
    out = []
    for question in wave.version.questions.prefetch_related("translations"):
        wording = _wording(question, lang)
        labels = wording.option_labels if wording else []
        out.append(
            Shown(
                question=question,
                text=wording.text if wording else question.code,
                options=list(zip(question.options, labels or question.options, strict=False)),
                points=[str(n) for n in range(1, question.scale_points + 1)],
                error=(errors or {}).get(question.pk, ""),
                value=list((sent or {}).get(f"q{question.pk}", []))[:MAX_OPTIONS],
            )
        )
    return out


# Against stuffing a wave with scripted answers, without storing who answers: a form must
# have been open at least MIN_FILL_SECONDS, and a wave takes at most RESPONSES_PER_MINUTE
# link responses a minute from everyone together (a fixed window, akrim.tips.guards).
MIN_FILL_SECONDS = 5
RESPONSES_PER_MINUTE = 30


def form_token(wave: Wave) -> str:
    payload = {"w": wave.pk, "n": secrets.token_urlsafe(24), "i": int(time.time())}
    return signing.dumps(payload, salt=FORM_SALT)


def _nonce(wave: Wave, token: str) -> str | None:
    """The nonce of a valid, unexpired token for this wave, issued long enough ago for a
    person to have answered; None otherwise."""
    try:
        data = signing.loads(token[:500], salt=FORM_SALT, max_age=FORM_MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("w") != wave.pk or not isinstance(data.get("n"), str):
        return None
    issued = data.get("i")
    if not isinstance(issued, int) or time.time() - issued < MIN_FILL_SECONDS:
        return None
    return str(data["n"])[:64]


def _rate_key(wave: Wave) -> str:
    return f"survey-{wave.pk}"


def responses_blocked(wave: Wave) -> bool:
    from akrim.tips import guards

    return guards.this_minute(_rate_key(wave)) >= RESPONSES_PER_MINUTE


class AnswersRefused(Exception):
    """Some answers were not valid: ``errors`` maps question ids to ui keys."""

    def __init__(self, errors: dict[int, str]) -> None:
        super().__init__("answers refused")
        self.errors = errors


class FormExpired(Exception):
    """The form's token is missing, forged, expired or already used."""


class Throttled(Exception):
    """Too many responses to this wave in the last minute, from everyone together."""


@dataclass(frozen=True)
class Parsed:
    number: float | None = None
    choices: tuple[str, ...] = ()
    text: str = ""


def parse_answer(question: Question, values: Sequence[str]) -> Parsed | str | None:
    """The answer (None when empty), or a ui error key."""
    values = [v.strip() for v in values if v.strip()]
    if not values:
        return "error_required" if question.required else None
    kind = question.kind
    if kind == QuestionKind.MULTIPLE:
        if len(values) > len(question.options) or any(v not in question.options for v in values):
            return "error_invalid"
        return Parsed(choices=tuple(o for o in question.options if o in values))
    if len(values) != 1:
        return "error_invalid"
    value = values[0]
    if kind == QuestionKind.SINGLE:
        return Parsed(choices=(value,)) if value in question.options else "error_invalid"
    if kind == QuestionKind.TEXT:
        if len(value) > MAX_TEXT_ANSWER:
            return "error_too_long"
        if CONTROL_CHARACTERS.search(value.replace("\r\n", "\n")):
            return "error_invalid"
        return Parsed(text=value.replace("\r\n", "\n"))
    return _number(question, value)


NUMBER = re.compile(r"-?[0-9]+(?:[.,][0-9]+)?")  # ASCII digits only: no "1_0", no "٣"


def _number(question: Question, value: str) -> Parsed | str:
    if len(value) > MAX_NUMBER_CHARS or not NUMBER.fullmatch(value):
        return "error_invalid"
    try:
        number = float(value.replace(",", "."))
    except ValueError:
        return "error_invalid"
    if not math.isfinite(number):
        return "error_invalid"
    if question.kind == QuestionKind.LIKERT:
        if not number.is_integer() or not 1 <= number <= question.scale_points:
            return "error_invalid"
    elif (question.min_value is not None and number < question.min_value) or (
        question.max_value is not None and number > question.max_value
    ):
        return "error_invalid"
    return Parsed(number=number)


def submit_response(
    *, wave: Wave, lang: str, token: str, sent: Mapping[str, Sequence[str]]
) -> Response:
    """Validate and store one anonymous response. Raises FormExpired (bad or used token),
    AnswersRefused (with the errors per question) and Conflict (the wave is closed)."""
    if not is_open(wave):
        raise Conflict("The survey is closed.")
    if responses_blocked(wave):
        raise Throttled()
    nonce = _nonce(wave, token)
    if nonce is None:
        raise FormExpired()
    from akrim.tips import guards

    guards.count(_rate_key(wave))
    questions = list(wave.version.questions.all())
    parsed: dict[int, Parsed] = {}
    errors: dict[int, str] = {}
    for question in questions:
        result = parse_answer(question, sent.get(f"q{question.pk}", []))
        if isinstance(result, str):
            errors[question.pk] = result
        elif result is not None:
            parsed[question.pk] = result
    if errors:
        raise AnswersRefused(errors)
    try:
        with transaction.atomic():
            response = Response.objects.create(
                wave=wave,
                source=Source.LINK,
                language=lang,
                received_on=timezone.localdate(),
                form_nonce=nonce,
            )
            Answer.objects.bulk_create(
                Answer(
                    response=response,
                    question_id=qid,
                    number=p.number,
                    choices=list(p.choices),
                    text=p.text,
                )
                for qid, p in parsed.items()
            )
            # No response id: the entry's time would give the response the time of day that
            # Response itself leaves out (it keeps only the day).
            record(
                actor=PUBLIC,
                action="campaigns.response_received",
                object_type="campaigns.wave",
                object_id=str(wave.pk),
                fields=["answers"],
                detail={"language": lang, "answers": len(parsed)},
            )
    except IntegrityError as error:  # the nonce was used: the form was sent before
        raise FormExpired() from error
    return response
