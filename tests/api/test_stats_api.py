"""GET /api/controls/stats: the same JSON as ``akrim stats controls --json``, the bearer
token, and bad input answered 400 in the API's error shape."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from akrim.accounts.services import issue_api_token
from akrim.controls.stats import control_statistics
from akrim.core.actor import Actor, Purpose
from akrim.registry.models import Workplace
from akrim.registry.services import ImportResult
from tests.cast import Cast
from tests.controls.conftest import World
from tests.controls.test_stats import carried_out, finding, people

pytestmark = pytest.mark.django_db

URL = "/api/controls/stats"


@pytest.fixture
def world(imported: ImportResult, cast: Cast) -> World:
    workplace = (
        Workplace.objects.filter(company__payroll__isnull=False).order_by("workplace_id").first()
    )
    assert workplace is not None
    return World(cast=cast, workplace=workplace, other_workplace=workplace)


@pytest.fixture
def token(world: World) -> str:
    control = carried_out(world, "2025-05-06")
    carried_out(world, "2025-05-07", centre="syd")
    finding(control, "SKV", "SKV_LEDGER_MISSING", 25_000)
    people(control, 4, {0: ["deception"]})
    return issue_api_token(actor=Actor.system(), user=User.objects.get(username="pol_inspector"))


def get(token: str | None = None, **params: Any) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return Client().get(URL, params, headers=headers)


def expected(**kwargs: Any) -> dict[str, Any]:
    actor = Actor.system(purpose=Purpose.STATISTICS)
    return control_statistics(actor=actor, **kwargs).to_json()


def test_the_answer_is_the_same_json_as_the_command(token: str) -> None:
    response = get(token, year="2025")
    assert response.status_code == 200
    body = response.json()
    assert body == expected(year=2025)
    assert body["controls"] == 2
    assert body["with_findings"] == 1
    assert body["by_centre"]["stockholm"]["controls"] == 1
    assert body["people_met"]["total"] == 4
    assert body["people_met"]["with_indicators"] is None  # 1: suppressed
    assert "with_indicators" in body["people_met"]["suppressed"]


def test_a_centre_narrows_the_answer_and_an_empty_one_does_not(token: str) -> None:
    body = get(token, year="2025", centre="syd").json()
    assert body == expected(year=2025, centre="syd")
    assert (body["centre"], body["controls"], list(body["by_centre"])) == ("syd", 1, ["syd"])
    assert get(token, year="2025", centre="").json()["centre"] is None


@pytest.mark.parametrize("header", [None, "Bearer not-a-token", "Basic x", "Bearer "])
def test_without_a_valid_token_the_answer_is_401(token: str, header: str | None) -> None:
    headers = {"Authorization": header} if header else {}
    response = Client().get(URL, {"year": "2025"}, headers=headers)
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"year": ""},
        {"year": "abc"},
        {"year": "1700"},
        {"year": "99999"},
        {"year": "2025.5"},
        {"year": "2025", "centre": "Gotham"},
        {"year": "2025", "centre": "<script>alert(1)</script>"},
        {"year": "2025", "centre": "x" * 5000},
        {"year": "2025", "centre": "stock\x00holm"},
    ],
)
def test_bad_input_is_400_in_the_error_shape(token: str, params: dict[str, str]) -> None:
    response = get(token, **params)
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"code", "message"}
    assert body["code"] == "invalid_input"
    assert "<script>" not in body["message"]


def test_an_unknown_centre_is_named_in_the_message(token: str) -> None:
    body = get(token, year="2025", centre="Gotham").json()  # in the site's default language
    assert body["code"] == "invalid_input"
    assert "Gotham”" in body["message"]


def test_the_openapi_description_lists_the_endpoint(token: str) -> None:
    spec = Client().get("/api/openapi.json").json()
    operation = spec["paths"][URL]["get"]
    names = {p["name"]: p for p in operation["parameters"]}
    assert names["year"]["required"] is True
    assert names["year"]["schema"]["minimum"] == 2017
    assert names["year"]["schema"]["maximum"] == 2100
    assert set(operation["responses"]) == {"200", "400", "401", "403"}
    assert get(token, year="2025").status_code == 200
    assert Client().post(URL, headers={"Authorization": f"Bearer {token}"}).status_code == 405
