"""A campaign's evaluation: survey results (from :mod:`akrim.engines.surveys`), reach,
portal visits, linked outcomes (tips, controls) and lessons.

Definitions
-----------
Survey results
    Every before and after response of a survey, from the public link and panel imports
    alike, analysed by the survey engine: per question the weighted estimate per wave and
    group with its 95 % interval, the change between waves per group and the
    difference-in-differences (campaign minus comparison) with its interval and p-value.
    A Likert or number question is one mean; a choice question is one proportion per
    option (the share of those who answered the question who chose it; for a single choice
    of two options, such as yes/no, only the first, the other being its complement).
    Free-text answers
    are counted, not analysed. Responses of "during" waves are counted, not analysed (the
    engine compares before with after). Questions are matched across versions by code.
Reach
    The sums of the campaign's logged activities, by channel.
Portal visits
    The visits (``portal.PageVisit``) of the portal pages linked from the campaign's
    materials, per language, in the campaign's period and in the same number of days just
    before it.
Tips
    Tips received (``tips.Tip.received_at``, Swedish time) in the campaign's period, by
    language and by industry (SNI section, "unknown" when blank), in the campaign's
    regions (the tip's centre) and in the comparison regions, beside the same days a year
    before. Tips not yet routed to a centre count in neither group.
Controls
    Counted controls (the definitions of :mod:`akrim.controls.stats`: carried out, in
    follow-up or closed) that started in the period, in the targeted industries (all when
    the campaign names none), with a finding, and their findings, in the campaign's and
    the comparison regions, beside the same days a year before.

Who may call: readers of campaigns (see :mod:`akrim.campaigns.policies`). The figures are
aggregates and anonymous answers; nothing personal is read, so reading is not audited.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import polars as pl
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import translation

from akrim.campaigns import policies
from akrim.campaigns.models import (
    Activity,
    Answer,
    Campaign,
    Channel,
    ExperienceEntry,
    Phase,
    Question,
    QuestionKind,
    Response,
    Survey,
)
from akrim.controls.stats import COUNTED, LOCAL_TIME, UNKNOWN_INDUSTRY
from akrim.core.actor import Actor
from akrim.core.errors import NotFound
from akrim.engines.surveys import MIN_RESPONSES, Analysis, Kind, QuestionResult, analyse

CAMPAIGN, COMPARISON = "campaign", "comparison"


@dataclass(frozen=True)
class Item:
    """One analysed column: a question (or one option of a choice question)."""

    column: str
    question: str  # the question's text in the staff language
    option: str  # the option's label, "" for a mean
    result: QuestionResult

    @property
    def is_share(self) -> bool:
        return str(self.result.kind) == "proportion"


@dataclass(frozen=True)
class SurveyResult:
    survey: Survey
    counts: dict[str, dict[str, int]]  # phase -> group -> responses
    items: list[Item]
    analysis: Analysis | None
    free_text_answers: int


@dataclass(frozen=True)
class Reach:
    activities: int
    impressions: int
    leaflets: int
    people_spoken_to: int
    by_channel: list[tuple[str, int, int, int, int]]  # label, activities, impr., leafl., people


@dataclass(frozen=True)
class Compared:
    """A count now and a year before, in the campaign's and the comparison regions."""

    key: str
    campaign_now: int
    campaign_before: int
    comparison_now: int
    comparison_before: int

    @property
    def campaign_change(self) -> int:
        return self.campaign_now - self.campaign_before

    @property
    def comparison_change(self) -> int:
        return self.comparison_now - self.comparison_before


@dataclass(frozen=True)
class Visits:
    before_start: dt.date
    before_end: dt.date
    rows: list[tuple[str, int, int]]  # language, in the period, the same days before
    pages: list[str]

    @property
    def total_now(self) -> int:
        return sum(r[1] for r in self.rows)

    @property
    def total_before(self) -> int:
        return sum(r[2] for r in self.rows)


