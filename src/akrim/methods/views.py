"""Handbook pages: methods, versions and diffs, lessons learned, the adoption matrix."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from akrim.core.errors import InvalidInput
from akrim.core.http import domain_errors_as_pages
from akrim.core.parse import iso_date, whole_number
from akrim.core.requests import actor_from_request
from akrim.methods import policies, queries, services
from akrim.methods.models import AdoptionStatus, LessonStatus, MethodStatus

MAX_ID_DIGITS = 9


def _int(value: str, field: str) -> int:
    return whole_number(value, field, max_digits=MAX_ID_DIGITS)


def _ids(post: QueryDict, name: str) -> list[int]:
    return [_int(v, name) for v in post.getlist(name)]


def _date(value: str) -> dt.date:
    return iso_date(value, _("The date"))


@require_GET
@login_required
@domain_errors_as_pages
def index(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    status = request.GET.get("status", "")[:20]
    return render(
        request,
        "methods/index.html",
        {
            "methods": queries.list_methods(actor=actor, status=status),
            "status": status,
            "statuses": MethodStatus.choices,
            "may_create": policies.may_create(actor),
        },
    )


def _method_form(
    request: HttpRequest, context: dict[str, Any], error: InvalidInput | None = None
) -> HttpResponse:
    context.update(
        {
            "error": error.message if error else "",
            "form": request.POST if error else {},
            "chosen": set(_safe_ids(request.POST, "checklists")) if error else None,
            "chosen_lessons": set(_safe_ids(request.POST, "lessons")) if error else set(),
            "chosen_experience": set(_safe_ids(request.POST, "experience")) if error else set(),
            "all_checklists": queries.checklists(),
        }
    )
    return render(request, "methods/form.html", context, status=400 if error else 200)


def _safe_ids(post: QueryDict, name: str) -> list[int]:
    """The ids in the form as far as they are ids (to show the form again)."""
    return [
        int(v)
        for v in post.getlist(name)
        if v.isascii() and v.isdigit() and len(v) <= MAX_ID_DIGITS
    ]


@require_http_methods(["GET", "POST"])
@login_required
@domain_errors_as_pages
def create(request: HttpRequest) -> HttpResponse:
    """A coordinator adds a method (a draft with its first version)."""
    actor = actor_from_request(request)
    policies.check_may_create(actor)
    context: dict[str, Any] = {"method": None, "current": None}
    if request.method == "POST":
        post = request.POST
        try:
            method = services.create_method(
                actor=actor,
                title=post.get("title", ""),
                body=post.get("body", ""),
                summary=post.get("summary", ""),
                owner_agency=post.get("owner_agency", "")[:8],
                owner=post.get("owner", "").strip()[:150],
                checklists=_ids(post, "checklists"),
            )
        except InvalidInput as error:
            return _method_form(request, context, error)
        return HttpResponseRedirect(reverse("methods:method", args=[method.slug]))
    return _method_form(request, context)


@require_GET
@login_required
@domain_errors_as_pages
def method(request: HttpRequest, slug: str) -> HttpResponse:
    actor = actor_from_request(request)
    page = queries.method_page(actor=actor, slug=slug)
    return render(
        request,
        "methods/method.html",
        {
            "p": page,
            "m": page.method,
            "adoption_statuses": AdoptionStatus.choices,
            "today": timezone.localdate(),
            "next_status_label": MethodStatus(page.next_status).label if page.next_status else "",
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
@domain_errors_as_pages
def revise(request: HttpRequest, slug: str) -> HttpResponse:
    """A coordinator or the owner saves the next version, citing lessons."""
    actor = actor_from_request(request)
    method, current = queries.method_for_revision(actor=actor, slug=slug)
    context: dict[str, Any] = {
        "method": method,
        "current": current,
        "current_checklists": {c.pk for c in current.checklists.all()},
        "lessons": queries.citable_lessons(actor=actor, method=method),
        "experience": queries.citable_experience(actor=actor),
    }
    if request.method == "POST":
        post = request.POST
        try:
            services.revise_method(
                actor=actor,
                method_id=method.pk,
                base=_int(post.get("base", ""), _("The version")),
                body=post.get("body", ""),
                summary=post.get("summary", ""),
                checklists=_ids(post, "checklists"),
                lessons=_ids(post, "lessons"),
                experience=_ids(post, "experience"),
            )
        except InvalidInput as error:
            return _method_form(request, context, error)
        return HttpResponseRedirect(reverse("methods:method", args=[method.slug]))
    return _method_form(request, context)


@require_POST
@login_required
@domain_errors_as_pages
def move_status(request: HttpRequest, slug: str) -> HttpResponse:
    actor = actor_from_request(request)
    method = queries.method_for_action(actor=actor, slug=slug)
    services.move_method_status(
        actor=actor, method_id=method.pk, to=request.POST.get("to", "")[:20]
    )
    return HttpResponseRedirect(reverse("methods:method", args=[slug]))


@require_POST
@login_required
@domain_errors_as_pages
def record_adoption(request: HttpRequest, slug: str) -> HttpResponse:
    actor = actor_from_request(request)
    method = queries.method_for_action(actor=actor, slug=slug)
    post = request.POST
    services.record_adoption(
        actor=actor,
        method_id=method.pk,
        agency=post.get("agency", "")[:8],
        status=post.get("status", "")[:20],
        since=_date(post.get("since", "").strip()),
        evidence=post.get("evidence", ""),
    )
    return HttpResponseRedirect(reverse("methods:method", args=[slug]) + "#adoption")


@require_GET
@login_required
@domain_errors_as_pages
def version(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    """One version's text, and what changed from the version before."""
    actor = actor_from_request(request)
    old = request.GET.get("old", "")
    diff = queries.version_diff(
        actor=actor,
        slug=slug,
        old=_int(old, _("The version")) if old else max(number - 1, 1),
        new=number,
    )
    return render(request, "methods/version.html", {"d": diff})


