"""Staff pages of the portal's content: the matrix of pages × languages, editing a page in
a language (a new version), reviewing versions, interface texts, new campaign pages.

Communication staff and administrators write; other staff may only read (see policies).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language
from django.views.decorators.http import require_POST

from akrim.core.errors import Conflict, InvalidInput
from akrim.core.http import domain_errors_as_pages
from akrim.core.i18n import portal_languages
from akrim.core.requests import actor_from_request
from akrim.portal import queries, services
from akrim.portal.models import Status
from akrim.portal.policies import may_edit


@login_required
@domain_errors_as_pages
def index(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    return render(
        request,
        "portal/index.html",
        {
            # not "languages": base.html's language switcher uses that name
            "rows": [
                (row, row.title(get_language() or "sv"))
                for row in queries.content_matrix(actor=actor)
            ],
            "portal_langs": portal_languages(),
            "may_edit": may_edit(actor),
        },
    )


@login_required
@domain_errors_as_pages
def page_language(request: HttpRequest, slug: str, language: str) -> HttpResponse:
    """A page's versions in a language; POST adds a version (communicators)."""
    actor = actor_from_request(request)
    page, versions = queries.page_versions(actor=actor, slug=slug, language=language)
    newest = versions[0] if versions else None
    form: dict[str, Any] = {
        "title": newest.title if newest else "",
        "summary": newest.summary if newest else "",
        "body": newest.body if newest else "",
        "status": Status.AWAITING_REVIEW.value,
    }
    error = ""
    if request.method == "POST":
        form = {k: request.POST.get(k, "") for k in ("title", "summary", "body", "status")}
        try:
            services.save_page_version(actor=actor, slug=slug, language=language, **form)
        except InvalidInput as invalid:
            error = invalid.message
        else:
            return HttpResponseRedirect(reverse("portal:page_language", args=[slug, language]))
    return render(
        request,
        "portal/page_language.html",
        {
            "page": page,
            "language": language,
            "language_name": portal_languages()[language][0],
            "versions": versions,
            "form": form,
            "error": error,
            "may_edit": may_edit(actor),
            "statuses": services.EDITABLE_STATUSES,
        },
        status=400 if error else 200,
    )


@require_POST
@login_required
@domain_errors_as_pages
def review_version(request: HttpRequest, id: int) -> HttpResponse:
    version = services.review_page_version(actor=actor_from_request(request), version_id=id)
    return HttpResponseRedirect(
        reverse("portal:page_language", args=[version.page.slug, version.language])
    )


@login_required
@domain_errors_as_pages
def ui_texts(request: HttpRequest, language: str) -> HttpResponse:
    """Interface texts of a language; POST adds a version of one text (communicators)."""
    actor = actor_from_request(request)
    error = ""
    if request.method == "POST":
        try:
            services.save_ui_text(
                actor=actor,
                language=language,
                key=request.POST.get("key", "")[:80],
                text=request.POST.get("text", ""),
                status=request.POST.get("status", ""),
            )
        except InvalidInput as invalid:
            error = invalid.message
        else:
            return HttpResponseRedirect(reverse("portal:ui_texts", args=[language]))
    rows = queries.ui_text_rows(actor=actor, language=language)
    return render(
        request,
        "portal/ui_texts.html",
        {
            "rows": rows,
            "language": language,
            "language_name": portal_languages()[language][0],
            "error": error,
            "may_edit": may_edit(actor),
            "statuses": services.EDITABLE_STATUSES,
        },
        status=400 if error else 200,
    )


@require_POST
@login_required
@domain_errors_as_pages
def review_ui_text(request: HttpRequest, id: int) -> HttpResponse:
    row = services.review_ui_text(actor=actor_from_request(request), ui_text_id=id)
    return HttpResponseRedirect(reverse("portal:ui_texts", args=[row.language]))


@login_required
@domain_errors_as_pages
def create_campaign(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    services.require_editor(actor)
    fields = ("slug", "language", "title", "summary", "body", "status")
    form = {k: request.POST.get(k, "") for k in fields}
    error, status = "", 200
    if request.method == "POST":
        try:
            version = services.create_campaign_page(actor=actor, **form)
        except (InvalidInput, Conflict) as failure:
            error, status = failure.message, failure.status
        else:
            return HttpResponseRedirect(
                reverse("portal:page_language", args=[version.page.slug, version.language])
            )
    return render(
        request,
        "portal/create_campaign.html",
        {
            "form": form,
            "error": error,
            "portal_langs": portal_languages(),
            "statuses": services.EDITABLE_STATUSES,
        },
        status=status,
    )
