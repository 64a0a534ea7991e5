"""Small template filters of the campaign pages."""

from __future__ import annotations

from django import template

from akrim.campaigns.models import Campaign

register = template.Library()


@register.filter
def centre_codes(campaign: Campaign) -> list[str]:
    return [c.code for c in campaign.centres.all()]


@register.filter
def comparison_codes(campaign: Campaign) -> list[str]:
    return [c.code for c in campaign.comparison_centres.all()]


@register.filter
def agency_codes(campaign: Campaign) -> list[str]:
    return [a.code for a in campaign.agencies.all()]
