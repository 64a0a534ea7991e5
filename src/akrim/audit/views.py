"""The review pages of each agency's data-protection auditor: the audit log with filters and
alerts, the per-person extract (also as CSV) and the weekly sampled log checks."""

from __future__ import annotations

import csv
import datetime as dt
import re

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from akrim.audit import queries, services
from akrim.audit.forms import LogCheckForm, SignOffForm
from akrim.audit.queries import EntryFilters, PersonAccess
from akrim.core.actor import Purpose, purpose_label
from akrim.core.errors import InvalidInput, NotFound
from akrim.core.http import domain_errors_as_pages
from akrim.core.requests import actor_from_request
from akrim.core.spreadsheet import defuse
from akrim.core.text import looks_like_key


@login_required
@domain_errors_as_pages
def log(request: HttpRequest) -> HttpResponse:
    """The audit log of the auditor's agency's records, filtered, with the alerts above."""
    actor = actor_from_request(request)
    filters = EntryFilters(
        username=request.GET.get("user", ""),
        object_id=request.GET.get("object", ""),
        purpose=request.GET.get("purpose", ""),
        action=request.GET.get("action", ""),
        break_glass_only=request.GET.get("break_glass") == "1",
    )
    entries = queries.list_entries(actor=actor, filters=filters)
    alerts = queries.list_alerts(actor=actor)
    return render(
        request,
        "audit/log.html",
        {
            "entries": entries,
            "filters": filters,
            "purpose_choices": [(purpose.value, purpose_label(purpose)) for purpose in Purpose],
            "alerts": alerts,
            "threshold": queries.alert_threshold(),
            "alert_days": queries.ALERT_DAYS,
        },
    )


@login_required
@domain_errors_as_pages
def person_lookup(request: HttpRequest) -> HttpResponse:
    """The log page's person field: on to that person's extract (which checks permission)."""
    person_id = request.GET.get("person", "").strip()
    if "/" in person_id or not looks_like_key(person_id, max_length=21):
        raise NotFound()
    return redirect("audit:person", person_id)


@login_required
@domain_errors_as_pages
def person(request: HttpRequest, person_id: str) -> HttpResponse:
    """Every access to one of the agency's persons."""
    accesses = queries.list_person_accesses(actor=actor_from_request(request), person_id=person_id)
    return render(request, "audit/person.html", {"person_id": person_id, "accesses": accesses})


def _cell(value: object) -> str:
    """A CSV cell a spreadsheet will not run as a formula."""
    return defuse(str(value))


@login_required
@domain_errors_as_pages
def person_csv(request: HttpRequest, person_id: str) -> HttpResponse:
    """The per-person extract as CSV (UTF-8, comma-separated, one access a row)."""
    accesses = queries.export_person_accesses(
        actor=actor_from_request(request), person_id=person_id
    )
    name = re.sub(r"[^0-9A-Za-z]+", "_", person_id)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="accesses-{name}.csv"'
    writer = csv.writer(response)
    writer.writerow(
        [
            _("Entry"),
            _("Time"),
            _("User"),
            _("Agency"),
            _("Purpose"),
            _("Legal basis"),
            _("Action"),
            _("Record type"),
            _("Record"),
            _("Emergency access"),
        ]
    )
    writer.writerows(_csv_row(access) for access in accesses)
    return response


def _csv_row(access: PersonAccess) -> list[str]:
    at = timezone.localtime(access.at).isoformat(timespec="seconds")
    values: list[object] = [
        access.seq,
        at,
        access.username,
        access.agency,
        access.purpose,
        access.legal_basis,
        access.action,
        access.object_type,
        access.object_id,
        _("yes") if access.break_glass else "",
    ]
    return [_cell(value) for value in values]


@login_required
@domain_errors_as_pages
def checks(request: HttpRequest) -> HttpResponse:
    """The agency's weekly log checks; POST draws the sample of a week that is over."""
    actor = actor_from_request(request)
    form = LogCheckForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            check = services.create_log_check(actor=actor, week=form.cleaned_data["week"])
        except InvalidInput as invalid:
            error = invalid.message
        else:
            return redirect("audit:check", check.pk)
    elif request.method != "POST":
        last_week = timezone.localdate() - dt.timedelta(days=7)
        form = LogCheckForm(initial={"week": services.week_start(last_week)})
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "audit/checks.html",
        {"checks": queries.list_log_checks(actor=actor), "form": form, "error": error},
        status=status,
    )


@login_required
@domain_errors_as_pages
def check(request: HttpRequest, check_id: int) -> HttpResponse:
    """One log check with its sampled entries; POST signs it off."""
    actor = actor_from_request(request)
    form = SignOffForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            services.sign_log_check(
                actor=actor,
                check_id=check_id,
                outcome=form.cleaned_data["outcome"],
                note=form.cleaned_data["note"],
            )
        except InvalidInput as invalid:
            error = invalid.message
        else:
            return redirect("audit:check", check_id)
    detail = queries.get_log_check(actor=actor, check_id=check_id)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "audit/check.html",
        {"detail": detail, "form": form, "error": error},
        status=status,
    )
