"""The API fuzzed against its own OpenAPI description with schemathesis.

Every operation in /api/openapi.json is called in-process through the WSGI application with
inputs generated from the description, valid and invalid, about half of the keys and search texts
swapped for ones that exist: as the SKV inspector who owns the imported world, as the police
inspector (another agency, no sharing rule) and without a token (with none, a made-up or a
malformed ``Authorization`` header). No answer may be a server error, and every answer must
match the description: a declared status code, its content type and its schema. On top of
that the owner's token is always accepted, the other agency never gets a record or a search
hit, and without a valid token every answer is 401.

All cases of one caller run inside one test, so inside the one transaction pytest-django wraps
around it: the imported world is there for every case and is rolled back at the end.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import schemathesis
from django.contrib.auth.models import User
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import BaseSchema, Case, GenerationMode, Response
from schemathesis.checks import not_a_server_error
from schemathesis.core.parameters import ParameterLocation
from schemathesis.core.result import Err
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from akrim.accounts.services import issue_api_token
from akrim.core.actor import Actor
from akrim.core.identity import format_orgno
from akrim.registry.models import Company, Person, Workplace
from akrim.registry.services import ImportResult

pytestmark = pytest.mark.django_db

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
DETAILS = ["/api/companies/{org_no}", "/api/workplaces/{workplace_id}", "/api/persons/{person_id}"]
SEARCH = "/api/search"
REGISTER = [*DETAILS, SEARCH]
CONTROLS = ["/api/controls", "/api/controls/{control_id}", "/api/controls/stats"]
# Generated cases per operation, by caller: 4 operations × (260 + 160 + 100) = 2,080 in all,
# split so that the owner's test and the other two take about as long (pytest -n 2).
EXAMPLES = {"skv_inspector": 260, "pol_inspector": 160, "anonymous": 100}

Checker = Callable[[Case[Any], Response], None]


@pytest.fixture
def wsgi_app(settings: Any) -> Iterator[WSGIHandler]:
    """The project's WSGI application, kept on the test's database connection.

    A real WSGI handler closes "old" connections when each request starts and ends; inside
    the test's transaction that closes the connection under it (on PostgreSQL; SQLite's
    in-memory test database ignores the close). Django's own test client unhooks the same
    receiver around each request; this does it around the test.
    """
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost"]  # schemathesis' Host
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def tokens(imported: ImportResult, cast: Any) -> dict[str, str]:
    return {
        name: issue_api_token(actor=Actor.system(), user=User.objects.get(username=name))
        for name in ["skv_inspector", "pol_inspector"]
    }


def _schema(app: WSGIHandler, *, fuzz_the_token: bool) -> BaseSchema:
    """The API's own description, loaded from the application.

    With ``fuzz_the_token`` the bearer token is one more generated parameter: made up in
    valid cases, left out or malformed in invalid ones. Without it the caller's token goes
    on every request and only the operations' own parameters vary.
    """
    config = schemathesis.Config.from_dict(
        {"generation": {"with-security-parameters": fuzz_the_token}}
    )
    return schemathesis.openapi.from_wsgi("/api/openapi.json", app, config=config)


def _known_values() -> dict[str, list[str]]:
    """Keys and names of records that exist, so that generated cases also find some."""
    companies = list(Company.objects.order_by("org_no").values_list("org_no", "name")[:40])
    workplaces = list(Workplace.objects.order_by("workplace_id").values_list("workplace_id")[:40])
    persons = list(Person.objects.order_by("person_id").values_list("person_id", "name")[:40])
    org_nos = [org_no for org_no, _name in companies]
    return {
        "org_no": org_nos + [format_orgno(o) for o in org_nos[:10]],
        "workplace_id": [w for (w,) in workplaces],
        "person_id": [p for p, _name in persons],
        "q": [name for _key, name in companies]
        + [name.split()[0] for _key, name in companies[:10]]
        + [name for _key, name in persons[:10]]
        + org_nos[:5]
        + [w for (w,) in workplaces[:5]],
    }


def _point_at_known_records(
    case: Case[Any], data: st.DataObject, known: dict[str, list[str]]
) -> None:
    """Now and then replace a generated key or search text by one that exists."""
    for container in (case.path_parameters, case.query):
        for name in list(container or {}):
            if name in known and data.draw(st.booleans(), label=f"known {name}"):
                container[name] = data.draw(st.sampled_from(known[name]), label=name)


def _fuzz(
    schema: BaseSchema,
    token: str | None,
    examples: int,
    check: Checker,
    paths: list[str] = REGISTER,
) -> int:
    """Run ``examples`` generated cases (valid and invalid) through every operation, apply
    schemathesis' checks and ``check`` to each answer; return how many cases ran."""
    known = _known_values()
    headers = {"Authorization": f"Bearer {token}"} if token else None
    operations = []
    for result in schema.get_all_operations():
        if isinstance(result, Err):
            raise result.err()  # the description itself is broken
        operations.append(result.ok())
    assert sorted(op.path for op in operations) == sorted([*REGISTER, *CONTROLS])
    operations = [op for op in operations if op.path in paths]
    ran = 0
    for operation in operations:
        modes = [GenerationMode.POSITIVE]
        if any(p.location != ParameterLocation.PATH for p in operation.iter_parameters()):
            # A value in the path arrives as a string, whatever is sent: only the query or
            # the token can be made invalid (schemathesis would find no invalid case).
            modes.append(GenerationMode.NEGATIVE)
        strategy = st.one_of(*(operation.as_strategy(generation_mode=mode) for mode in modes))

        @settings(
            max_examples=examples,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        )
        @given(case=strategy, data=st.data())
        def run_case(case: Case[Any], data: st.DataObject) -> None:
            nonlocal ran
            _point_at_known_records(case, data, known)
            response = case.call(headers=headers)
            case.validate_response(response, checks=CHECKS, headers=headers)
            check(case, response)
            ran += 1

        run_case()
    return ran


