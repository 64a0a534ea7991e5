"""PDFs from HTML (WeasyPrint) that load nothing from outside the document.

Every PDF akrim makes (reports, leaflets, certificates, campaign evaluations) is rendered
from a template whose resources are inline: styles in the page, images as ``data:`` URIs.
The URL fetcher allows exactly that, so text a user typed can never make the renderer read
a local file (``file:///…``) or call a server (``http://…``), even if it slipped past the
templates' escaping.
"""

from __future__ import annotations

from typing import Any

from weasyprint import HTML  # type: ignore[import-untyped]
from weasyprint.urls import URLFetcher  # type: ignore[import-untyped]


def _fetcher() -> Any:
    return URLFetcher(allowed_protocols=("data",), allow_redirects=False, timeout=5)


def html_document(html: str) -> Any:
    """A WeasyPrint ``HTML`` of ``html`` with the data-only fetcher."""
    return HTML(string=html, url_fetcher=_fetcher())


def pdf_bytes(html: str) -> bytes:
    return bytes(html_document(html).write_pdf())
