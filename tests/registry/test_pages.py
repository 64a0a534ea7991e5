"""Search and the company, workplace and person pages: scoped, audited, safe with bad input."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from akrim.audit.models import AuditEntry
from akrim.registry.models import Company, Person, Workplace
from akrim.registry.services import ImportResult

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(imported: ImportResult, cast: Any) -> dict[str, Any]:
    company = Company.objects.filter(roles__isnull=False, workplaces__isnull=False).first()
    assert company is not None
    person = Person.objects.filter(payroll__isnull=False).first()
    workplace = Workplace.objects.first()
    return {"company": company, "person": person, "workplace": workplace}


def urls(records: dict[str, Any]) -> dict[str, str]:
    return {
        "company": f"/en/registry/companies/{records['company'].org_no}/",
        "person": f"/en/registry/persons/{records['person'].person_id}/",
        "workplace": f"/en/registry/workplaces/{records['workplace'].workplace_id}/",
    }


def test_owner_agency_staff_open_every_page(client_for: Any, records: dict[str, Any]) -> None:
    client = client_for("skv_inspector")
    for kind, url in urls(records).items():
        response = client.get(url)
        assert response.status_code == 200, kind
    page = client.get(urls(records)["company"]).content.decode()
    assert records["company"].name in page
    assert records["company"].org_no_display in page


@pytest.mark.parametrize(
    "who", ["pol_inspector", "coordinator", "skv_auditor", "admin", "national_reader"]
)
def test_others_get_not_found_never_forbidden(
    client_for: Any, records: dict[str, Any], who: str
) -> None:
    client = client_for(who)
    for url in urls(records).values():
        assert client.get(url).status_code == 404
    response = client.get("/en/registry/search/", {"q": records["company"].name})
    assert records["company"].org_no_display.encode() not in response.content


def test_same_agency_in_another_centre_reads_its_own_agencys_records(
    client_for: Any, records: dict[str, Any]
) -> None:
    # Today's rule: records are the owner agency's, whatever the centre (sharing: issue 3).
    assert client_for("other_centre").get(urls(records)["company"]).status_code == 200


def test_anonymous_is_sent_to_login(records: dict[str, Any]) -> None:
    for url in urls(records).values():
        response = Client().get(url)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


def test_every_person_read_leaves_exactly_one_audit_entry(
    client_for: Any, records: dict[str, Any]
) -> None:
    client = client_for("skv_inspector")
    person = records["person"]
    before = AuditEntry.objects.filter(object_type="person", object_id=person.person_id).count()
    client.get(urls(records)["person"])
    entries = AuditEntry.objects.filter(object_type="person", object_id=person.person_id)
    assert entries.count() == before + 1
    entry = entries.latest("seq")
    assert entry.username == "skv_inspector"
    assert entry.agency == "SKV"
    assert entry.object_owner == "SKV"
    assert "name" in entry.fields


def test_search_finds_by_org_number_with_or_without_hyphen_and_by_name(
    client_for: Any, records: dict[str, Any]
) -> None:
    client = client_for("skv_analyst")
    company = records["company"]
    for q in [company.org_no, company.org_no_display, company.name[:6]]:
        response = client.get("/en/registry/search/", {"q": q})
        assert response.status_code == 200
        assert company.org_no_display.encode() in response.content, q
    person = records["person"]
    assert (
        person.name.encode() in client.get("/en/registry/search/", {"q": person.person_id}).content
    )
    assert AuditEntry.objects.filter(action="search", username="skv_analyst").count() == 4


@pytest.mark.parametrize(
    "q", ["x" * 101, "   ", "<script>alert(1)</script>", "' OR 1=1 --", "%%%", "\u0000"]
)
def test_hostile_or_oversized_search_input_is_answered_safely(
    client_for: Any, records: dict[str, Any], q: str
) -> None:
    response = client_for("skv_inspector").get("/en/registry/search/", {"q": q})
    assert response.status_code in (200, 400)
    assert b"<script>alert(1)</script>" not in response.content
    if len(q) > 100 or not q.strip() or "\u0000" in q:
        assert response.status_code == 400


@pytest.mark.parametrize(
    "path",
    [
        "companies/0000000000",
        "companies/not-a-number",
        "persons/" + "9" * 30,
        "workplaces/" + "w" * 300,
        "persons/%3Cscript%3E",
        "persons/%00",
        "companies/%00",
        "workplaces/a%01b",
    ],
)
def test_unknown_or_malformed_ids_are_not_found(
    client_for: Any, records: dict[str, Any], path: str
) -> None:
    response = client_for("skv_inspector").get(f"/en/registry/{path}/")
    assert response.status_code == 404
    assert b"Incident id" in response.content


def test_company_page_queries_do_not_grow_with_the_company(
    client_for: Any, records: dict[str, Any]
) -> None:
    """The same number of queries for a small and a large company (no N+1)."""
    from django.db import connection
    from django.db.models import Count
    from django.test.utils import CaptureQueriesContext

    client = client_for("skv_inspector")
    full = Company.objects.filter(
        roles__isnull=False, payroll__isnull=False, workplaces__isnull=False
    ).distinct()
    ranked = Company.objects.filter(pk__in=full.values("pk")).annotate(
        n=Count("payroll", distinct=True)
    )
    small, large = ranked.order_by("n").first(), ranked.order_by("-n").first()
    assert small is not None
    assert large is not None
    assert small.n < large.n
    counts = []
    for company in (small, large):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/en/registry/companies/{company.org_no}/").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1] < 40


def test_a_search_records_the_legal_basis_of_what_it_showed(
    client_for: Any, records: dict[str, Any]
) -> None:
    client_for("skv_analyst").get("/en/registry/search/", {"q": records["person"].person_id})
    entry = AuditEntry.objects.filter(action="search", username="skv_analyst").latest("seq")
    assert entry.detail["legal_basis"] == "own_records"
    client_for("skv_analyst").get("/en/registry/search/", {"q": "no such name anywhere"})
    empty = AuditEntry.objects.filter(action="search", username="skv_analyst").latest("seq")
    assert empty.detail["legal_basis"] == ""