@require_GET
@login_required
@domain_errors_as_pages
def lessons(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    status = request.GET.get("status", LessonStatus.OPEN)[:20]
    rows = queries.list_lessons(actor=actor, status=status)
    return render(
        request,
        "methods/lessons.html",
        {
            "lessons": [(lesson, policies.may_dismiss(actor, lesson)) for lesson in rows],
            "status": status,
            "statuses": LessonStatus.choices,
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
@domain_errors_as_pages
def new_lesson(request: HttpRequest) -> HttpResponse:
    """Someone in a control's team records what worked and what did not."""
    actor = actor_from_request(request)
    source = request.POST if request.method == "POST" else request.GET
    control = queries.lesson_control(
        actor=actor, control_id=_int(source.get("control", ""), _("The control"))
    )
    error = None
    if request.method == "POST":
        try:
            services.record_lesson(
                actor=actor,
                control_id=control.pk,
                worked=request.POST.get("worked", ""),
                did_not_work=request.POST.get("did_not_work", ""),
                methods=_ids(request.POST, "methods"),
            )
        except InvalidInput as invalid:
            error = invalid
        else:
            return HttpResponseRedirect(reverse("methods:lessons") + "?status=open")
    return render(
        request,
        "methods/lesson_form.html",
        {
            "control": control,
            "methods": queries.list_methods(actor=actor),
            "error": error.message if error else "",
            "form": request.POST if error else {},
            "chosen": set(_safe_ids(request.POST, "methods")) if error else set(),
            "too_early": control.status not in policies.LESSON_STATUSES,
        },
        status=400 if error else 200,
    )


@require_POST
@login_required
@domain_errors_as_pages
def dismiss_lesson(request: HttpRequest, id: int) -> HttpResponse:
    services.dismiss_lesson(
        actor=actor_from_request(request), lesson_id=id, reason=request.POST.get("reason", "")
    )
    return HttpResponseRedirect(reverse("methods:lessons"))


@require_GET
@login_required
@domain_errors_as_pages
def adoption(request: HttpRequest) -> HttpResponse:
    matrix = queries.adoption_matrix(actor=actor_from_request(request))
    return render(request, "methods/adoption.html", {"matrix": matrix})


@require_GET
@login_required
@domain_errors_as_pages
def adoption_csv(request: HttpRequest) -> HttpResponse:
    matrix = queries.adoption_matrix(actor=actor_from_request(request))
    response = HttpResponse(queries.adoption_csv(matrix), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="method-adoption.csv"'
    return response
