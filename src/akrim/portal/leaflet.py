"""A page as a one-page A4 leaflet (PDF) with a QR code to the page, for inspectors to hand
out at controls. The text is shrunk step by step until everything fits on one page."""

from __future__ import annotations

import hashlib
from typing import Any

import segno
from django.core.cache import cache
from django.template.loader import render_to_string

from akrim.portal.queries import Shown

# Body font sizes tried in turn (pt); the first that fits on one page wins.
FONT_SIZES = (11.5, 10.5, 9.5, 8.5, 7.5, 6.5)


def qr_data_uri(url: str) -> str:
    """An SVG QR code for ``url`` as a data: URI (for an <img>)."""
    return str(segno.make(url, error="m").svg_data_uri(scale=4, border=2))


CACHE_SECONDS = 3600


def leaflet_pdf(*, shown: Shown, url: str, context: dict[str, Any]) -> bytes:
    """The leaflet of a page: title, summary, body, QR code to ``url``, on one A4 page.

    Cached per version, address and interface texts: rendering costs about a second of CPU
    and the endpoint is public.
    """
    ui = context.get("ui", {})
    texts = "\x1f".join(str(ui.get(k, "")) for k in ("site_name", "emergency", "leaflet_scan"))
    digest = hashlib.sha256(f"{shown.version.pk}\x1f{url}\x1f{texts}".encode()).hexdigest()
    key = f"portal:leaflet:{digest}"
    cached = cache.get(key)
    if isinstance(cached, bytes):
        return cached
    pdf = _render(shown=shown, url=url, context=context)
    cache.set(key, pdf, CACHE_SECONDS)
    return pdf


def _render(*, shown: Shown, url: str, context: dict[str, Any]) -> bytes:
    from akrim.core.pdf import html_document

    qr = qr_data_uri(url)
    pdf = b""
    for size in FONT_SIZES:
        html = render_to_string(
            "portal/leaflet.html",
            {**context, "shown": shown, "url": url, "qr": qr, "font_size": f"{size}pt"},
        )
        document = html_document(html).render()
        pdf = bytes(document.write_pdf())
        if len(document.pages) == 1:
            break
    return pdf
