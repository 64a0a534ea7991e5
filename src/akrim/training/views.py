"""Training pages: courses and sessions, a session, coverage, my training, certificates."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from akrim.core.errors import InvalidInput
from akrim.core.http import domain_errors_as_pages
from akrim.core.parse import iso_date, whole_number
from akrim.core.requests import actor_from_request
from akrim.organisation.models import Centre
from akrim.training import queries, services
from akrim.training.policies import is_centre_coordinator


@login_required
@domain_errors_as_pages
def index(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    return render(
        request,
        "training/index.html",
        {
            "courses": queries.courses(),
            "sessions": queries.sessions(actor=actor),
            "coordinated": list(
                Centre.objects.filter(
                    code__in=[c for c in actor.centres if is_centre_coordinator(actor, c)]
                ).order_by("name")
            ),
        },
    )


@login_required
@domain_errors_as_pages
def session(request: HttpRequest, id: int) -> HttpResponse:
    page = queries.session_page(actor=actor_from_request(request), id=id)
    return render(request, "training/session.html", {"p": page})


@require_POST
@login_required
@domain_errors_as_pages
def enrol(request: HttpRequest, id: int) -> HttpResponse:
    services.enrol(actor=actor_from_request(request), session_id=id)
    return HttpResponseRedirect(reverse("training:session", args=[id]))


def _date(value: str, field: str) -> dt.date | None:
    """A date written 2025-05-06, or None when empty; anything else is refused (400)."""
    return iso_date(value, field) if value else None


@require_POST
@login_required
@domain_errors_as_pages
def record_result(request: HttpRequest, id: int, enrolment_id: int) -> HttpResponse:
    services.record_result(
        actor=actor_from_request(request),
        enrolment_id=enrolment_id,
        session_id=id,
        attended=request.POST.get("attended") == "on",
        completed_on=_date(request.POST.get("completed_on", "").strip(), _("The completion date")),
    )
    return HttpResponseRedirect(reverse("training:session", args=[id]))


def _int(value: str, field: str) -> int:
    return whole_number(value, field, max_digits=6)


@require_POST
@login_required
@domain_errors_as_pages
def create_session(request: HttpRequest) -> HttpResponse:
    """A coordinator plans a session of a course at their centre."""
    post = request.POST
    held_on = _date(post.get("held_on", "").strip(), _("The session date"))
    if held_on is None:
        raise InvalidInput("The session date must be a date like 2025-05-06.")
    trainers = [t.strip() for t in post.get("trainers", "").split(",") if t.strip()]
    session = services.create_session(
        actor=actor_from_request(request),
        course=post.get("course", "")[:40],
        centre=post.get("centre", "")[:20],
        held_on=held_on,
        capacity=_int(post.get("capacity", "").strip(), _("Capacity")),
        place=post.get("place", ""),
        online=post.get("online") == "on",
        trainers=trainers[:20],
    )
    return HttpResponseRedirect(reverse("training:session", args=[session.pk]))


@require_POST
@login_required
@domain_errors_as_pages
def add_rule(request: HttpRequest) -> HttpResponse:
    """A coordinator sets a staffing rule for their centre."""
    centre = request.POST.get("centre", "")[:20]
    services.add_staffing_rule(
        actor=actor_from_request(request),
        centre=centre,
        course=request.POST.get("course", "")[:40],
        name=request.POST.get("name", ""),
    )
    return HttpResponseRedirect(reverse("training:coverage") + f"?centre={centre}")


@login_required
@domain_errors_as_pages
def coverage(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    choices = [(c.code, c.name) for c in queries.coverage_centres(actor=actor)]
    centre = request.GET.get("centre") or (
        sorted(actor.centres)[0] if actor.centres else (choices[0][0] if choices else "")
    )
    if len(centre) > 20:
        raise InvalidInput("Unknown centre.")
    result = queries.coverage(actor=actor, centre=centre)
    return render(
        request,
        "training/coverage.html",
        {
            "cov": result,
            "centre_choices": choices if len(choices) > 1 else [],
            "rules": queries.staffing_rules(centre=centre),
            "courses": queries.courses(),
            "may_set_rules": is_centre_coordinator(actor, centre),
        },
    )


@login_required
@domain_errors_as_pages
def mine(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    return render(
        request,
        "training/mine.html",
        {"enrolments": queries.my_training(actor=actor), "today": queries.today()},
    )


@login_required
@domain_errors_as_pages
def certificate(request: HttpRequest, id: int) -> HttpResponse:
    from akrim.core.pdf import pdf_bytes

    enrolment = queries.certificate(actor=actor_from_request(request), id=id)
    html = render_to_string("training/certificate.html", {"e": enrolment})
    pdf = pdf_bytes(html)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="certificate-{enrolment.pk}.pdf"'
    return response
