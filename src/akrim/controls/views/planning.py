"""Pages of joint controls: the list, planning, the control page and its lifecycle,
pre-checks and safety, findings and decisions, and the agency's tasks.

Each POST calls one service. A refused change renders the control page again with the
service's message beside the form it came from and the typed values kept (status 400 for
bad input, 409 for a conflict with the control's state).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from akrim.controls import policies, queries, services
from akrim.controls.models import (
    FINDING_CATALOGUE,
    DecisionKind,
    DecisionStatus,
    Status,
    finding_label,
)
from akrim.core.actor import Actor
from akrim.core.errors import Conflict, DomainError, Forbidden, InvalidInput
from akrim.core.http import domain_errors_as_pages
from akrim.core.parse import iso_date, whole_number
from akrim.core.requests import actor_from_request
from akrim.methods.policies import may_record_lesson
from akrim.registry import queries as registry_queries
from akrim.training import queries as training_queries

MOVE_LABELS = {
    Status.PLANNED: gettext_lazy("Plan (leave draft)"),
    Status.PREPARED: gettext_lazy("Mark prepared"),
    Status.CARRIED_OUT: gettext_lazy("Mark carried out"),
    Status.IN_FOLLOW_UP: gettext_lazy("Start follow-up"),
    Status.CLOSED: gettext_lazy("Close the control"),
}
MOVES = {
    Status.PLANNED: services.mark_planned,
    Status.PREPARED: services.mark_prepared,
    Status.CARRIED_OUT: services.mark_carried_out,
    Status.IN_FOLLOW_UP: services.start_follow_up,
    Status.CLOSED: services.close_control,
}
NEXT_MOVE = {
    Status.DRAFT: Status.PLANNED,
    Status.PLANNED: Status.PREPARED,
    Status.PREPARED: Status.CARRIED_OUT,
    Status.CARRIED_OUT: Status.IN_FOLLOW_UP,
    Status.IN_FOLLOW_UP: Status.CLOSED,
}


# --- the list and the plan form ---------------------------------------------------------


@login_required
@domain_errors_as_pages
def control_list(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    status = request.GET.get("status", "")[:20]
    filters = queries.ControlFilters(status=status or None)
    error = ""
    try:
        controls = list(queries.list_controls(actor=actor, filters=filters)[:500])
    except InvalidInput as invalid:
        controls, error = [], invalid.message
    return render(
        request,
        "controls/list.html",
        {
            "controls": controls,
            "statuses": Status.choices,
            "status": status,
            "error": error,
            "may_plan": bool(queries.plannable_centres(actor=actor)),
        },
        status=400 if error else 200,
    )


class PlanForm(forms.Form):
    """The plan form's fields and their types; the service checks the rest."""

    centre = forms.CharField(max_length=20)
    day = forms.DateField(label=gettext_lazy("Date"))
    starts = forms.TimeField(label=gettext_lazy("From"))
    ends = forms.TimeField(label=gettext_lazy("To"))
    lead_agency = forms.CharField(max_length=8, label=gettext_lazy("Lead agency"))
    agencies = forms.MultipleChoiceField(choices=[], label=gettext_lazy("Agencies"))
    workplaces = forms.CharField(
        max_length=2100,
        label=gettext_lazy("Workplaces"),
        help_text=gettext_lazy("Workplace numbers, one per line."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    tips = forms.CharField(
        max_length=900,
        required=False,
        label=gettext_lazy("Tips followed up"),
        help_text=gettext_lazy("Tip numbers, separated by commas or lines."),
    )
    purpose = forms.CharField(
        max_length=2000, label=gettext_lazy("Purpose"), widget=forms.Textarea(attrs={"rows": 3})
    )
    outside_opening_hours = forms.BooleanField(
        required=False, label=gettext_lazy("Plan even though a site is closed at the start")
    )

    def __init__(self, *args: Any, agency_codes: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agencies"].choices = [(code, code) for code in agency_codes]  # type: ignore[attr-defined]

    def moments(self) -> tuple[dt.datetime, dt.datetime]:
        return _moments(self.cleaned_data)


class RescheduleForm(forms.Form):
    """Another day and time for a control that has not been carried out."""

    day = forms.DateField(label=gettext_lazy("Day"))
    starts = forms.TimeField(label=gettext_lazy("Starts"))
    ends = forms.TimeField(label=gettext_lazy("Ends"))
    outside_opening_hours = forms.BooleanField(
        required=False, label=gettext_lazy("Plan even though a site is closed at the start")
    )


def _moments(data: dict[str, Any]) -> tuple[dt.datetime, dt.datetime]:
    zone = timezone.get_current_timezone()
    starts = dt.datetime.combine(data["day"], data["starts"], tzinfo=zone)
    ends = dt.datetime.combine(data["day"], data["ends"], tzinfo=zone)
    if ends <= starts:  # a control that runs past midnight
        ends += dt.timedelta(days=1)
    return starts, ends


def _lines(value: str) -> list[str]:
    return [part.strip() for part in value.replace(",", "\n").splitlines() if part.strip()]


@login_required
@domain_errors_as_pages
def plan(request: HttpRequest) -> HttpResponse:
    """Plan a control, or save it as a draft (button ``draft``)."""
    actor = actor_from_request(request)
    centres = queries.plannable_centres(actor=actor)
    if not centres:
        return render(
            request,
            "core/error.html",
            {"status": 404, "title": _("Only a coordinator of a centre may plan controls.")},
            status=404,
        )
    codes = queries.agency_codes()
    error, status = "", 200
    if request.method == "POST":
        form = PlanForm(request.POST, agency_codes=codes)
        if form.is_valid():
            starts, ends = form.moments()
            create = services.draft_control if "draft" in request.POST else services.plan_control
            try:
                control = create(
                    actor=actor,
                    centre=form.cleaned_data["centre"],
                    lead_agency=form.cleaned_data["lead_agency"],
                    agencies=form.cleaned_data["agencies"],
                    workplaces=_lines(form.cleaned_data["workplaces"]),
                    starts_at=starts,
                    ends_at=ends,
                    purpose=form.cleaned_data["purpose"],
                    outside_opening_hours=form.cleaned_data["outside_opening_hours"],
                    tips=_lines(form.cleaned_data["tips"]),
                )
            except (InvalidInput, Conflict, Forbidden) as refused:
                error, status = refused.message, refused.status
            else:
                messages.success(request, _("Control %(id)s saved.") % {"id": control.pk})
                return HttpResponseRedirect(reverse("controls:detail", args=[control.pk]))
        else:
            status = 400
    else:
        first = centres[0]
        form = PlanForm(
            initial={
                "centre": first.code,
                "workplaces": request.GET.get("workplace", "")[:40],
                "tips": request.GET.get("tips", "")[:900],  # e.g. from a tip's page
                "day": timezone.localdate() + dt.timedelta(days=7),
                "starts": dt.time(8),
                "ends": dt.time(12),
            },
            agency_codes=codes,
        )
    day = timezone.localdate()
    members = [(c, [a.code for a in queries.centre_members(centre=c, day=day)]) for c in centres]
    return render(
        request,
        "controls/plan.html",
        {"form": form, "centres": centres, "members": members, "error": error},
        status=status,
    )


# --- the control page -------------------------------------------------------------------


def _page(
    request: HttpRequest,
    control_id: int,
    *,
    error: DomainError | None = None,
    where: str = "",
) -> HttpResponse:
    actor = actor_from_request(request)
    page = queries.control_page(actor=actor, id=control_id)
    control = page.control
    next_move = NEXT_MOVE.get(Status(control.status))
    before_day = control.status in (Status.DRAFT, Status.PLANNED, Status.PREPARED)
    return render(
        request,
        "controls/detail.html",
        {
            "p": page,
            "c": control,
            "timeline": _timeline(control.status),
            "next_move": next_move,
            "next_move_label": MOVE_LABELS.get(next_move) if next_move else "",
            "cancellable": before_day,
            "team_open": before_day,
            "before_day": before_day,
            "after_day": control.status in (Status.CARRIED_OUT, Status.IN_FOLLOW_UP),
            "lessons_open": control.status
            in (Status.CARRIED_OUT, Status.IN_FOLLOW_UP, Status.CLOSED)
            and may_record_lesson(actor, control),
            "categories": queries.checkable_categories(),
            "own_findings": [
                (code, finding_label(code))
                for code, agency in sorted(FINDING_CATALOGUE.items())
                if agency == actor.agency
            ],
            "decision_kinds": DecisionKind.choices,
            "decision_statuses": DecisionStatus.choices,
            "error": error.message if error else "",
            "where": where,
            "form": request.POST if error else {},
            "today": timezone.localdate(),
            "openable": registry_queries.openable_workplaces(
                actor=actor, workplace_ids=[w.workplace_id for w in control.workplaces.all()]
            ),
            # who would meet a rule: only for those who can still change the team
            "staffing_warnings": training_queries.staffing_warnings(
                control,
                names=before_day
                and policies.may_coordinate(actor=actor, centre=control.centre.code),
            ),
        },
        status=error.status if error else 200,
    )


def _timeline(status: str) -> list[tuple[str, str]]:
    """Each lifecycle step with where the control is: done, now or ahead."""
    steps: list[str] = [s for s in Status.values if s != Status.CANCELLED]
    reached = steps.index(status) if status in steps else -1
    return [
        (str(Status(s).label), "done" if i < reached else "now" if i == reached else "ahead")
        for i, s in enumerate(steps)
    ]


@login_required
@domain_errors_as_pages
def detail(request: HttpRequest, control_id: int) -> HttpResponse:
    return _page(request, control_id)


def _act(request: HttpRequest, control_id: int, where: str, change: Any, done: str) -> HttpResponse:
    """Run one change; back to the control page (at ``where``) or the page with the
    error beside the form."""
    try:
        change(actor_from_request(request))
    except (InvalidInput, Conflict) as refused:
        return _page(request, control_id, error=refused, where=where)
    messages.success(request, done)
    return HttpResponseRedirect(reverse("controls:detail", args=[control_id]) + f"#{where}")


@require_POST
@login_required
@domain_errors_as_pages
def move(request: HttpRequest, control_id: int) -> HttpResponse:
    to = request.POST.get("to", "")
    if to not in MOVES:
        return _page(
            request,
            control_id,
            error=InvalidInput("Unknown step %(to)s.", to=to[:20]),
            where="status",
        )
    service = MOVES[Status(to)]
    return _act(
        request,
        control_id,
        "status",
        lambda actor: service(actor=actor, control_id=control_id),
        _("The control is now %(status)s.") % {"status": Status(to).label},
    )


@require_POST
@login_required
@domain_errors_as_pages
def cancel(request: HttpRequest, control_id: int) -> HttpResponse:
    reason = request.POST.get("reason", "")
    return _act(
        request,
        control_id,
        "status",
        lambda actor: services.cancel_control(actor=actor, control_id=control_id, reason=reason),
        _("The control is cancelled."),
    )


@require_POST
@login_required
@domain_errors_as_pages
def reschedule(request: HttpRequest, control_id: int) -> HttpResponse:
    form = RescheduleForm(request.POST)
    if not form.is_valid():
        field, problems = next(iter(form.errors.items()))
        label = form.fields[field].label if field in form.fields else field
        refused = InvalidInput("%(field)s: %(problem)s", field=str(label), problem=problems[0])
        return _page(request, control_id, error=refused, where="status")
    starts, ends = _moments(form.cleaned_data)
    return _act(
        request,
        control_id,
        "status",
        lambda actor: services.reschedule_control(
            actor=actor,
            control_id=control_id,
            starts_at=starts,
            ends_at=ends,
            outside_opening_hours=form.cleaned_data["outside_opening_hours"],
        ),
        _("The control is moved to %(day)s.") % {"day": form.cleaned_data["day"].isoformat()},
    )


@require_POST
@login_required
@domain_errors_as_pages
def team(request: HttpRequest, control_id: int) -> HttpResponse:
    username = request.POST.get("username", "").strip()[:150]
    return _act(
        request,
        control_id,
        "team",
        lambda actor: services.assign_team_member(
            actor=actor, control_id=control_id, username=username
        ),
        _("%(user)s is in the team.") % {"user": username},
    )


@require_POST
@login_required
@domain_errors_as_pages
def pre_check(request: HttpRequest, control_id: int) -> HttpResponse:
    post = request.POST
    return _act(
        request,
        control_id,
        "prepare",
        lambda actor: services.record_pre_check(
            actor=actor,
            control_id=control_id,
            category=post.get("category", "")[:40],
            summary=post.get("summary", ""),
            workplace_id=post.get("workplace_id", "")[:40],
        ),
        _("Pre-check saved."),
    )


@require_POST
@login_required
@domain_errors_as_pages
def pre_check_delete(request: HttpRequest, control_id: int, pre_check_id: int) -> HttpResponse:
    return _act(
        request,
        control_id,
        "prepare",
        lambda actor: services.delete_pre_check(
            actor=actor, control_id=control_id, pre_check_id=pre_check_id
        ),
        _("Pre-check removed."),
    )


@require_POST
@login_required
@domain_errors_as_pages
def safety(request: HttpRequest, control_id: int) -> HttpResponse:
    post = request.POST
    return _act(
        request,
        control_id,
        "safety",
        lambda actor: services.set_safety_assessment(
            actor=actor,
            control_id=control_id,
            known_threats=post.get("known_threats", ""),
            dogs="dogs" in post,
            weapons="weapons" in post,
            police_presence_needed="police_presence_needed" in post,
            other=post.get("other", ""),
        ),
        _("Safety assessment saved."),
    )


def _whole_number(value: str, field: str) -> int | None:
    """An amount in kronor, or None when left empty."""
    return whole_number(value, field, max_digits=12, grouped=True) if value.strip() else None


def _date(value: str, field: str, *, required: bool) -> dt.date | None:
    value = value.strip()
    if not value:
        if required:
            raise InvalidInput("Fill in %(field)s.", field=field)
        return None
    return iso_date(value, field)


@require_POST
@login_required
@domain_errors_as_pages
def finding(request: HttpRequest, control_id: int) -> HttpResponse:
    post = request.POST

    def change(actor: Actor) -> None:
        services.record_finding(
            actor=actor,
            control_id=control_id,
            code=post.get("code", "")[:40],
            amount_sek=_whole_number(post.get("amount_sek", ""), _("The amount")),
            workplace_id=post.get("workplace_id", "")[:40],
        )

    return _act(request, control_id, "follow-up", change, _("Finding saved."))


@require_POST
@login_required
@domain_errors_as_pages
def finding_delete(request: HttpRequest, control_id: int, finding_id: int) -> HttpResponse:
    return _act(
        request,
        control_id,
        "follow-up",
        lambda actor: services.delete_finding(
            actor=actor, control_id=control_id, finding_id=finding_id
        ),
        _("Finding removed."),
    )


@require_POST
@login_required
@domain_errors_as_pages
def decision(request: HttpRequest, control_id: int) -> HttpResponse:
    post = request.POST

    def change(actor: Actor) -> None:
        decided_on = _date(post.get("decided_on", ""), _("The decision date"), required=True)
        services.record_decision(
            actor=actor,
            control_id=control_id,
            kind=post.get("kind", "")[:30],
            decided_on=decided_on or timezone.localdate(),  # never None: required
            amount_sek=_whole_number(post.get("amount_sek", ""), _("The amount")),
            status=post.get("status", DecisionStatus.DECIDED)[:20],
            deadline=_date(post.get("deadline", ""), _("The deadline"), required=False),
            deadline_note=post.get("deadline_note", ""),
            workplace_id=post.get("workplace_id", "")[:40],
        )

    return _act(request, control_id, "follow-up", change, _("Decision saved."))


@require_POST
@login_required
@domain_errors_as_pages
def decision_status(request: HttpRequest, control_id: int, decision_id: int) -> HttpResponse:
    status = request.POST.get("status", "")[:20]
    return _act(
        request,
        control_id,
        "follow-up",
        lambda actor: services.update_decision_status(
            actor=actor, decision_id=decision_id, status=status
        ),
        _("Decision updated."),
    )


@require_POST
@login_required
@domain_errors_as_pages
def close_part(request: HttpRequest, control_id: int) -> HttpResponse:
    return _act(
        request,
        control_id,
        "follow-up",
        lambda actor: services.close_agency_part(
            actor=actor, control_id=control_id, agency=actor.agency or ""
        ),
        _("Your agency's part is closed."),
    )


# --- tasks -----------------------------------------------------------------------------


@login_required
@domain_errors_as_pages
def tasks(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)  # tasks are created nightly: akrim controls tasks
    return render(
        request,
        "controls/tasks.html",
        {"tasks": list(queries.open_tasks(actor=actor)[:500]), "today": timezone.localdate()},
    )


@require_POST
@login_required
@domain_errors_as_pages
def task_done(request: HttpRequest, task_id: int) -> HttpResponse:
    services.complete_task(actor=actor_from_request(request), task_id=task_id)
    messages.success(request, _("Task done."))
    return HttpResponseRedirect(reverse("controls:tasks"))


urlpatterns: list[URLPattern] = [
    path("", control_list, name="list"),
    path("new/", plan, name="plan"),
    path("tasks/", tasks, name="tasks"),
    path("tasks/<int:task_id>/done/", task_done, name="task_done"),
    path("<int:control_id>/", detail, name="detail"),
    path("<int:control_id>/move/", move, name="move"),
    path("<int:control_id>/cancel/", cancel, name="cancel"),
    path("<int:control_id>/reschedule/", reschedule, name="reschedule"),
    path("<int:control_id>/team/", team, name="team"),
    path("<int:control_id>/pre-checks/", pre_check, name="pre_check"),
    path(
        "<int:control_id>/pre-checks/<int:pre_check_id>/delete/",
        pre_check_delete,
        name="pre_check_delete",
    ),
    path("<int:control_id>/safety/", safety, name="safety"),
    path("<int:control_id>/findings/", finding, name="finding"),
    path(
        "<int:control_id>/findings/<int:finding_id>/delete/",
        finding_delete,
        name="finding_delete",
    ),
    path("<int:control_id>/decisions/", decision, name="decision"),
    path(
        "<int:control_id>/decisions/<int:decision_id>/status/",
        decision_status,
        name="decision_status",
    ),
    path("<int:control_id>/close-part/", close_part, name="close_part"),
]
