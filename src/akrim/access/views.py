"""Choosing the purpose one acts under (kept in the session, audited)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from akrim.access import services
from akrim.core.http import domain_errors_as_pages
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
