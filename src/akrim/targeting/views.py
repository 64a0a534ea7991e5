"""Pages of risk-based selection: the selection list (with "add to plan"), a workplace's
score history and explanation, feedback, the bias and coverage report, a model's card.

Thin: parse the request, call one query or service, render. A wrong filter value is
answered 400 with the query's message beside the filters.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from akrim.core.actor import Actor
from akrim.core.errors import Conflict, InvalidInput
from akrim.core.http import domain_errors_as_pages
from akrim.core.requests import actor_from_request
from akrim.organisation.models import Agency
from akrim.targeting import policies, queries, services

WEEKDAY_NAMES = (
    gettext_lazy("Monday"),
    gettext_lazy("Tuesday"),
    gettext_lazy("Wednesday"),
    gettext_lazy("Thursday"),
    gettext_lazy("Friday"),
    gettext_lazy("Saturday"),
    gettext_lazy("Sunday"),
)


def _echo(request: HttpRequest, name: str) -> str:
    """What the visitor typed, to show again: short, printable characters only."""
    value = str(request.GET.get(name, ""))[: queries.MAX_PARAM]
    return "".join(ch for ch in value if ch.isprintable())


def _selection_page(
    request: HttpRequest, actor: Actor, error: str = "", status: int = 200
) -> HttpResponse:
    context: dict[str, Any] = {
        "centres": queries.centre_choices(actor=actor),
        "sections": queries.section_choices(),
        "weekdays": list(zip(queries.WEEKDAYS, WEEKDAY_NAMES, strict=True)),
        "typed": {
            name: _echo(request, name)
            for name in ("centre", "municipality", "industry", "day", "time", "min_score")
        },
        "query": request.GET.urlencode(),
    }
    try:
        filters = queries.parse_selection(actor=actor, params=request.GET)
        found = queries.selection(actor=actor, filters=filters)
    except InvalidInput as invalid:
        context["error"] = invalid.message
        return render(request, "targeting/selection.html", context, status=400)
    context.update(
        found=found,
        filters=filters,
        municipalities=queries.municipality_choices(filters.centre),
        may_plan=policies.may_plan(actor=actor, centre=filters.centre),
        error=error,
        plan_slot=_slot(found.open_on),
    )
    return render(request, "targeting/selection.html", context, status=status)


def _slot(moment: dt.datetime | None) -> dict[str, str]:
    """The plan form's time, filled in from the opening-hours filter (three hours)."""
    if moment is None:
        return {}
    end = moment + dt.timedelta(hours=services.SLOT_HOURS)
    return {
        "day": moment.date().isoformat(),
        "starts": moment.strftime("%H:%M"),
        "ends": end.strftime("%H:%M"),
    }


@login_required
@require_GET
@domain_errors_as_pages
def selection(request: HttpRequest) -> HttpResponse:
    """A centre's selection list: filters, highest chance first, reasons per row."""
    return _selection_page(request, actor_from_request(request))


class PlanForm(forms.Form):
    """The types of "add to plan"; the service checks the rest."""

    centre = forms.CharField(max_length=20)
    day = forms.DateField(required=False)
    starts = forms.TimeField(required=False)
    ends = forms.TimeField(required=False)
    outside_opening_hours = forms.BooleanField(required=False)

    def moments(self) -> tuple[dt.datetime | None, dt.datetime | None]:
        data = self.cleaned_data
        if not data["day"] and not data["starts"] and not data["ends"]:
            return None, None
        if not (data["day"] and data["starts"] and data["ends"]):
            raise InvalidInput("Give the date, the start and the end, or none of them.")
        zone = timezone.get_current_timezone()
        starts = dt.datetime.combine(data["day"], data["starts"], tzinfo=zone)
        ends = dt.datetime.combine(data["day"], data["ends"], tzinfo=zone)
        if ends <= starts:  # runs past midnight
            ends += dt.timedelta(days=1)
        return starts, ends


def _form_error(form: PlanForm) -> str:
    fields = ", ".join(sorted(form.errors))
    return _("Check these fields: %(fields)s.") % {"fields": fields}


@login_required
@require_POST
@domain_errors_as_pages
def add_to_plan(request: HttpRequest) -> HttpResponse:
    """Create a draft control of the checked workplaces and go to it."""
    actor = actor_from_request(request)
    form = PlanForm(request.POST)
    if not form.is_valid():
        return _selection_page(request, actor, _form_error(form), 400)
    try:
        starts, ends = form.moments()
        control = services.add_to_plan(
            actor=actor,
            workplace_ids=request.POST.getlist("workplace")[: services.MAX_PLAN + 1],
            centre=form.cleaned_data["centre"],
            starts_at=starts,
            ends_at=ends,
            outside_opening_hours=form.cleaned_data["outside_opening_hours"],
        )
    except (InvalidInput, Conflict) as refused:
        return _selection_page(request, actor, refused.message, refused.status)
    messages.success(request, _("Draft control %(id)s created.") % {"id": control.pk})
    return HttpResponseRedirect(reverse("controls:detail", args=[control.pk]))


@login_required
@require_GET
@domain_errors_as_pages
def workplace(request: HttpRequest, workplace_id: str) -> HttpResponse:
    """A workplace's scores over the runs and the newest one's explanation."""
    history = queries.workplace_history(
        actor=actor_from_request(request), workplace_id=workplace_id
    )
    return render(request, "targeting/workplace.html", {"h": history})


@login_required
@require_GET
@domain_errors_as_pages
def feedback(request: HttpRequest) -> HttpResponse:
    """Hit rates per indicator, and the models side by side."""
    actor = actor_from_request(request)
    try:
        figures = queries.feedback(actor=actor, owner=str(request.GET.get("owner", "")))
    except InvalidInput as invalid:
        return render(request, "targeting/feedback.html", {"error": invalid.message}, status=400)
    may_activate = bool(figures.owner) and policies.may_score(actor=actor, owner=figures.owner)
    return render(request, "targeting/feedback.html", {"f": figures, "may_activate": may_activate})


@login_required
@require_POST
@domain_errors_as_pages
def activate_model(request: HttpRequest, model_id: int) -> HttpResponse:
    """Make a kept model its owner's active one (the next scoring run uses it); back to
    the feedback page."""
    row = services.activate_model(actor=actor_from_request(request), model_id=model_id)
    messages.success(
        request, _("Model %(id)s is now the active model; the next run uses it.") % {"id": row.pk}
    )
    owner = Agency.objects.get(pk=row.owner_id).code
    return HttpResponseRedirect(f"{reverse('targeting:feedback')}?{urlencode({'owner': owner})}")


@login_required
@require_GET
@domain_errors_as_pages
def coverage(request: HttpRequest) -> HttpResponse:
    """The top N by industry, municipality and centre against the register."""
    actor = actor_from_request(request)
    try:
        top = queries.parse_top(str(request.GET.get("top", "")))
        report = queries.coverage(actor=actor, owner=str(request.GET.get("owner", "")), top=top)
    except InvalidInput as invalid:
        context = {"error": invalid.message, "top": _echo(request, "top")}
        return render(request, "targeting/coverage.html", context, status=400)
    return render(request, "targeting/coverage.html", {"c": report, "top": report.top})


@login_required
@require_GET
@domain_errors_as_pages
def model(request: HttpRequest, model_id: int) -> HttpResponse:
    """A model's card (Markdown, shown as text) and validation."""
    row = queries.get_model(actor=actor_from_request(request), id=model_id)
    return render(request, "targeting/model.html", {"m": row})
