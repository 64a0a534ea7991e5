"""Writes of campaigns: plan and edit, materials, activities, the experience log. Each
checks permission, validates, writes in one transaction and adds an audit entry."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from django.db import transaction

from akrim.audit.services import record
from akrim.campaigns import policies
from akrim.campaigns.models import (
    SNI_SECTIONS,
    Activity,
    Aim,
    Campaign,
    Channel,
    ExperienceEntry,
    Material,
    MaterialKind,
    TargetKind,
)
from akrim.controls.services.common import text
from akrim.core.actor import Actor
from akrim.core.errors import Forbidden, InvalidInput, NotFound
from akrim.core.i18n import portal_languages
from akrim.organisation.models import Agency, Centre

MAX_SEK = 10**12
MAX_REACH = 10**10
MAX_CAMPAIGN_DAYS = 3 * 366


@dataclass(frozen=True)
class Plan:
    """What a campaign is: the fields of the planning form."""

    name: str
    aim: str
    target_kind: str
    starts_on: dt.date
    ends_on: dt.date
    centres: Sequence[str]  # centre codes: the campaign's regions
    agencies: Sequence[str]  # responsible agencies' codes
    comparison_centres: Sequence[str] = ()
    summary: str = ""
    target_details: str = ""
    target_languages: Sequence[str] = ()
    target_industries: Sequence[str] = ()
    channels: Sequence[str] = ()
    budget_sek: int | None = None
    cost_sek: int | None = None


def _choice(value: str, allowed: Sequence[str], what: str) -> str:
    if value not in allowed:
        raise InvalidInput("Unknown %(what)s.", what=what)
    return value


def _codes(values: Sequence[str], allowed: Sequence[str], what: str) -> list[str]:
    unknown = sorted({v for v in values if v not in allowed})
    if unknown:
        raise InvalidInput(
            "Unknown %(what)s: %(values)s.", what=what, values=", ".join(unknown)[:100]
        )
    return sorted(set(values), key=list(allowed).index)


def _sek(value: int | None, what: str) -> int | None:
    if value is not None and not 0 <= value <= MAX_SEK:
        raise InvalidInput("%(what)s must be between 0 and %(max)s SEK.", what=what, max=MAX_SEK)
    return value


def _centres(codes: Sequence[str], what: str) -> list[Centre]:
    rows = list(Centre.objects.filter(code__in=set(codes)))
    if len(rows) != len(set(codes)):
        raise InvalidInput("Unknown centre among the %(what)s.", what=what)
    return rows


FIRST_DAY, LAST_DAY = dt.date(2000, 1, 1), dt.date(2100, 12, 31)  # campaigns, activities


def _clean(plan: Plan) -> tuple[dict[str, Any], list[Centre], list[Centre], list[Agency]]:
    """The validated model fields and the related rows. Raises InvalidInput."""
    for day in (plan.starts_on, plan.ends_on):
        if not FIRST_DAY <= day <= LAST_DAY:
            raise InvalidInput(
                "Campaign dates lie between %(first)s and %(last)s.",
                first=FIRST_DAY.isoformat(),
                last=LAST_DAY.isoformat(),
            )
    if plan.ends_on < plan.starts_on:
        raise InvalidInput("The campaign ends before it starts.")
    if (plan.ends_on - plan.starts_on).days >= MAX_CAMPAIGN_DAYS:
        raise InvalidInput("A campaign runs at most three years.")
    centres = _centres(plan.centres, "regions")
    if not centres:
        raise InvalidInput("Choose at least one region (centre).")
    comparison = _centres(plan.comparison_centres, "comparison regions")
    if {c.code for c in centres} & {c.code for c in comparison}:
        raise InvalidInput("A region cannot be both a campaign and a comparison region.")
    agencies = list(Agency.objects.filter(code__in=set(plan.agencies)))
    if not agencies or len(agencies) != len(set(plan.agencies)):
        raise InvalidInput("Choose the responsible agencies (known agency codes).")
    fields = {
        "name": text(plan.name, field="The name", max_length=200, required=True),
        "summary": text(plan.summary, field="The summary", max_length=5000),
        "aim": _choice(plan.aim, Aim.values, "aim"),
        "target_kind": _choice(plan.target_kind, TargetKind.values, "target group"),
        "target_details": text(plan.target_details, field="The target group", max_length=2000),
        "target_languages": _codes(plan.target_languages, list(portal_languages()), "language"),
        "target_industries": _codes(plan.target_industries, SNI_SECTIONS, "industry"),
        "channels": _codes(plan.channels, Channel.values, "channel"),
        "starts_on": plan.starts_on,
        "ends_on": plan.ends_on,
        "budget_sek": _sek(plan.budget_sek, "The budget"),
        "cost_sek": _sek(plan.cost_sek, "The cost"),
    }
    return fields, centres, comparison, agencies


def _audit_detail(
    fields: dict[str, Any], centres: list[Centre], comparison: list[Centre]
) -> dict[str, Any]:
    detail = {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in fields.items()}
    detail.pop("summary", None)
    detail.pop("target_details", None)
    return detail | {
        "centres": sorted(c.code for c in centres),
        "comparison_centres": sorted(c.code for c in comparison),
    }


def plan_campaign(*, actor: Actor, plan: Plan) -> Campaign:
    """Plan a campaign. Communicators, administrators, and coordinators for campaigns in
    one of their centres. Raises Forbidden, InvalidInput."""
    if not policies.may_read(actor):
        raise NotFound()
    if not policies.may_plan(actor):
        raise Forbidden("Communicators and coordinators plan campaigns.")
    fields, centres, comparison, agencies = _clean(plan)
    if not policies.may_plan_in(actor, {c.code for c in centres}):
        raise Forbidden("Coordinators plan campaigns in their own centres.")
    with transaction.atomic():
        campaign = Campaign.objects.create(**fields, created_by_id=actor.user_id)
        campaign.centres.set(centres)
        campaign.comparison_centres.set(comparison)
        campaign.agencies.set(agencies)
        record(
            actor=actor,
            action="campaigns.campaign_planned",
            object_type="campaigns.campaign",
            object_id=str(campaign.pk),
            fields=sorted(asdict(plan)),
            detail=_audit_detail(fields, centres, comparison)
            | {"agencies": sorted(a.code for a in agencies)},
        )
    return campaign


def editable(actor: Actor, campaign_id: int) -> Campaign:
    """The campaign, locked, for an editor; NotFound for anyone who may not see it,
    Forbidden for a reader who may not edit it."""
    campaign = (
        policies.visible(Campaign.objects.all(), actor=actor)
        .select_for_update()
        .filter(pk=campaign_id)
        .first()
    )
    if campaign is None:
        raise NotFound()
    if not policies.may_edit(actor, campaign):
        raise Forbidden("You may not edit this campaign.")
    return campaign


def update_campaign(*, actor: Actor, campaign_id: int, plan: Plan) -> Campaign:
    """Change a campaign's plan (same rules as planning it)."""
    fields, centres, comparison, agencies = _clean(plan)
    with transaction.atomic():
        campaign = editable(actor, campaign_id)
        if not policies.may_plan_in(actor, {c.code for c in centres}):
            raise Forbidden("Coordinators plan campaigns in their own centres.")
        for name, value in fields.items():
            setattr(campaign, name, value)
        campaign.save()
        campaign.centres.set(centres)
        campaign.comparison_centres.set(comparison)
        campaign.agencies.set(agencies)
        record(
            actor=actor,
            action="campaigns.campaign_updated",
            object_type="campaigns.campaign",
            object_id=str(campaign.pk),
            fields=sorted(fields),
            detail=_audit_detail(fields, centres, comparison)
            | {"agencies": sorted(a.code for a in agencies)},
        )
    return campaign


