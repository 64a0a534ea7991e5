"""Staff pages of tips: the list per centre, a tip, triage and the other actions, and the
statistics per centre and year."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from akrim.controls.policies import may_coordinate
from akrim.controls.stats import parse_year
from akrim.core.http import domain_errors_as_pages
from akrim.core.parse import whole_number
from akrim.core.requests import actor_from_request
from akrim.tips import queries, services
from akrim.tips.models import Category, Status, Urgency


def _int(value: str, field: str) -> int:
    return whole_number(value, field, max_digits=12)


@login_required
@domain_errors_as_pages
def index(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    centre = request.GET.get("centre", "")[:20]
    status = request.GET.get("status", "")[:20]
    tips = list(queries.list_tips(actor=actor, centre=centre, status=status)[:500])
    return render(
        request,
        "tips/index.html",
        {
            "tips": tips,
            "centres": sorted(actor.centres),
            "centre": centre,
            "status": status,
            "statuses": Status.choices,
        },
    )


@login_required
@domain_errors_as_pages
def detail(request: HttpRequest, id: int) -> HttpResponse:
    actor = actor_from_request(request)
    page = queries.get_tip(actor=actor, id=id)
    tip = page.tip
    plan = ""
    # planning is for a coordinator of the tip's centre (of any centre while it has none)
    centres = [tip.centre.code] if tip.centre else actor.centres
    if page.may_handle and any(may_coordinate(actor=actor, centre=c) for c in centres):
        plan = (
            reverse("controls:plan")
            + "?"
            + urlencode(
                {"workplace": tip.workplace.workplace_id if tip.workplace else "", "tips": tip.key}
            )
        )
    return render(
        request,
        "tips/detail.html",
        {
            "p": page,
            "t": tip,
            "categories": Category.choices,
            "urgencies": Urgency.choices,
            "plan_url": plan,
            "municipalities": queries.municipalities() if tip.centre_id is None else [],
        },
    )


def _back(id: int, note: str) -> HttpResponse:
    return HttpResponseRedirect(reverse("tips:detail", args=[id]) + f"#{note}")


@require_POST
@login_required
@domain_errors_as_pages
def triage(request: HttpRequest, id: int) -> HttpResponse:
    services.triage_tip(
        actor=actor_from_request(request),
        tip_id=id,
        category=request.POST.get("category", "")[:20],
        urgency=request.POST.get("urgency", "")[:20],
    )
    messages.success(request, _("Triage saved."))
    return _back(id, "triage")


@require_POST
@login_required
@domain_errors_as_pages
def route(request: HttpRequest, id: int) -> HttpResponse:
    services.route_tip(
        actor=actor_from_request(request),
        tip_id=id,
        municipality_code=request.POST.get("municipality", "")[:4],
    )
    messages.success(request, _("The tip was routed."))
    return _back(id, "route")


@require_POST
@login_required
@domain_errors_as_pages
def link(request: HttpRequest, id: int) -> HttpResponse:
    services.link_register(
        actor=actor_from_request(request),
        tip_id=id,
        kind=request.POST.get("kind", "")[:20],
        key=request.POST.get("key", "")[:40],
    )
    messages.success(request, _("The tip was linked to the register."))
    return _back(id, "link")


@require_POST
@login_required
@domain_errors_as_pages
def duplicate(request: HttpRequest, id: int) -> HttpResponse:
    services.mark_duplicate(
        actor=actor_from_request(request),
        tip_id=id,
        of_id=_int(request.POST.get("of", ""), _("The tip number")),
    )
    messages.success(request, _("Marked as a duplicate."))
    return _back(id, "duplicates")


@require_POST
@login_required
@domain_errors_as_pages
def selection(request: HttpRequest, id: int) -> HttpResponse:
    services.use_for_selection(actor=actor_from_request(request), tip_id=id)
    messages.success(request, _("The tip now counts in the selection lists."))
    return _back(id, "use")


@require_POST
@login_required
@domain_errors_as_pages
def control(request: HttpRequest, id: int) -> HttpResponse:
    services.link_control(
        actor=actor_from_request(request),
        tip_id=id,
        control_id=_int(request.POST.get("control", ""), _("The control number")),
    )
    messages.success(request, _("The control was recorded."))
    return _back(id, "use")


@require_POST
@login_required
@domain_errors_as_pages
def reply(request: HttpRequest, id: int) -> HttpResponse:
    services.reply(
        actor=actor_from_request(request), tip_id=id, body=request.POST.get("body", "")[:5000]
    )
    messages.success(request, _("The reply was sent."))
    return _back(id, "messages")


@require_POST
@login_required
@domain_errors_as_pages
def close(request: HttpRequest, id: int) -> HttpResponse:
    services.close_tip(actor=actor_from_request(request), tip_id=id)
    messages.success(request, _("The tip was closed."))
    return _back(id, "status")


@login_required
@domain_errors_as_pages
def attachment(request: HttpRequest, id: int, attachment_id: int) -> HttpResponse:
    row, data = queries.attachment(
        actor=actor_from_request(request), tip_id=id, attachment_id=attachment_id
    )
    response = HttpResponse(data, content_type=row.content_type)
    response["Content-Disposition"] = f'attachment; filename="tip-{id}-{row.pk}{row.extension}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@domain_errors_as_pages
def stats(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    year = parse_year(request.GET.get("year", "") or str(queries.today().year))
    rows = queries.tip_statistics(actor=actor, year=year)
    return render(request, "tips/stats.html", {"rows": rows, "year": year})
