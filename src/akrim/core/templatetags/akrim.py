"""Template filters for codes: ``{{ c.sni|sni }}``, ``{{ c.municipality|municipality }}``."""

from __future__ import annotations

from django import template
from django.utils.translation import get_language

from akrim.core.reference import municipality_name, sni_label

register = template.Library()


@register.filter(name="sni")
def sni_filter(code: str) -> str:
    return f"{sni_label(code, get_language() or 'sv')} ({code})" if code else ""


@register.filter(name="municipality")
def municipality_filter(code: str) -> str:
    return municipality_name(code) if code else ""
