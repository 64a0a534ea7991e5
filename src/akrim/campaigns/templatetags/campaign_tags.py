"""Small template filters of the campaign pages."""

from __future__ import annotations

from collections.abc import Iterable

from django import template

from akrim.campaigns.models import Campaign, Channel, Phase
from akrim.campaigns.present import language_label

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


@register.filter
def language_name(code: str) -> str:
    return language_label(code)


@register.filter
def language_names(codes: Iterable[str]) -> list[str]:
    return [language_label(code) for code in codes]


@register.filter
def channel_names(codes: Iterable[str]) -> list[str]:
    """Channel codes by their names in the active language."""
    labels = dict(Channel.choices)
    return [str(labels.get(code, code)) for code in codes]


@register.filter
def phase_name(code: str) -> str:
    """A wave's phase ("before", "during", "after") by its name in the active language."""
    return str(dict(Phase.choices).get(code, code))
