"""Issue 3's journey: a police inspector cannot open Skatteverket's workplace until a
coordinator puts them in the team of a control there; then they can, and Skatteverket's
data-protection auditor sees the access in the audit log."""

from __future__ import annotations

from typing import Any

import pytest

from akrim.access.models import Condition, DataCategory, LegalBasis, SharingRule
from akrim.core.actor import Actor, Purpose
from akrim.organisation.models import Agency
from akrim.registry.models import Workplace
from tests.cast import PASSWORD, make_cast

pytestmark = pytest.mark.django_db(transaction=True)


def log_in(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/en/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]:has-text('Log in')")
    page.wait_for_url(f"{base}/en/home/")


def test_assignment_to_a_control_opens_another_agencys_workplace_and_is_audited(
    live_server: Any, browser: Any, small_world: Any
) -> None:
    from akrim.registry.services import import_registers

    make_cast()
    import_registers(actor=Actor.system(), folder=small_world, owner="SKV")
    SharingRule.objects.create(
        owner=Agency.objects.get(code="SKV"),
        recipient=Agency.objects.get(code="POL"),
        category=DataCategory.objects.get(code="company"),
        purpose=Purpose.EXECUTION,
        legal_basis=LegalBasis.objects.get(code="joint_control_duty"),
        condition=Condition.ASSIGNED_TO_CONTROL,
    )
    site = Workplace.objects.filter(opening_hours="Mo-Fr 08:00-17:00").order_by("pk").first()
    assert site is not None
    base = live_server.url

    police = browser.new_context(locale="en-GB").new_page()
    log_in(police, base, "pol_inspector")
    police.select_option("#purpose", "execution")
    police.click("form.akrim-purpose button[type=submit]")
    response = police.goto(f"{base}/en/registry/workplaces/{site.workplace_id}/")
    assert response is not None
    assert response.status == 404
    assert site.name not in police.content()

    coordinator = browser.new_context(locale="en-GB").new_page()
    log_in(coordinator, base, "coordinator")
    coordinator.goto(f"{base}/en/controls/new/?workplace={site.workplace_id}")
    coordinator.fill("#id_day", "2025-05-06")  # a Tuesday, within the site's hours
    coordinator.fill("#id_starts", "09:00")
    coordinator.fill("#id_ends", "11:00")
    coordinator.fill("#id_lead_agency", "AV")
    for code in ["AV", "POL", "SKV"]:
        coordinator.check(f"input[name=agencies][value={code}]")
    coordinator.fill("#id_purpose", "Right-to-work and ledger check.")
    coordinator.click("button[name=plan]")
    coordinator.wait_for_selector("[data-testid=control-status]")
    coordinator.fill("#username", "pol_inspector")
    coordinator.click("form[action$='/team/'] button[type=submit]")
    coordinator.wait_for_selector("[data-testid=parts]")
    assert "pol_inspector" in coordinator.locator("[data-testid=parts]").inner_text()

    response = police.goto(f"{base}/en/registry/workplaces/{site.workplace_id}/")
    assert response is not None
    assert response.status == 200
    assert police.locator("h1").inner_text() == site.name

    auditor = browser.new_context(locale="en-GB").new_page()
    log_in(auditor, base, "skv_auditor")
    auditor.goto(f"{base}/en/audit/?user=pol_inspector&object={site.workplace_id}")
    log = auditor.locator("[data-testid=audit]").inner_text()
    assert "pol_inspector" in log
    assert site.workplace_id in log
    assert "joint_control_duty" in log
