"""The public portal's pages (no login, no cookies, no personal data).

Every view gets ``lang`` (validated by the URL converter). They never touch the session or
the CSRF token, so no cookie is set; a visit is counted without anything about the reader.
"""

from __future__ import annotations

import re

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from akrim.core.errors import NotFound
from akrim.core.i18n import portal_languages
from akrim.portal import queries, services
from akrim.portal.leaflet import leaflet_pdf
from akrim.portal.public import public_context


def not_found(request: HttpRequest, lang: str) -> HttpResponse:
    """The portal's 404 page, in the portal's language."""
    return render(request, "portal/not_found.html", public_context(lang), status=404)


@require_safe
def home(request: HttpRequest, lang: str) -> HttpResponse:
    context = public_context(lang)
    context["pages"] = queries.public_pages(lang)
    return render(request, "portal/home.html", context)


# Crawlers and link previews announce themselves; a browser prefetching a page has not
# shown it to anyone. Neither is a reader: the visit counts (the campaign evaluation reads
# them) leave them out. Looked at, never stored.
NOT_READERS = re.compile(
    r"bot|crawl|spider|slurp|preview|facebookexternalhit|headless|curl|wget|python-requests",
    re.IGNORECASE,
)


def is_reader(request: HttpRequest) -> bool:
    purpose = request.headers.get("Sec-Purpose", "") + request.headers.get("Purpose", "")
    if "prefetch" in purpose.lower():
        return False
    return not NOT_READERS.search(request.headers.get("User-Agent", ""))


@require_safe
def page(request: HttpRequest, lang: str, slug: str) -> HttpResponse:
    try:
        shown = queries.public_page(lang, slug)
    except NotFound:
        return not_found(request, lang)
    if request.method == "GET" and is_reader(request):
        services.count_visit(page=shown.page, language=lang)
    context = public_context(lang)
    context.update(_page_context(shown, lang))
    context["awaiting_review"] = context["awaiting_review"] or shown.awaiting_review
    return render(request, "portal/page.html", context)


def _page_context(shown: queries.Shown, lang: str) -> dict[str, object]:
    content_lang = shown.version.language
    return {
        "shown": shown,
        "content_lang": content_lang,
        "content_dir": portal_languages()[content_lang][2],
        "leaflet_url": f"/{lang}/info/{shown.page.slug}/leaflet.pdf",
    }


@require_safe
def leaflet(request: HttpRequest, lang: str, slug: str) -> HttpResponse:
    try:
        shown = queries.public_page(lang, slug)
    except NotFound:
        return not_found(request, lang)
    context = public_context(lang)
    context.update(_page_context(shown, lang))
    url = request.build_absolute_uri(f"/{lang}/info/{shown.page.slug}/")
    pdf = leaflet_pdf(shown=shown, url=url, context=context)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{shown.page.slug}-{lang}.pdf"'
    return response


@require_safe
def languages(request: HttpRequest, lang: str) -> HttpResponse:
    context = public_context(lang)
    context["statuses"] = queries.language_statuses()
    return render(request, "portal/languages.html", context)
