"""A page as a one-page A4 leaflet (PDF) with a QR code to the page, for inspectors to hand
out at controls. The text is shrunk step by step until everything fits on one page."""

from __future__ import annotations

import hashlib
from typing import Any

import segno
from django.core.cache import cache
from django.template.loader import render_to_string

from akrim.portal.body import blocks, join_blocks
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
    """Shrink the text step by step until it fits one page; if even the smallest size
    does not fit, keep as many of the body's blocks as fit (found by halving) and end
    with "…": the QR code and address lead to the whole page."""
    from akrim.core.pdf import html_document

    qr = qr_data_uri(url)

    def attempt(body: str, size: float, truncated: bool) -> tuple[bytes, int]:
        html = render_to_string(
            "portal/leaflet.html",
            {
                **context,
                "shown": shown,
                "body": body,
                "truncated": truncated,
                "url": url,
                "qr": qr,
                "font_size": f"{size}pt",
            },
        )
        document = html_document(html).render()
        return bytes(document.write_pdf()), len(document.pages)

    text = shown.version.body
    pdf = b""
    for size in FONT_SIZES:
        pdf, pages = attempt(text, size, truncated=False)
        if pages == 1:
            return pdf
    parts = blocks(text)
    smallest = FONT_SIZES[-1]
    low, high, best = 0, len(parts) - 1, b""
    while low <= high:  # the most blocks that still fit on one page
        middle = (low + high) // 2
        candidate, pages = attempt(join_blocks(parts[:middle]), smallest, truncated=True)
        if pages == 1:
            best, low = candidate, middle + 1
        else:
            high = middle - 1
    return best or pdf