@dataclass(frozen=True)
class Evaluation:
    campaign: Campaign
    surveys: list[SurveyResult]
    reach: Reach
    visits: Visits
    tips_by_language: list[Compared] | None  # None: the tips module is not there
    tips_by_industry: list[Compared] | None
    controls: list[Compared]
    lessons: list[ExperienceEntry]
    centres: list[str] = field(default_factory=list)
    comparison_centres: list[str] = field(default_factory=list)
    min_responses: int = MIN_RESPONSES


# --- survey ----------------------------------------------------------------------------


def _wording(question: Question) -> tuple[str, list[str]]:
    """The question's text and option labels in the staff language (else en, sv, any)."""
    found = {t.language: t for t in question.translations.all()}
    for code in (translation.get_language() or "en", "en", "sv", *found):
        if code in found:
            return found[code].text, list(found[code].option_labels)
    return question.code, list(question.options)


def _columns(survey: Survey) -> list[tuple[str, Question, str, str]]:
    """(column, question, option code, option label) of the latest version of every code;
    options ("" for means) in order."""
    latest: dict[str, Question] = {}
    questions = Question.objects.filter(version__survey=survey).prefetch_related("translations")
    for q in questions.select_related("version").order_by("version__number", "position"):
        latest[q.code] = q
    out = []
    for question in sorted(latest.values(), key=lambda q: q.position):
        _text, labels = _wording(question)
        if question.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            options = list(question.options)
            if question.kind == QuestionKind.SINGLE and len(options) == 2:
                options = options[:1]  # the second share is one minus the first
            for index, option in enumerate(options):
                label = labels[index] if index < len(labels) else option
                out.append((f"{question.code}={option}", question, option, label))
        elif question.kind != QuestionKind.TEXT:
            out.append((question.code, question, "", ""))
    return out


def survey_frame(survey: Survey) -> tuple[pl.DataFrame, list[str], bool]:
    """The before/after responses as the engine's frame: wave, group, weight and one
    Float64 column per analysed question or option (a single choice of two options is
    one share: the first option's). Returns the frame, the columns and
    whether any weight differs from 1."""
    columns = _columns(survey)
    responses = Response.objects.filter(
        wave__survey=survey, wave__phase__in=(Phase.BEFORE, Phase.AFTER)
    ).order_by("pk")
    base = list(responses.values_list("pk", "wave__phase", "wave__group", "weight"))
    index = {pk: i for i, (pk, *_rest) in enumerate(base)}
    data: dict[str, list[float | None]] = {c: [None] * len(base) for c, *_ in columns}
    by_code: dict[str, list[tuple[str, str]]] = {}
    for column, question, option, _label in columns:
        by_code.setdefault(question.code, []).append((column, option))
    answers = Answer.objects.filter(response__in=responses).values_list(
        "response_id", "question__code", "number", "choices"
    )
    for response_id, code, number, choices in answers.iterator(chunk_size=5000):
        for column, option in by_code.get(code, []):
            if option:
                data[column][index[response_id]] = 1.0 if option in (choices or []) else 0.0
            else:
                data[column][index[response_id]] = number
    frame = pl.DataFrame(
        {
            "wave": [b[1] for b in base],
            "group": [b[2] for b in base],
            "weight": [float(b[3]) for b in base],
            **data,
        },
        schema={"wave": pl.String, "group": pl.String, "weight": pl.Float64}
        | dict.fromkeys(data, pl.Float64),
    )
    return frame, list(data), any(b[3] != 1.0 for b in base)


def survey_result(survey: Survey) -> SurveyResult:
    counts: dict[str, dict[str, int]] = {p: {CAMPAIGN: 0, COMPARISON: 0} for p in Phase.values}
    rows = Response.objects.filter(wave__survey=survey).values("wave__phase", "wave__group")
    for row in rows.annotate(n=Count("pk")).order_by():
        counts[row["wave__phase"]][row["wave__group"]] = row["n"]
    frame, columns, weighted = survey_frame(survey)
    # the question's kind decides share or mean, not whether its answers happen to be 0/1
    kinds = {c: Kind.PROPORTION if option else Kind.MEAN for c, _q, option, _l in _columns(survey)}
    analysis = (
        analyse(frame, columns, weighted=weighted, kinds=kinds)
        if frame.height and columns
        else None
    )
    labels = {c: (q, label) for c, q, _o, label in _columns(survey)}
    items = []
    for result in analysis.questions if analysis else ():
        question, label = labels[result.question]
        items.append(Item(result.question, _wording(question)[0], label, result))
    free = Answer.objects.filter(
        response__wave__survey=survey, question__kind=QuestionKind.TEXT
    ).count()
    return SurveyResult(survey, counts, items, analysis, free)


