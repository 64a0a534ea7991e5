"""Issue 7's training journey: Stockholm requires someone with a valid trafficking-indicator
course in every control team; next week's control breaks the rule. The coordinator plans
a session, an inspector of the team enrols, the trainer records the completion: the
coverage page counts it and the warning on the control page disappears."""

from __future__ import annotations

import datetime as dt
import importlib
from typing import Any

import pytest
from django.apps import apps
from django.utils import timezone

from akrim.controls import services as controls
from akrim.core.actor import Actor
from akrim.registry.models import Workplace
from akrim.training import services as training
from akrim.training.models import Enrolment
from tests.cast import PASSWORD, make_cast
from tests.controls.conftest import at

pytestmark = pytest.mark.django_db(transaction=True)
CSP_VIOLATIONS: list[str] = []
COURSE = "Recognising human trafficking for labour"


def log_in(browser: Any, base: str, username: str) -> Any:
    page = browser.new_context(locale="en-GB").new_page()

    def note_csp(message: Any) -> None:
        if "Content Security Policy" in message.text:
            CSP_VIOLATIONS.append(f"{username}: {message.text}")

    page.on("console", note_csp)
    page.goto(f"{base}/en/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]:has-text('Log in')")
    page.wait_for_url(f"{base}/en/home/")
    return page


def seed_courses() -> None:
    """Transactional tests flush the courses the migration seeded: seed them again."""
    importlib.import_module("akrim.training.migrations.0002_seed_courses").seed(apps, None)


def coverage_of_skv_inspectors(page: Any) -> str:
    row = (
        page.locator("[data-testid=coverage] tbody tr")
        .filter(has_text=COURSE)
        .filter(has_text="SKV")
        .filter(has_text="inspector")
    )
    return str(row.locator("td").nth(2).inner_text())


def test_completing_a_course_raises_coverage_and_clears_the_staffing_warning(
    live_server: Any, browser: Any, small_world: Any
) -> None:
    from akrim.registry.services import import_registers

    seed_courses()
    cast = make_cast()
    import_registers(actor=Actor.system(), folder=small_world, owner="SKV")
    coordinator_actor = cast.actor("coordinator")
    training.add_staffing_rule(
        actor=coordinator_actor,
        centre="stockholm",
        course="trafficking-indicators",
        name="Someone who recognises trafficking",
    )
    today = timezone.localdate()
    day = (today + dt.timedelta(days=7)).isoformat()
    site = Workplace.objects.order_by("workplace_id").first()
    assert site is not None
    control = controls.plan_control(
        actor=coordinator_actor,
        centre="stockholm",
        lead_agency="AV",
        agencies=["AV", "POL", "SKV"],
        workplaces=[site.workplace_id],
        starts_at=at(day, 9),
        ends_at=at(day, 12),
        purpose="Staff ledger at a restaurant.",
        outside_opening_hours=True,
    )
    controls.assign_team_member(
        actor=coordinator_actor, control_id=control.pk, username="skv_inspector"
    )
    base = live_server.url

    # the control breaks the rule, and nobody in the centre meets it yet
    coordinator = log_in(browser, base, "coordinator")
    coordinator.goto(f"{base}/en/controls/{control.pk}/")
    warning = coordinator.locator("[data-testid=staffing-warnings]").inner_text()
    assert "Someone who recognises trafficking" in warning
    assert "Nobody in the centre meets it yet." in warning
    inspector = log_in(browser, base, "skv_inspector")
    inspector.goto(f"{base}/en/training/coverage/")
    assert coverage_of_skv_inspectors(inspector) == "0 / 1"

    # the coordinator plans a session today with the police inspector as trainer
    coordinator.goto(f"{base}/en/training/")
    coordinator.select_option("#course", "trafficking-indicators")
    coordinator.select_option("#centre", "stockholm")
    coordinator.fill("#held_on", today.isoformat())
    coordinator.fill("#place", "Centre office, room 3")
    coordinator.fill("#capacity", "12")
    coordinator.fill("#trainers", "pol_inspector")
    coordinator.click("form[action$='/sessions/new/'] button[type=submit]")
    coordinator.wait_for_selector("[data-testid=free]")
    session_url = coordinator.url

    # the inspector finds it on the training page and enrols
    inspector.goto(f"{base}/en/training/")
    inspector.click(f"[data-testid=sessions] a:has-text('{COURSE}')")
    inspector.wait_for_selector("[data-testid=free]")
    assert inspector.url == session_url
    inspector.click("form[action$='/enrol/'] button[type=submit]")
    inspector.wait_for_selector("text=You are enrolled.")

    # the trainer records attendance and completion
    trainer = log_in(browser, base, "pol_inspector")
    trainer.goto(session_url)
    row = trainer.locator("[data-testid=enrolments] tbody tr").filter(has_text="skv_inspector")
    row.locator("input[name=attended]").check()
    row.locator("input[name=completed_on]").fill(today.isoformat())
    row.locator("button[type=submit]").click()
    trainer.wait_for_selector("[data-testid=enrolments]")
    enrolment = Enrolment.objects.get()
    assert enrolment.completed_on == today
    assert enrolment.valid_on(today + dt.timedelta(days=7))

    # coverage counts the completion, and the control meets the rule
    inspector.goto(f"{base}/en/training/coverage/")
    assert coverage_of_skv_inspectors(inspector) == "1 / 1"
    inspector.goto(f"{base}/en/training/mine/")
    assert "certificate.pdf" in inspector.content()
    coordinator.goto(f"{base}/en/controls/{control.pk}/")
    coordinator.wait_for_selector("[data-testid=parts]")
    assert coordinator.locator("[data-testid=staffing-warnings]").count() == 0
    assert CSP_VIOLATIONS == []
