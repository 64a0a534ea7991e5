"""Sharing rules: deny by default, owner → recipient per category and purpose, conditions,
fields, revocation on the next request; pages, API and search all obey them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from akrim.access.models import DataCategory, LegalBasis, SharingRule
from akrim.accounts.services import issue_api_token
from akrim.core.actor import Actor, Purpose
from akrim.core.errors import NotFound
from akrim.organisation.models import Agency
from akrim.registry import queries
from akrim.registry.models import Company, Person
from akrim.registry.services import ImportResult
from tests.cast import Cast

pytestmark = pytest.mark.django_db


def rule(
    owner: str,
    recipient: str,
    category: str,
    purpose: Purpose = Purpose.ANALYSIS,
    condition: str = "none",
    fields: list[str] | None = None,
    **extra: Any,
) -> SharingRule:
    return SharingRule.objects.create(
        owner=Agency.objects.get(code=owner),
        recipient=Agency.objects.get(code=recipient),
        category=DataCategory.objects.get(code=category),
        purpose=purpose,
        legal_basis=LegalBasis.objects.get(code="joint_control_duty"),
        condition=condition,
        fields=fields or [],
        **extra,
    )


@pytest.fixture
def world(imported: ImportResult, cast: Cast) -> dict[str, Any]:
    company = Company.objects.filter(roles__isnull=False, payroll__isnull=False).first()
    person = Person.objects.filter(payroll__isnull=False).first()
    assert company is not None
    assert person is not None
    return {"company": company, "person": person, "cast": cast}


def pol(cast: Cast, purpose: Purpose = Purpose.ANALYSIS) -> Actor:
    actor = cast.actor("pol_inspector")
    return Actor(actor.user_id, actor.username, actor.agency, actor.centres, actor.roles, purpose)


def test_seeded_categories_and_bases_mark_unknown_citations() -> None:
    assert DataCategory.objects.filter(sensitive=True).count() >= 3
    for basis in LegalBasis.objects.all():
        assert basis.citation or basis.citation_status in {"unknown", "proposed"}


def test_deny_by_default_then_a_rule_opens_exactly_its_category(world: dict[str, Any]) -> None:
    cast, company = world["cast"], world["company"]
    with pytest.raises(NotFound):
        queries.get_company(actor=pol(cast), org_no=company.org_no)
    rule("SKV", "POL", "company")
    detail = queries.get_company(actor=pol(cast), org_no=company.org_no)
    assert detail.shown.grant.legal_basis == "joint_control_duty"
    assert detail.payroll is None  # payroll is another category: withheld
    assert detail.roles is not None
    with pytest.raises(NotFound):  # identity of persons: still closed
        queries.get_person(actor=pol(cast), person_id=world["person"].person_id)


def test_a_rule_is_for_one_purpose_only(world: dict[str, Any]) -> None:
    cast, company = world["cast"], world["company"]
    rule("SKV", "POL", "company", purpose=Purpose.PLANNING)
    with pytest.raises(NotFound):
        queries.get_company(actor=pol(cast, Purpose.ANALYSIS), org_no=company.org_no)
    assert queries.get_company(actor=pol(cast, Purpose.PLANNING), org_no=company.org_no)


def test_field_level_rule_shows_only_its_fields(world: dict[str, Any]) -> None:
    cast, person = world["cast"], world["person"]
    rule("SKV", "POL", "identity", fields=["name"])
    detail = queries.get_person(actor=pol(cast), person_id=person.person_id)
    assert detail.shown.fields == ("person_id", "name")
    assert not detail.shown.allows("birth_date")


def test_same_centre_condition_follows_the_records_municipality(world: dict[str, Any]) -> None:
    cast = world["cast"]
    rule("SKV", "POL", "company", condition="same_centre")
    stockholm = Company.objects.filter(municipality__startswith="01").first()
    elsewhere = (
        Company.objects.exclude(municipality__startswith="01").exclude(municipality="0980").first()
    )
    assert stockholm is not None
    assert elsewhere is not None
    assert queries.get_company(actor=pol(cast), org_no=stockholm.org_no)
    with pytest.raises(NotFound):
        queries.get_company(actor=pol(cast), org_no=elsewhere.org_no)


def test_assigned_to_control_never_holds_until_controls_provide_it(world: dict[str, Any]) -> None:
    rule("SKV", "POL", "company", condition="assigned_to_control")
    with pytest.raises(NotFound):
        queries.get_company(actor=pol(world["cast"]), org_no=world["company"].org_no)


def test_revoked_or_expired_rules_close_on_the_next_request(world: dict[str, Any]) -> None:
    cast, company = world["cast"], world["company"]
    r = rule("SKV", "POL", "company")
    assert queries.get_company(actor=pol(cast), org_no=company.org_no)
    SharingRule.objects.filter(pk=r.pk).update(revoked_at=timezone.now())
    with pytest.raises(NotFound):
        queries.get_company(actor=pol(cast), org_no=company.org_no)
    rule("SKV", "POL", "company", valid_to=timezone.localdate() - dt.timedelta(days=1))
    with pytest.raises(NotFound):
        queries.get_company(actor=pol(cast), org_no=company.org_no)


def test_pages_api_and_search_obey_the_same_rule(world: dict[str, Any], client_for: Any) -> None:
    company, person = world["company"], world["person"]
    token = issue_api_token(actor=Actor.system(), user=User.objects.get(username="pol_inspector"))
    headers = {"Authorization": f"Bearer {token}"}
    page = client_for("pol_inspector")
    assert page.get(f"/en/registry/companies/{company.org_no}/").status_code == 404
    assert Client().get(f"/api/companies/{company.org_no}", headers=headers).status_code == 404
    rule("SKV", "POL", "identity", fields=["name"])
    response = page.get(f"/en/registry/persons/{person.person_id}/")
    assert response.status_code == 200
    assert b"withheld" in response.content
    body = Client().get(f"/api/persons/{person.person_id}", headers=headers).json()
    assert body["name"] == person.name
    assert body["birth_date"] is None
    assert "birth_date" in body["withheld"]
    assert body["employers"] is None
    assert "employers" in body["withheld"]
    found = Client().get("/api/search", {"q": person.person_id}, headers=headers).json()
    assert [h["key"] for h in found["persons"]] == [person.person_id]


def test_purpose_is_chosen_in_the_session_and_governs_reads(
    world: dict[str, Any], client_for: Any
) -> None:
    company = world["company"]
    rule("SKV", "POL", "company", purpose=Purpose.PLANNING)
    client = client_for("pol_inspector")
    url = f"/en/registry/companies/{company.org_no}/"
    assert client.get(url).status_code == 404
    response = client.post("/en/access/purpose/", {"purpose": "planning", "next": url})
    assert response.status_code == 302
    assert response["Location"] == url
    assert client.get(url).status_code == 200
    for bad in ["audit", "administration", "nonsense", "", "x" * 5000]:
        assert client.post("/en/access/purpose/", {"purpose": bad}).status_code == 400
    offsite = client.post(
        "/en/access/purpose/", {"purpose": "analysis", "next": "https://evil.example/"}
    )
    assert offsite["Location"] == "/"
    assert client.get(url).status_code == 404