# --- reach and visits ------------------------------------------------------------------


def reach(campaign: Campaign) -> Reach:
    sums = {
        "n": Count("pk"),
        "impressions": Sum("impressions", default=0),
        "leaflets": Sum("leaflets", default=0),
        "people": Sum("people_spoken_to", default=0),
    }
    activities = Activity.objects.filter(campaign=campaign)
    total = activities.aggregate(**sums)
    labels = dict(Channel.choices)
    by_channel = [
        (
            str(labels.get(r["channel"], r["channel"])),
            r["n"],
            r["impressions"],
            r["leaflets"],
            r["people"],
        )
        for r in activities.values("channel").annotate(**sums).order_by("channel")
    ]
    return Reach(total["n"], total["impressions"], total["leaflets"], total["people"], by_channel)


def visits(campaign: Campaign) -> Visits:
    from akrim.portal.models import PageVisit

    pages = sorted(set(campaign.materials.exclude(page=None).values_list("page__slug", flat=True)))
    before_end = campaign.starts_on - dt.timedelta(days=1)
    before_start = campaign.starts_on - dt.timedelta(days=campaign.days)
    counted = PageVisit.objects.filter(page__slug__in=pages)
    now = _sum_by(
        counted.filter(day__gte=campaign.starts_on, day__lte=campaign.ends_on), "language", "count"
    )
    before = _sum_by(
        counted.filter(day__gte=before_start, day__lte=before_end), "language", "count"
    )
    rows = [
        (lang, now.get(lang, 0), before.get(lang, 0)) for lang in sorted(now.keys() | before.keys())
    ]
    return Visits(before_start, before_end, rows, pages)


def _sum_by(qs: QuerySet[Any], key: str, value: str) -> dict[str, int]:
    rows = qs.values(key).annotate(n=Sum(value)).order_by()
    return {str(r[key]): int(r["n"] or 0) for r in rows}


# --- linked outcomes -------------------------------------------------------------------


def _bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The period's first moment and the moment after its last day, Swedish time."""
    return (
        dt.datetime.combine(start, dt.time(), tzinfo=LOCAL_TIME),
        dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), tzinfo=LOCAL_TIME),
    )


