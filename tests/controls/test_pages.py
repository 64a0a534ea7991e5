"""The planning pages, the control page and its forms, and the task list, through the
real views: permissions, every refusal shown beside its form, hostile input escaped."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from akrim.controls import services
from akrim.controls.models import Control, Decision, Finding, PreCheck, Status, Task
from tests.controls.conftest import World

pytestmark = pytest.mark.django_db
Clients = Callable[[str], Client]


def plan_form(world: World, **changes: Any) -> dict[str, Any]:
    form: dict[str, Any] = {
        "centre": "stockholm",
        "day": "2025-05-06",
        "starts": "08:00",
        "ends": "12:00",
        "lead_agency": "AV",
        "agencies": ["AV", "POL", "SKV"],
        "workplaces": world.workplace.workplace_id,
        "tips": "",
        "purpose": "Ledger check.",
        "plan": "1",
    }
    form.update(changes)
    return form


def test_a_coordinator_plans_a_control_from_the_form(world: World, client_for: Clients) -> None:
    coordinator = client_for("coordinator")
    page = coordinator.get("/en/controls/new/")
    assert page.status_code == 200
    assert b'name="workplaces"' in page.content
    response = coordinator.post("/en/controls/new/", plan_form(world, tips="T-1, T-2"))
    assert response.status_code == 302
    control = Control.objects.get()
    assert response["Location"] == f"/en/controls/{control.pk}/"
    assert control.status == Status.PLANNED
    assert timezone.localtime(control.starts_at).hour == 8
    assert list(control.tips.values_list("tip_id", flat=True)) == ["T-1", "T-2"]
    draft = coordinator.post("/en/controls/new/", {**plan_form(world), "draft": "1"})
    assert draft.status_code == 302
    assert Control.objects.filter(status=Status.DRAFT).count() == 1


@pytest.mark.parametrize(
    ("changes", "status", "message"),
    [
        ({"day": "2025-02-30"}, 400, b"Check the fields"),
        ({"starts": "25:00"}, 400, b"Check the fields"),
        ({"purpose": ""}, 400, b"Check the fields"),
        ({"agencies": ["XX"]}, 400, b"Check the fields"),
        ({"workplaces": "NO-SUCH-SITE"}, 400, b"No register knows workplace NO-SUCH-SITE"),
        ({"lead_agency": "FK"}, 400, b"lead agency FK must take part"),
        ({"day": "2023-06-01"}, 400, b"not a member of Stockholm on 2023-06-01"),
        ({"centre": "atlantis"}, 403, b"Only a coordinator of the centre may plan"),
        ({"purpose": "x" * 2001}, 400, b"Check the fields"),
        ({"workplaces": "\n".join(f"W{i}" for i in range(60))}, 400, b"at most 50 workplaces"),
    ],
)
def test_a_bad_plan_is_refused_with_its_reason_and_the_typed_values_kept(
    world: World, client_for: Clients, changes: dict[str, Any], status: int, message: bytes
) -> None:
    response = client_for("coordinator").post("/en/controls/new/", plan_form(world, **changes))
    assert response.status_code == status
    assert message in response.content
    assert b"Ledger check." in response.content or changes.get("purpose") is not None
    assert not Control.objects.exists()


def test_only_coordinators_reach_the_plan_form(world: World, client_for: Clients) -> None:
    assert client_for("skv_inspector").get("/en/controls/new/").status_code == 404
    assert (
        client_for("skv_inspector").post("/en/controls/new/", plan_form(world)).status_code == 404
    )
    anonymous = Client().get("/en/controls/new/")
    assert anonymous.status_code == 302
    assert "/accounts/login/" in anonymous["Location"]
    assert not Control.objects.exists()


def test_the_control_page_escapes_what_was_typed_and_is_hidden_from_other_centres(
    world: World, client_for: Clients
) -> None:
    control = world.plan(purpose="<script>alert(1)</script>")
    page = client_for("skv_inspector").get(f"/en/controls/{control.pk}/")
    assert page.status_code == 200
    assert b"<script>alert(1)</script>" not in page.content
    assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in page.content
    assert client_for("other_centre").get(f"/en/controls/{control.pk}/").status_code == 404
    assert client_for("national_reader").get(f"/en/controls/{control.pk}/").status_code == 200
    assert client_for("skv_inspector").get("/en/controls/999999/").status_code == 404


def test_the_lifecycle_moves_from_the_page_and_illegal_moves_say_why(
    world: World, client_for: Clients
) -> None:
    control = world.plan()
    coordinator = client_for("coordinator")
    url = f"/en/controls/{control.pk}/move/"
    assert coordinator.get(url).status_code == 405
    refused = coordinator.post(url, {"to": "closed"})
    assert refused.status_code == 409
    assert b"it can be closed only when it is in follow-up" in refused.content
    assert coordinator.post(url, {"to": "exploded"}).status_code == 400
    # an inspector who is not in the lead agency's team may not move it on
    assert client_for("pol_inspector").post(url, {"to": "prepared"}).status_code == 403
    assert coordinator.post(url, {"to": "prepared"}).status_code == 302
    control.refresh_from_db()
    assert control.status == Status.PREPARED
    cancel = coordinator.post(f"/en/controls/{control.pk}/cancel/", {"reason": ""})
    assert cancel.status_code == 400
    assert b"reason for cancelling" in cancel.content
    assert (
        coordinator.post(f"/en/controls/{control.pk}/cancel/", {"reason": "Storm"}).status_code
        == 302
    )
    control.refresh_from_db()
    assert control.status == Status.CANCELLED


def test_the_team_form_names_who_cannot_join(world: World, client_for: Clients) -> None:
    control = world.plan()
    coordinator = client_for("coordinator")
    url = f"/en/controls/{control.pk}/team/"
    unknown = coordinator.post(url, {"username": "nobody<b>"})
    assert unknown.status_code == 400
    assert b"No active member of staff is called nobody&lt;b&gt;" in unknown.content
    assert coordinator.post(url, {"username": "skv_inspector"}).status_code == 302
    twice = coordinator.post(url, {"username": "skv_inspector"})
    assert twice.status_code == 409
    assert client_for("skv_inspector").post(url, {"username": "pol_inspector"}).status_code == 403


def test_pre_checks_and_safety_from_the_page(world: World, client_for: Clients) -> None:
    control = world.plan()
    services.assign_team_member(
        actor=world.actor("coordinator"), control_id=control.pk, username="skv_inspector"
    )
    skv = client_for("skv_inspector")
    url = f"/en/controls/{control.pk}/pre-checks/"
    assert skv.post(url, {"category": "tax", "summary": "Employer since 2024."}).status_code == 302
    bad = skv.post(url, {"category": "tax", "summary": "a\x07b"})
    assert bad.status_code == 400
    assert b"control characters" in bad.content
    assert skv.post(url, {"category": "nope", "summary": "x"}).status_code == 400
    assert PreCheck.objects.count() == 1
    page = skv.get(f"/en/controls/{control.pk}/")
    assert b"Employer since 2024." in page.content
    # POL, without a rule, does not see SKV's pre-check
    assert (
        b"Employer since 2024."
        not in client_for("pol_inspector").get(f"/en/controls/{control.pk}/").content
    )
    safety = skv.post(
        f"/en/controls/{control.pk}/safety/",
        {"known_threats": "Dog", "dogs": "on", "police_presence_needed": "on"},
    )
    assert safety.status_code == 302
    control.refresh_from_db()
    assert control.safety.dogs
    assert not control.safety.weapons


def test_follow_up_forms_record_findings_decisions_and_close_the_control(
    world: World, client_for: Clients
) -> None:
    coordinator_actor = world.actor("coordinator")
    control = world.plan()
    services.assign_team_member(
        actor=coordinator_actor, control_id=control.pk, username="skv_inspector"
    )
    services.mark_prepared(actor=coordinator_actor, control_id=control.pk)
    services.mark_carried_out(actor=coordinator_actor, control_id=control.pk)
    skv = client_for("skv_inspector")
    base = f"/en/controls/{control.pk}"
    assert skv.post(f"{base}/findings/", {"code": "SKV_LEDGER_MISSING"}).status_code == 302
    shown = skv.get(f"{base}/").content.decode()
    assert "No staff ledger kept <small>(SKV_LEDGER_MISSING)</small>" in shown  # in words
    assert ">No F-tax approval (SKV_NO_FTAX)</option>" in shown  # the form's choices too
    swedish = skv.get(f"/sv/controls/{control.pk}/").content.decode()
    assert "No staff ledger kept" not in swedish  # (Swedish once translated)
    bad_amount = skv.post(f"{base}/findings/", {"code": "SKV_NO_FTAX", "amount_sek": "12abc"})
    assert bad_amount.status_code == 400
    assert b"amount must be a whole number" in bad_amount.content
    today = timezone.localdate().isoformat()
    decision = {"kind": "control_fee", "amount_sek": "12 500", "decided_on": today}
    assert skv.post(f"{base}/decisions/", decision).status_code == 302
    bad_date = skv.post(f"{base}/decisions/", {**decision, "decided_on": "yesterday"})
    assert bad_date.status_code == 400
    assert b"decision date must be a date" in bad_date.content
    for amount in ("12\u00b2", "\u0661\u0662", "9" * 13):  # "²", Arabic-Indic digits, too long
        odd = skv.post(f"{base}/decisions/", {**decision, "amount_sek": amount})
        assert odd.status_code == 400, amount
        assert b"amount must be a whole number" in odd.content
    for deadline in ("2025-02-30", "2025-05-06T10:00", "\u0662\u0660\u0662\u0665-05-06"):
        odd = skv.post(f"{base}/decisions/", {**decision, "deadline": deadline})
        assert odd.status_code == 400, deadline
        assert b"deadline must be a date" in odd.content
    assert Decision.objects.get().amount_sek == 12_500
    assert Finding.objects.count() == 1

    coordinator = client_for("coordinator")
    assert coordinator.post(f"{base}/move/", {"to": "in_follow_up"}).status_code == 302
    closed_early = coordinator.post(f"{base}/move/", {"to": "closed"})
    assert closed_early.status_code == 409
    assert b"AV, POL, SKV is still open" in closed_early.content
    assert skv.post(f"{base}/close-part/").status_code == 302
    assert coordinator.post(f"{base}/close-part/").status_code == 302
    services.close_agency_part(
        actor=world.actor("pol_inspector"), control_id=control.pk, agency="POL"
    )
    assert coordinator.post(f"{base}/move/", {"to": "closed"}).status_code == 302
    control.refresh_from_db()
    assert control.status == Status.CLOSED


def test_the_task_list_shows_passed_deadlines_of_the_agency(
    world: World, client_for: Clients
) -> None:
    actor = world.actor("coordinator")
    control = world.plan()
    services.mark_prepared(actor=actor, control_id=control.pk)
    services.mark_carried_out(actor=actor, control_id=control.pk)
    start = timezone.localdate(control.starts_at)
    services.record_decision(
        actor=actor,
        control_id=control.pk,
        kind="order",
        decided_on=start,
        deadline=start + dt.timedelta(days=14),
    )
    assert services.create_due_tasks(actor=actor) == 1  # the nightly run
    page = client_for("coordinator").get("/en/controls/tasks/")
    assert page.status_code == 200
    task = Task.objects.get()
    assert f"control {control.pk}".encode() in page.content
    assert client_for("skv_inspector").get("/en/controls/tasks/").content.count(b"<tr>") == 0
    done = client_for("coordinator").post(f"/en/controls/tasks/{task.pk}/done/")
    assert done.status_code == 302
    task.refresh_from_db()
    assert task.state == Task.State.DONE
    assert (
        client_for("skv_inspector").post(f"/en/controls/tasks/{task.pk}/done/").status_code == 404
    )


def test_the_list_shows_the_controls_the_user_may_see(world: World, client_for: Clients) -> None:
    control = world.plan()
    page = client_for("skv_inspector").get("/en/controls/")
    assert page.status_code == 200
    assert f'href="/en/controls/{control.pk}/"'.encode() in page.content
    assert (
        f'href="/en/controls/{control.pk}/"'.encode()
        not in client_for("other_centre").get("/en/controls/").content
    )
    assert client_for("skv_inspector").get("/en/controls/?status=<x>").status_code == 400
