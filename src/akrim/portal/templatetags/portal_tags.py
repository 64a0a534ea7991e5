"""Template helpers of the public portal."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString

from akrim.portal.body import render_body

register = template.Library()


@register.simple_tag(takes_context=True)
def same_page_in(context: template.Context, code: str) -> str:
    """The current page's path in another portal language (``/pl/info/x/`` → ``/ar/info/x/``).

    Without a request (or outside a language prefix) it is that language's home page.
    """
    request: Any = context.get("request")
    lang = context.get("lang", "")
    path = getattr(request, "path", "") if request is not None else ""
    prefix = f"/{lang}/"
    if lang and path.startswith(prefix):
        return f"/{code}/{path[len(prefix) :]}"
    return f"/{code}/"


@register.filter
def portal_body(text: str) -> SafeString:
    """A body in the portal's plain format as escaped HTML (akrim.portal.body)."""
    return render_body(str(text or ""))


@register.filter
def fill(text: str, value: Any) -> str:
    """Replace the single placeholder ({max}, {count} ...) of an interface text."""
    import re

    return re.sub(r"\{[a-z_]+\}", str(value), str(text or ""), count=1)