def add_material(
    *,
    actor: Actor,
    campaign_id: int,
    language: str,
    kind: str,
    title: str,
    page_slug: str = "",
) -> Material:
    """A material in one portal language, optionally linked to a portal page by slug."""
    from akrim.portal.models import Page

    _choice(language, list(portal_languages()), "language")
    _choice(kind, MaterialKind.values, "kind of material")
    cleaned = text(title, field="The title", max_length=200, required=True)
    slug = page_slug.strip()
    page = None
    if slug:
        page = Page.objects.filter(slug=slug[:200]).first()
        if page is None:
            raise InvalidInput("No portal page has the address %(slug)s.", slug=slug[:80])
    with transaction.atomic():
        campaign = editable(actor, campaign_id)
        material = Material.objects.create(
            campaign=campaign, language=language, kind=kind, title=cleaned, page=page
        )
        record(
            actor=actor,
            action="campaigns.material_added",
            object_type="campaigns.material",
            object_id=str(material.pk),
            fields=["campaign", "language", "kind", "title", "page"],
            detail={"campaign": campaign.pk, "language": language, "page": slug},
        )
    return material


def _reach(value: int, what: str) -> int:
    if not 0 <= value <= MAX_REACH:
        raise InvalidInput("%(what)s must be between 0 and %(max)s.", what=what, max=MAX_REACH)
    return value


