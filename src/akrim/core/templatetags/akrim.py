"""Template filters for codes: ``{{ c.sni|sni }}``, ``{{ c.municipality|municipality }}``."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from akrim.core.reference import municipality_name, sni_label

register = template.Library()


@register.filter(name="sni")
def sni_filter(code: str) -> str:
    return f"{sni_label(code, get_language() or 'sv')} ({code})" if code else ""


@register.filter(name="municipality")
def municipality_filter(code: str) -> str:
    return municipality_name(code) if code else ""


@register.simple_tag
def field(shown: Any, name: str, value: Any) -> str:
    """``{% field d.shown "name" c.name %}``: the value, or a 'withheld' mark when the
    actor's grant does not cover the field."""
    if shown.allows(name):
        return conditional_escape(value)
    return format_html('<span class="akrim-withheld">{}</span>', _("withheld"))
