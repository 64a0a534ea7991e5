"""Choosing the purpose one acts under (kept in the session, audited)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from akrim.access import queries, services
from akrim.access.forms import BreakGlassForm, ReviewForm
from akrim.core.errors import InvalidInput, NotFound
from akrim.core.http import domain_errors_as_pages
from akrim.core.parse import whole_number
from akrim.core.requests import actor_from_request


@require_POST
@login_required
@domain_errors_as_pages
def set_purpose(request: HttpRequest) -> HttpResponse:
    purpose = services.choose_purpose(
        actor=actor_from_request(request), purpose=request.POST.get("purpose", "")
    )
    request.session["purpose"] = purpose.value
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    return redirect(target)


_RECORD_URLS = {
    "company": "registry:company",
    "person": "registry:person",
    "workplace": "registry:workplace",
}


@login_required
@domain_errors_as_pages
def break_glass(request: HttpRequest) -> HttpResponse:
    """Emergency access: a reason and a fresh second-factor code open one record."""
    form = BreakGlassForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            opened = services.break_the_glass(
                actor=actor_from_request(request),
                object_type=data["object_type"],
                key=data["key"],
                reason=data["reason"],
                code=data["code"],
            )
        except InvalidInput as invalid:
            error = invalid.message
        except NotFound:
            error = _("No other agency holds a record with that number or id.")
        else:
            return redirect(_RECORD_URLS[opened[0].object_type], opened[0].object_key)
    status = 400 if request.method == "POST" else 200
    return render(request, "access/break_glass.html", {"form": form, "error": error}, status=status)


@login_required
@domain_errors_as_pages
def reviews(request: HttpRequest) -> HttpResponse:
    """The owning agency's auditor reviews emergency accesses to its records."""
    actor = actor_from_request(request)
    if request.method == "POST":
        form = ReviewForm(request.POST)
        if not form.is_valid():
            raise InvalidInput("Choose justified or not justified.")
        services.review_break_glass(
            actor=actor,
            task_id=_int(request.POST.get("task")),
            verdict=form.cleaned_data["verdict"],
            note=form.cleaned_data["note"],
        )
        return redirect("access:reviews")
    return render(
        request,
        "access/reviews.html",
        {"tasks": queries.list_review_tasks(actor=actor), "form": ReviewForm()},
    )


def _int(raw: str | None) -> int:
    """An id from a form: ASCII digits only (``int`` also reads "١٢" and overflows the
    database on a hundred digits); anything else names no task."""
    try:
        return whole_number(str(raw or ""), "id", max_digits=12)
    except InvalidInput as error:
        raise NotFound() from error
