"""The audit log page for data-protection auditors."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from akrim.audit import queries
from akrim.core.http import domain_errors_as_pages
from akrim.core.requests import actor_from_request


@login_required
@domain_errors_as_pages
def log(request: HttpRequest) -> HttpResponse:
    username = request.GET.get("user", "")
    object_id = request.GET.get("object", "")
    entries = queries.list_entries(
        actor=actor_from_request(request), username=username, object_id=object_id
    )
    return render(
        request,
        "audit/log.html",
        {"entries": entries, "user_filter": username, "object_filter": object_id},
    )