def log_activity(
    *,
    actor: Actor,
    campaign_id: int,
    day: dt.date,
    channel: str,
    centre: str = "",
    description: str = "",
    impressions: int = 0,
    leaflets: int = 0,
    people_spoken_to: int = 0,
) -> Activity:
    """Log an activity of a campaign with its reach figures."""
    _choice(channel, Channel.values, "channel")
    centre_row = None
    if centre:
        centre_row = Centre.objects.filter(code=centre[:20]).first()
        if centre_row is None:
            raise InvalidInput("Unknown centre.")
    values = {
        "impressions": _reach(impressions, "Impressions"),
        "leaflets": _reach(leaflets, "Leaflets"),
        "people_spoken_to": _reach(people_spoken_to, "People spoken to"),
    }
    cleaned = text(description, field="The description", max_length=300)
    with transaction.atomic():
        campaign = editable(actor, campaign_id)
        regions = {c.pk for c in campaign.centres.all()} | {
            c.pk for c in campaign.comparison_centres.all()
        }
        if centre_row is not None and centre_row.pk not in regions:
            raise InvalidInput("The activity's centre is not one of the campaign's regions.")
        if (
            not campaign.starts_on - dt.timedelta(days=366)
            <= day
            <= campaign.ends_on + dt.timedelta(days=366)
        ):
            raise InvalidInput("The activity's date is far outside the campaign's period.")
        activity = Activity.objects.create(
            campaign=campaign,
            day=day,
            channel=channel,
            centre=centre_row,
            description=cleaned,
            recorded_by_id=actor.user_id,
            **values,
        )
        record(
            actor=actor,
            action="campaigns.activity_logged",
            object_type="campaigns.activity",
            object_id=str(activity.pk),
            fields=["campaign", "day", "channel", "centre", "description", *values],
            detail={"campaign": campaign.pk, "day": day.isoformat(), "channel": channel} | values,
        )
    return activity


def add_experience(
    *,
    actor: Actor,
    campaign_id: int,
    group: str,
    tried: str,
    reached_how: str,
    worked: str = "",
    did_not_work: str = "",
    recorded_on: dt.date,
) -> ExperienceEntry:
    """Add to the experience log of a campaign."""
    values = {
        "group": text(group, field="The group", max_length=200, required=True),
        "tried": text(tried, field="What was tried", max_length=5000, required=True),
        "reached_how": text(
            reached_how, field="How the group was reached", max_length=5000, required=True
        ),
        "worked": text(worked, field="What worked", max_length=5000),
        "did_not_work": text(did_not_work, field="What did not work", max_length=5000),
    }
    with transaction.atomic():
        campaign = editable(actor, campaign_id)
        entry = ExperienceEntry.objects.create(
            campaign=campaign, recorded_on=recorded_on, recorded_by_id=actor.user_id, **values
        )
        record(
            actor=actor,
            action="campaigns.experience_added",
            object_type="campaigns.experience",
            object_id=str(entry.pk),
            fields=sorted(values),
            detail={"campaign": campaign.pk},
        )
    return entry
