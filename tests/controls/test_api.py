"""The controls API: the list and one control, scoped like the pages, with bad input."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from akrim.accounts.services import issue_api_token
from akrim.controls import services
from akrim.core.actor import Actor
from tests.controls.conftest import World

pytestmark = pytest.mark.django_db


def token(name: str) -> str:
    return issue_api_token(actor=Actor.system(), user=User.objects.get(username=name))


def get(path: str, name: str | None, **params: Any) -> Any:
    headers = {"Authorization": f"Bearer {token(name)}"} if name else {}
    return Client().get(path, params, headers=headers)


def test_a_control_is_listed_and_read_with_the_callers_findings(world: World) -> None:
    coordinator = world.actor("coordinator")
    control = world.plan()
    services.assign_team_member(actor=coordinator, control_id=control.pk, username="skv_inspector")
    services.mark_prepared(actor=coordinator, control_id=control.pk)
    services.mark_carried_out(actor=coordinator, control_id=control.pk)
    skv = world.actor("skv_inspector")
    services.record_finding(actor=skv, control_id=control.pk, code="SKV_LEDGER_MISSING")
    services.record_decision(
        actor=skv,
        control_id=control.pk,
        kind="control_fee",
        amount_sek=12_500,
        decided_on=timezone.localdate(),
    )

    listed = get("/api/controls", "skv_inspector", status="carried_out").json()
    assert listed["count"] == 1
    assert listed["controls"][0]["id"] == control.pk
    assert listed["controls"][0]["agencies"] == ["AV", "POL", "SKV"]

    mine = get(f"/api/controls/{control.pk}", "skv_inspector").json()
    assert mine["team"] == ["skv_inspector"]
    assert [f["code"] for f in mine["findings"]] == ["SKV_LEDGER_MISSING"]
    assert [(d["kind"], d["amount_sek"]) for d in mine["decisions"]] == [("control_fee", 12_500)]
    # POL sees the control but, without a sharing rule, none of SKV's findings
    theirs = get(f"/api/controls/{control.pk}", "pol_inspector").json()
    assert theirs["findings"] == []
    assert theirs["decisions"] == []


def test_outside_the_scope_a_control_does_not_exist(world: World) -> None:
    control = world.plan()
    assert get(f"/api/controls/{control.pk}", "other_centre").status_code == 404
    assert get("/api/controls", "other_centre").json()["count"] == 0
    assert get(f"/api/controls/{control.pk}", None).status_code == 401
    assert get("/api/controls/999999", "skv_inspector").status_code == 404


@pytest.mark.parametrize(
    "params",
    [
        {"status": "exploded"},
        {"starts_from": "2025-02-30"},
        {"starts_before": "<script>"},
        {"limit": "0"},
        {"limit": "100000"},
        {"offset": "-1"},
        {"limit": "abc"},
    ],
)
def test_bad_filters_are_refused_in_the_error_shape(world: World, params: dict[str, str]) -> None:
    response = get("/api/controls", "skv_inspector", **params)
    assert response.status_code == 400
    assert set(response.json()) == {"code", "message"}
