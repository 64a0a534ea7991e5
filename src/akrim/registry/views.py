"""Search and the pages of a company, a workplace and a person."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from akrim.core.errors import InvalidInput
from akrim.core.http import domain_errors_as_pages
from akrim.core.requests import actor_from_request
from akrim.registry import queries


@login_required
@domain_errors_as_pages
def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")
    result, error = None, ""
    if query:
        try:
            result = queries.search(actor=actor_from_request(request), query=query)
        except InvalidInput as invalid:
            error = invalid.message
    status = 400 if error else 200
    return render(
        request,
        "registry/search.html",
        {"q": query[:100], "result": result, "error": error},
        status=status,
    )


@login_required
@domain_errors_as_pages
def company(request: HttpRequest, org_no: str) -> HttpResponse:
    detail = queries.get_company(actor=actor_from_request(request), org_no=org_no)
    return render(request, "registry/company.html", {"d": detail})


@login_required
@domain_errors_as_pages
def person(request: HttpRequest, person_id: str) -> HttpResponse:
    detail = queries.get_person(actor=actor_from_request(request), person_id=person_id)
    return render(request, "registry/person.html", {"d": detail})


@login_required
@domain_errors_as_pages
def workplace(request: HttpRequest, workplace_id: str) -> HttpResponse:
    detail = queries.get_workplace(actor=actor_from_request(request), workplace_id=workplace_id)
    return render(request, "registry/workplace.html", {"d": detail})
