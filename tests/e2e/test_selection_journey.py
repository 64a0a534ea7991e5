"""Issue 5's journey: the nightly scoring has run; a Skatteverket coordinator at the
Stockholm centre opens the selection list, reads why a workplace is on it, picks it and
adds it to the plan, which makes a draft control with the reasons attached."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from akrim.controls.models import Control, Status
from akrim.core.actor import Actor
from akrim.organisation.services import create_staff
from tests.cast import PASSWORD, make_cast

STOCKHOLM = ZoneInfo("Europe/Stockholm")

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_coordinator_adds_the_top_workplace_to_the_plan(
    live_server: Any, page: Any, small_world: Any
) -> None:
    from akrim.registry.services import import_registers
    from akrim.targeting.services import run_scoring

    make_cast()
    create_staff(
        actor=Actor.system(),
        username="skv_coordinator",
        password=PASSWORD,
        agency="SKV",
        centres=["Stockholm"],
        roles=["coordinator"],
    )
    import_registers(actor=Actor.system(), folder=small_world, owner="SKV")
    run = run_scoring(actor=Actor.system(), owner="SKV")
    assert run.workplaces > 0
    base = live_server.url

    page.goto(f"{base}/en/accounts/login/")
    page.fill("#id_username", "skv_coordinator")
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]:has-text('Log in')")
    page.wait_for_url(f"{base}/en/home/")
    page.click("nav a:has-text('Selection')")
    page.wait_for_selector("[data-testid=selection]")
    first = page.locator("[data-testid=selection] tbody tr").first
    workplace_id = first.locator("input[name=workplace]").get_attribute("value")
    reasons = first.inner_text()
    assert workplace_id
    assert "%" in reasons  # the score reads as a chance

    # the workplace's explanation, indicator by indicator
    page.click(f"[data-testid=selection] a:has-text('{workplace_id}')")
    page.wait_for_url(f"**/targeting/workplaces/{workplace_id}/")
    assert "innocent" in page.content().lower()
    page.go_back()

    page.check(f"input[name=workplace][value={workplace_id}]")
    page.check("input[name=outside_opening_hours]")
    page.click("button:has-text('Add to plan')")
    page.wait_for_selector("[data-testid=control-status]")
    control = Control.objects.get()
    assert control.status == Status.DRAFT
    assert list(control.workplaces.values_list("workplace_id", flat=True)) == [workplace_id]
    assert "%" in control.purpose
    assert page.url.endswith(f"/controls/{control.pk}/")

    # the draft's day is moved before it is planned
    page.click("[data-testid=reschedule-open]")
    new_day = (control.starts_at + dt.timedelta(days=3)).astimezone(STOCKHOLM).date()
    page.fill("#r_day", new_day.isoformat())
    page.fill("#r_starts", "07:00")
    page.fill("#r_ends", "11:00")
    page.check("form[data-testid=reschedule] input[name=outside_opening_hours]")
    page.click("form[data-testid=reschedule] button[type=submit]")
    page.wait_for_selector("[data-testid=control-status]")
    control.refresh_from_db()
    moved = control.starts_at.astimezone(STOCKHOLM)
    assert (moved.date(), moved.hour) == (new_day, 7)