def year_before(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def _compare(counts: Mapping[tuple[str, bool, str], int], keys: Iterable[str]) -> list[Compared]:
    """Rows of (group, now?, key) counts."""
    return [
        Compared(
            key,
            counts.get((CAMPAIGN, True, key), 0),
            counts.get((CAMPAIGN, False, key), 0),
            counts.get((COMPARISON, True, key), 0),
            counts.get((COMPARISON, False, key), 0),
        )
        for key in keys
    ]


def _groups(campaign: Campaign) -> dict[str, list[int]]:
    return {
        CAMPAIGN: list(campaign.centres.values_list("pk", flat=True)),
        COMPARISON: list(campaign.comparison_centres.values_list("pk", flat=True)),
    }


def tips(campaign: Campaign) -> tuple[list[Compared], list[Compared]] | None:
    """Tips by language and by industry (None when the tips module has no Tip model)."""
    try:
        from akrim.tips.models import Tip
    except ImportError:  # the tips module arrives separately
        return None
    by_language: dict[tuple[str, bool, str], int] = {}
    by_industry: dict[tuple[str, bool, str], int] = {}
    periods = {
        True: _bounds(campaign.starts_on, campaign.ends_on),
        False: _bounds(year_before(campaign.starts_on), year_before(campaign.ends_on)),
    }
    for group, centre_ids in _groups(campaign).items():
        for now, (start, end) in periods.items():
            tips_ = Tip.objects.filter(
                received_at__gte=start, received_at__lt=end, centre_id__in=centre_ids
            )
            for r in tips_.values("language").annotate(n=Count("pk")).order_by():
                by_language[(group, now, r["language"])] = r["n"]
            for r in tips_.values("sni_section").annotate(n=Count("pk")).order_by():
                key = r["sni_section"] or UNKNOWN_INDUSTRY
                by_industry[(group, now, key)] = by_industry.get((group, now, key), 0) + r["n"]
    languages = sorted({k for _g, _n, k in by_language} | set(campaign.target_languages))
    industries = sorted(
        {k for _g, _n, k in by_industry} | set(campaign.target_industries),
        key=lambda k: (k == UNKNOWN_INDUSTRY, k),
    )
    return _compare(by_language, languages), _compare(by_industry, industries)


CONTROLS, WITH_FINDINGS, FINDINGS = "controls", "with_findings", "findings"


def controls(campaign: Campaign) -> list[Compared]:
    """Counted controls, those with a finding, and findings, in the targeted industries."""
    from akrim.controls.models import Control, Finding

    counts: dict[tuple[str, bool, str], int] = {}
    periods = {
        True: _bounds(campaign.starts_on, campaign.ends_on),
        False: _bounds(year_before(campaign.starts_on), year_before(campaign.ends_on)),
    }
    industry = Q(industry__in=campaign.target_industries) if campaign.target_industries else Q()
    for group, centre_ids in _groups(campaign).items():
        for now, (start, end) in periods.items():
            counted = Control.objects.filter(
                industry,
                status__in=COUNTED,
                starts_at__gte=start,
                starts_at__lt=end,
                centre_id__in=centre_ids,
            )
            counts[(group, now, CONTROLS)] = counted.count()
            counts[(group, now, WITH_FINDINGS)] = counted.filter(
                pk__in=Finding.objects.values("control_id")
            ).count()
            counts[(group, now, FINDINGS)] = Finding.objects.filter(control__in=counted).count()
    return _compare(counts, (CONTROLS, WITH_FINDINGS, FINDINGS))


# --- the whole evaluation --------------------------------------------------------------


def evaluate(*, actor: Actor, campaign_id: int) -> Evaluation:
    """The evaluation of one campaign. Raises NotFound outside the actor's scope."""
    campaign = (
        policies.visible(Campaign.objects.all(), actor=actor)
        .prefetch_related("centres", "comparison_centres", "agencies")
        .filter(pk=campaign_id)
        .first()
    )
    if campaign is None:
        raise NotFound()
    tip_rows = tips(campaign)
    return Evaluation(
        campaign=campaign,
        surveys=[survey_result(s) for s in campaign.surveys.order_by("pk")],
        reach=reach(campaign),
        visits=visits(campaign),
        tips_by_language=tip_rows[0] if tip_rows else None,
        tips_by_industry=tip_rows[1] if tip_rows else None,
        controls=controls(campaign),
        lessons=list(campaign.experiences.all()),
        centres=sorted(c.name for c in campaign.centres.all()),
        comparison_centres=sorted(c.name for c in campaign.comparison_centres.all()),
    )


def responses_csv(*, actor: Actor, campaign_id: int, survey_id: int) -> tuple[str, str]:
    """A survey's before/after responses in the format of ``akrim survey analyse`` (the
    frame the evaluation analyses), so anyone can re-run the figures: file name and text.
    Free text is left out. Raises NotFound outside the actor's scope."""
    campaign = policies.visible(Campaign.objects.all(), actor=actor).filter(pk=campaign_id)
    survey = Survey.objects.filter(campaign__in=campaign, pk=survey_id).first()
    if survey is None:
        raise NotFound()
    frame, _columns, _weighted = survey_frame(survey)
    return f"campaign-{campaign_id}-survey-{survey_id}-responses.csv", frame.write_csv()
