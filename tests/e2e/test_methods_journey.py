"""Issue 7's methods journey: an inspector in a control's team records what did not work;
the coordinator revises the method citing the lesson; the new version shows with its
changes, the lesson is marked used, and the adoption matrix changes when an agency
records that the method is part of its ordinary work."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User

from akrim.controls import services as controls
from akrim.controls.models import Control
from akrim.core.actor import Actor
from akrim.methods import services as methods
from akrim.methods.models import Lesson, LessonStatus, Method
from akrim.organisation.queries import actor_for_user
from akrim.registry.models import Workplace
from tests.cast import PASSWORD, make_cast
from tests.controls.conftest import at

pytestmark = pytest.mark.django_db(transaction=True)
CSP_VIOLATIONS: list[str] = []
BODY = "1. Choose the site.\n2. Brief the team the day before.\n3. Carry out the control."


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


def carried_out_control() -> Control:
    """A control in Stockholm with SKV's and POL's inspectors, carried out."""
    coordinator = make_cast().actor("coordinator")
    site = Workplace.objects.order_by("workplace_id").first()
    assert site is not None
    control = controls.plan_control(
        actor=coordinator,
        centre="stockholm",
        lead_agency="AV",
        agencies=["AV", "POL", "SKV"],
        workplaces=[site.workplace_id],
        starts_at=at("2025-05-06", 9),
        ends_at=at("2025-05-06", 12),
        purpose="Ledger and right to work at a building site.",
        outside_opening_hours=True,
    )
    for name in ("skv_inspector", "pol_inspector"):
        controls.assign_team_member(actor=coordinator, control_id=control.pk, username=name)
    controls.mark_prepared(actor=coordinator, control_id=control.pk)
    return controls.mark_carried_out(actor=coordinator, control_id=control.pk)


def test_a_lesson_becomes_a_method_revision_and_adoption_shows(
    live_server: Any, browser: Any, small_world: Any
) -> None:
    from akrim.registry.services import import_registers

    import_registers(actor=Actor.system(), folder=small_world, owner="SKV")
    control = carried_out_control()
    coordinator_actor = actor_for_user(User.objects.get(username="coordinator"))
    method = methods.create_method(
        actor=coordinator_actor, title="How to plan a joint control", body=BODY
    )
    for to in ("tested", "established"):
        methods.move_method_status(actor=coordinator_actor, method_id=method.pk, to=to)
    base = live_server.url

    # an inspector of the team records what did not work, linked to the method
    inspector = log_in(browser, base, "skv_inspector")
    inspector.goto(f"{base}/en/methods/lessons/new/?control={control.pk}")
    inspector.fill("#did_not_work", "Two workers left by the back door before we counted.")
    inspector.fill("#worked", "Meeting at the police station first.")
    inspector.check(f"input[name=methods][value='{method.pk}']")
    inspector.click("[data-testid=lesson-form] button[type=submit]")
    inspector.wait_for_selector("[data-testid=lessons]")
    lesson = Lesson.objects.get()
    item = inspector.locator(f"[data-testid=lesson-{lesson.pk}]")
    assert "back door" in item.inner_text()
    assert item.locator("[data-testid=lesson-status]").inner_text() == "open"

    # the coordinator sees the open lesson and revises the method citing it
    coordinator = log_in(browser, base, "coordinator")
    coordinator.goto(f"{base}/en/methods/lessons/")
    assert "back door" in coordinator.locator("[data-testid=lessons]").inner_text()
    coordinator.goto(f"{base}/en/methods/{method.slug}/")
    assert coordinator.locator("[data-testid=current-version]").inner_text().startswith("1")
    assert "back door" in coordinator.locator("[data-testid=method-lessons]").inner_text()
    coordinator.click("[data-testid=revise]")
    coordinator.fill(
        "#body",
        BODY.replace(
            "3. Carry out the control.",
            "3. Post a colleague at every exit.\n4. Carry out the control.",
        ),
    )
    coordinator.fill("#summary", "Watch every exit before counting.")
    coordinator.check(f"input[name=lessons][value='{lesson.pk}']")
    coordinator.click("[data-testid=method-form] button[type=submit]")
    coordinator.wait_for_selector("[data-testid=method-body]")

    # the new version shows, with what changed and the lesson it drew on
    assert coordinator.locator("[data-testid=current-version]").inner_text().startswith("2")
    assert "every exit" in coordinator.locator("[data-testid=method-body]").inner_text()
    history = coordinator.locator("[data-testid=versions]").inner_text()
    assert "Watch every exit before counting." in history
    coordinator.click("[data-testid=versions] a:text-is('2')")
    coordinator.wait_for_selector("[data-testid=diff]")
    assert (
        "Post a colleague at every exit."
        in coordinator.locator("[data-testid=diff] ins").first.inner_text()
    )
    assert (
        "Carry out the control." in coordinator.locator("[data-testid=diff] del").first.inner_text()
    )

    # the lesson is marked used, for the inspector too
    lesson.refresh_from_db()
    assert lesson.status == LessonStatus.USED
    inspector.goto(f"{base}/en/methods/lessons/?status=used")
    used = inspector.locator(f"[data-testid=lesson-{lesson.pk}] [data-testid=lesson-status]")
    assert used.inner_text() == "used in a revision"

    # the adoption matrix: AV records that the method is part of its ordinary work
    coordinator.goto(f"{base}/en/methods/adoption/")
    row = coordinator.locator(f"[data-testid=row-{method.slug}]")
    assert row.locator("td").last.inner_text() == "0 / 9"
    coordinator.goto(f"{base}/en/methods/{method.slug}/")
    form = coordinator.locator("[data-testid=adoption-form-AV]")
    form.locator("select[name=status]").select_option("ordinary")
    form.locator("input[name=since]").fill("2025-09-01")
    form.locator("textarea[name=evidence]").fill("In AV's inspection manual, chapter 4.")
    form.locator("button[type=submit]").click()
    coordinator.wait_for_selector("[data-testid=adoption]")
    coordinator.goto(f"{base}/en/methods/adoption/")
    row = coordinator.locator(f"[data-testid=row-{method.slug}]")
    assert row.locator("td").last.inner_text() == "1 / 9"
    av_cell = row.locator("td").nth(2)  # agencies in code order: AF, AM, AV, ...
    assert "part of ordinary work" in av_cell.inner_text()
    assert "2025-09-01" in av_cell.inner_text()
    assert Method.objects.get().versions.count() == 2
    assert CSP_VIOLATIONS == []