def _run(who: str, schema: BaseSchema, token: str | None, check: Checker) -> None:
    started, cpu = time.monotonic(), time.process_time()
    ran = _fuzz(schema, token, EXAMPLES[who], check)
    wall, cpu = time.monotonic() - started, time.process_time() - cpu
    print(f"schemathesis: {ran} cases as {who} in {wall:.1f} s ({cpu:.1f} s CPU)")
    assert ran >= len([*DETAILS, SEARCH]) * EXAMPLES[who]


def test_owner_gets_no_server_error_and_only_described_answers(
    wsgi_app: WSGIHandler, tokens: dict[str, str]
) -> None:
    statuses: dict[tuple[str, int], int] = {}

    def check(case: Case[Any], response: Response) -> None:
        key = (case.operation.path, response.status_code)
        statuses[key] = statuses.get(key, 0) + 1
        assert response.status_code != 401

    schema = _schema(wsgi_app, fuzz_the_token=False)
    _run("skv_inspector", schema, tokens["skv_inspector"], check)
    # The known keys reached real records: every operation answered 200 now and then.
    for path in [*DETAILS, SEARCH]:
        assert statuses.get((path, 200), 0) > 0, statuses


def test_other_agency_gets_no_record_and_no_hit(
    wsgi_app: WSGIHandler, tokens: dict[str, str]
) -> None:
    def check(case: Case[Any], response: Response) -> None:
        if case.operation.path == SEARCH and response.status_code == 200:
            body = response.json()
            assert body["companies"] == body["workplaces"] == body["persons"] == [], body
        else:
            assert response.status_code in (400, 404), (case.path, response.status_code)

    schema = _schema(wsgi_app, fuzz_the_token=False)
    _run("pol_inspector", schema, tokens["pol_inspector"], check)


def test_without_a_valid_token_every_answer_is_401(
    wsgi_app: WSGIHandler, tokens: dict[str, str]
) -> None:
    def check(case: Case[Any], response: Response) -> None:
        assert response.status_code == 401, (case.path, response.status_code)

    schema = _schema(wsgi_app, fuzz_the_token=True)
    _run("anonymous", schema, None, check)


def test_controls_endpoints_answer_only_as_described(
    wsgi_app: WSGIHandler, tokens: dict[str, str]
) -> None:
    """The controls and statistics endpoints, fuzzed: no server error, only described
    answers; the police see no control (none is planned) and no token gets 401."""
    seen: dict[tuple[str, int], int] = {}

    def check(case: Case[Any], response: Response) -> None:
        seen[(case.operation.path, response.status_code)] = 1
        assert response.status_code in (200, 400, 404), (case.path, response.status_code)
        if case.operation.path == "/api/controls" and response.status_code == 200:
            assert response.json()["controls"] == []

    schema = _schema(wsgi_app, fuzz_the_token=False)
    ran = _fuzz(schema, tokens["pol_inspector"], 60, check, CONTROLS)
    assert ran >= 3 * 60
    assert ("/api/controls/stats", 200) in seen
    assert ("/api/controls/stats", 400) in seen

    def unauthenticated(case: Case[Any], response: Response) -> None:
        assert response.status_code == 401, (case.path, response.status_code)

    assert _fuzz(_schema(wsgi_app, fuzz_the_token=True), None, 30, unauthenticated, CONTROLS)
