"""Start page and the centres' membership over time."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from akrim.access.policy import may_read_registers
from akrim.core.actor import Role, role_label
from akrim.core.http import domain_errors_as_pages
from akrim.core.requests import actor_from_request
from akrim.organisation import queries, services
from akrim.organisation.forms import DeadlineForm


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The start page of the user's centre (or the national view without a centre)."""
    actor = actor_from_request(request)
    overview, deadline = queries.membership_overview(today=timezone.localdate())
    mine = [row for row in overview if row.centre.code in actor.centres]
    return render(
        request,
        "organisation/home.html",
        {
            "actor": actor,
            "centres": mine,
            "all_centres": overview,
            "deadline": deadline,
            "may_search": may_read_registers(actor=actor),
            "roles": [role_label(role) for role in sorted(actor.roles)],
        },
    )


@login_required
@domain_errors_as_pages
def memberships(request: HttpRequest) -> HttpResponse:
    """Each centre's agency membership over time, flagged against the deadline."""
    actor = actor_from_request(request)
    form = DeadlineForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.set_membership_deadline(
            actor=actor, deadline=form.cleaned_data["deadline"], note=form.cleaned_data["note"]
        )
        return redirect("organisation:memberships")
    overview, deadline = queries.membership_overview(today=timezone.localdate())
    return render(
        request,
        "organisation/memberships.html",
        {
            "overview": overview,
            "deadline": deadline,
            "agencies": list(queries.list_agencies()),
            "form": form,
            "may_administer": actor.has_role(Role.ADMIN),
        },
    )
