"""Every page URL against the cast: anonymous, owner agency, other agency, other centre,
the owner's auditor. A new URL without a row here fails ``test_every_url_is_in_the_matrix``.
The API's matrix is in tests/api (fuzzing with owner, other agency and no token)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from akrim.registry.models import Company, Person, Workplace
from akrim.registry.services import ImportResult

pytestmark = pytest.mark.django_db

PERSONAS = ["anonymous", "skv_inspector", "pol_inspector", "other_centre", "skv_auditor"]
LOGIN = 302  # anonymous visitors are sent to the login page

# name -> (path template, expected status per persona, in PERSONAS order)
MATRIX: dict[str, tuple[str, tuple[int, ...]]] = {
    "organisation:home": ("/en/", (LOGIN, 200, 200, 200, 200)),
    "organisation:memberships": ("/en/centres/", (LOGIN, 200, 200, 200, 200)),
    "accounts:login": ("/en/accounts/login/", (200, 302, 302, 302, 302)),
    "accounts:two_factor": ("/en/accounts/two-factor/", (LOGIN, 200, 200, 200, 200)),
    "accounts:logout": ("/en/accounts/logout/", (405, 405, 405, 405, 405)),
    "registry:search": ("/en/registry/search/?q={company_name}", (LOGIN, 200, 200, 200, 200)),
    "registry:company": ("/en/registry/companies/{org_no}/", (LOGIN, 200, 404, 200, 404)),
    "registry:person": ("/en/registry/persons/{person_id}/", (LOGIN, 200, 404, 200, 404)),
    "registry:workplace": ("/en/registry/workplaces/{workplace_id}/", (LOGIN, 200, 404, 200, 404)),
    "audit:log": ("/en/audit/", (LOGIN, 403, 403, 403, 200)),
    # a redirect to the extract, which checks the role itself
    "audit:person_lookup": ("/en/audit/persons/?person={person_id}", (LOGIN, 302, 302, 302, 302)),
    "audit:person": ("/en/audit/persons/{person_id}/", (LOGIN, 403, 403, 403, 200)),
    "audit:person_csv": ("/en/audit/persons/{person_id}/csv/", (LOGIN, 403, 403, 403, 200)),
    "audit:checks": ("/en/audit/checks/", (LOGIN, 403, 403, 403, 200)),
    "audit:check": ("/en/audit/checks/999999/", (LOGIN, 403, 403, 403, 404)),
    "access:purpose": ("/en/access/purpose/", (405, 405, 405, 405, 405)),
    "access:break_glass": ("/en/access/emergency/", (LOGIN, 200, 200, 200, 200)),
    "access:reviews": ("/en/access/reviews/", (LOGIN, 403, 403, 403, 200)),
}
NOT_PAGES = {"set_language"}  # POST-only language switch, tested in tests/accounts


def _names(patterns: list[Any], prefix: str = "") -> set[str]:
    names: set[str] = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            namespace = pattern.namespace
            if namespace in {"admin", "api"}:  # Django's admin; the API has its own matrix
                continue
            inner = f"{prefix}{namespace}:" if namespace else prefix
            names |= _names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(prefix + pattern.name)
    return names


def test_every_url_is_in_the_matrix() -> None:
    assert _names(get_resolver().url_patterns) - NOT_PAGES == set(MATRIX)


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_url_answers_each_persona_as_expected(
    name: str, imported: ImportResult, client_for: Any
) -> None:
    company = Company.objects.first()
    person = Person.objects.first()
    workplace = Workplace.objects.first()
    assert company is not None
    assert person is not None
    assert workplace is not None
    template, expected = MATRIX[name]
    url = template.format(
        org_no=company.org_no,
        person_id=person.person_id,
        workplace_id=workplace.workplace_id,
        company_name=company.name[:8],
    )
    got = []
    for persona in PERSONAS:
        client = Client() if persona == "anonymous" else client_for(persona)
        got.append(client.get(url).status_code)
    assert tuple(got) == expected, dict(zip(PERSONAS, got, strict=True))
