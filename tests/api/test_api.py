"""The JSON API: bearer tokens, the contract paths, OpenAPI, scope and bad input."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from akrim.accounts.services import issue_api_token
from akrim.audit.models import AuditEntry
from akrim.core.actor import Actor
from akrim.organisation.services import deactivate_user
from akrim.registry.models import Company, Person, Workplace
from akrim.registry.services import ImportResult

pytestmark = pytest.mark.django_db


@pytest.fixture
def tokens(imported: ImportResult, cast: Any) -> dict[str, str]:
    return {
        name: issue_api_token(actor=Actor.system(), user=User.objects.get(username=name))
        for name in ["skv_inspector", "pol_inspector", "skv_auditor"]
    }


def get(path: str, token: str | None = None, **params: Any) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return Client().get(path, params, headers=headers)


def test_openapi_description_lists_the_contract_paths() -> None:
    response = Client().get("/api/openapi.json")
    assert response.status_code == 200
    spec = response.json()
    for path in [
        "/api/companies/{org_no}",
        "/api/workplaces/{workplace_id}",
        "/api/persons/{person_id}",
        "/api/search",
    ]:
        assert path in spec["paths"], path
    assert "BearerToken" in str(spec["components"]["securitySchemes"])


def test_company_workplace_person_and_search_for_the_owner(tokens: dict[str, str]) -> None:
    token = tokens["skv_inspector"]
    company = Company.objects.filter(workplaces__isnull=False).first()
    assert company is not None
    body = get(f"/api/companies/{company.org_no}", token).json()
    assert body["org_no"] == company.org_no
    assert body["owner"] == "SKV"
    assert get(f"/api/companies/{company.org_no_display}", token).status_code == 200
    workplace = Workplace.objects.first()
    assert workplace is not None
    w = get(f"/api/workplaces/{workplace.workplace_id}", token).json()
    assert w["workplace_id"] == workplace.workplace_id
    assert w["org_no"]
    person = Person.objects.first()
    assert person is not None
    p = get(f"/api/persons/{person.person_id}", token).json()
    assert p["name"] == person.name
    hits = get("/api/search", token, q=company.name).json()
    assert company.org_no in [c["key"] for c in hits["companies"]]
    assert (
        AuditEntry.objects.filter(
            object_type="person", object_id=person.person_id, username="skv_inspector"
        ).count()
        == 1
    )


def test_without_or_with_a_bad_token_is_401(tokens: dict[str, str]) -> None:
    company = Company.objects.first()
    assert company is not None
    for token in [None, "nonsense", tokens["skv_inspector"] + "x", "x" * 10_000]:
        assert get(f"/api/companies/{company.org_no}", token).status_code == 401


def test_other_agency_or_role_gets_404_with_a_code(tokens: dict[str, str]) -> None:
    company = Company.objects.first()
    assert company is not None
    for who in ["pol_inspector", "skv_auditor"]:
        response = get(f"/api/companies/{company.org_no}", tokens[who])
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"
    hits = get("/api/search", tokens["pol_inspector"], q=company.name).json()
    assert hits["companies"] == []


def test_deactivation_revokes_api_access_on_the_next_request(tokens: dict[str, str]) -> None:
    company = Company.objects.first()
    assert company is not None
    assert get(f"/api/companies/{company.org_no}", tokens["skv_inspector"]).status_code == 200
    deactivate_user(actor=Actor.system(), username="skv_inspector")
    assert get(f"/api/companies/{company.org_no}", tokens["skv_inspector"]).status_code == 401


@pytest.mark.parametrize("q", ["", " ", "y" * 101, "a\u0000b"])
def test_search_input_is_validated(tokens: dict[str, str], q: str) -> None:
    response = get("/api/search", tokens["skv_inspector"], q=q)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_input"


def test_search_without_q_is_a_validation_error(tokens: dict[str, str]) -> None:
    assert get("/api/search", tokens["skv_inspector"]).status_code in (400, 422)


@pytest.mark.parametrize("path", ["companies/%00", "persons/%00x", "workplaces/" + "w" * 500])
def test_malformed_ids_are_404_not_server_errors(tokens: dict[str, str], path: str) -> None:
    response = get(f"/api/{path}", tokens["skv_inspector"])
    assert response.status_code == 404
