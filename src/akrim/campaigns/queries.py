"""Reads of campaigns: the list, one campaign's page, a survey's page, the experience log
search. Every read starts from ``policies.visible``."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from akrim.campaigns import policies
from akrim.campaigns.models import Campaign, ExperienceEntry, Survey, SurveyVersion, Wave
from akrim.campaigns.surveys import latest_version
from akrim.core.actor import Actor
from akrim.core.errors import NotFound
from akrim.core.text import clean_query

MAX_SEARCH = 100


def list_campaigns(*, actor: Actor) -> QuerySet[Campaign]:
    return (
        policies.visible(Campaign.objects.all(), actor=actor)
        .prefetch_related("centres", "agencies")
        .annotate(n_activities=Count("activities", distinct=True))
    )


def get_campaign(*, actor: Actor, id: int) -> Campaign:
    campaign = (
        policies.visible(Campaign.objects.all(), actor=actor)
        .prefetch_related("centres", "comparison_centres", "agencies")
        .filter(pk=id)
        .first()
    )
    if campaign is None:
        raise NotFound()
    return campaign


@dataclass(frozen=True)
class CampaignPage:
    campaign: Campaign
    may_edit: bool
    materials: list[object]
    activities: list[object]
    experiences: list[ExperienceEntry]
    surveys: list[Survey]


def campaign_page(*, actor: Actor, id: int) -> CampaignPage:
    campaign = get_campaign(actor=actor, id=id)
    return CampaignPage(
        campaign=campaign,
        may_edit=policies.may_edit(actor, campaign),
        materials=list(campaign.materials.select_related("page")),
        activities=list(campaign.activities.select_related("centre")),
        experiences=list(campaign.experiences.all()),
        surveys=list(campaign.surveys.all()),
    )


@dataclass(frozen=True)
class SurveyPage:
    survey: Survey
    campaign: Campaign
    may_edit: bool
    version: SurveyVersion
    versions: list[SurveyVersion]
    waves: list[Wave]


def survey_of(*, actor: Actor, campaign_id: int, id: int) -> Survey:
    """The campaign's survey; NotFound when either is outside the actor's scope."""
    survey = get_campaign(actor=actor, id=campaign_id).surveys.filter(pk=id).first()
    if survey is None:
        raise NotFound()
    return survey


def survey_page(*, actor: Actor, campaign_id: int, id: int) -> SurveyPage:
    campaign = get_campaign(actor=actor, id=campaign_id)
    survey = campaign.surveys.filter(pk=id).first()
    if survey is None:
        raise NotFound()
    version = latest_version(survey)
    waves = survey.waves.select_related("version").annotate(n=Count("responses"))
    return SurveyPage(
        survey=survey,
        campaign=campaign,
        may_edit=policies.may_edit(actor, campaign),
        version=SurveyVersion.objects.prefetch_related("questions__translations").get(
            pk=version.pk
        ),
        versions=list(survey.versions.all()),
        waves=list(waves),
    )


def search_experience(*, actor: Actor, text: str = "") -> QuerySet[ExperienceEntry]:
    """Experience entries of the campaigns the actor sees, matching ``text`` (any field,
    case-insensitive); all when ``text`` is empty. Raises InvalidInput for a bad text."""
    campaigns = policies.visible(Campaign.objects.all(), actor=actor)
    entries = ExperienceEntry.objects.filter(campaign__in=campaigns).select_related("campaign")
    if not text.strip():
        return entries
    words = clean_query(text, max_length=MAX_SEARCH).split()
    for word in words[:10]:
        entries = entries.filter(
            Q(group__icontains=word)
            | Q(tried__icontains=word)
            | Q(reached_how__icontains=word)
            | Q(worked__icontains=word)
            | Q(did_not_work__icontains=word)
            | Q(campaign__name__icontains=word)
        )
    return entries
