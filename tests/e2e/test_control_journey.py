"""Issue 4's journey: a coordinator plans a control with AV, POL and SKV; an inspector of
each agency records their part on a phone-sized screen and their decisions; every part
closes, the control closes, and the statistics page and the JSON command count it."""

from __future__ import annotations

import json
from typing import Any

import pytest

from akrim.cli import main
from akrim.controls.models import Control, Decision, LedgerCheck, Observation, PersonMet, Status
from akrim.core.actor import Actor
from akrim.demo.sharing import seed_demo_rules
from akrim.organisation.services import create_staff
from akrim.registry.models import Workplace
from tests.cast import PASSWORD, make_cast

pytestmark = pytest.mark.django_db(transaction=True)
PHONE = {"width": 360, "height": 740}
CSP_VIOLATIONS: list[str] = []  # what the browsers' consoles reported
DAY = "2025-05-06"  # a Tuesday; the decisions below fall between it and today


def log_in(browser: Any, base: str, username: str, *, phone: bool = False) -> Any:
    options: dict[str, Any] = {"locale": "en-GB"}
    if phone:
        options.update(viewport=PHONE, is_mobile=True, has_touch=True)
    page = browser.new_context(**options).new_page()

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


def act_for(page: Any, purpose: str) -> None:
    """Choose the purpose the user acts under (sharing rules are given per purpose)."""
    page.select_option("#purpose", purpose)
    page.click("form.akrim-purpose button[type=submit]")
    page.wait_for_load_state()


def fits_the_screen(page: Any) -> bool:
    """Nothing makes the page wider than the phone (no sideways scrolling)."""
    return bool(page.evaluate("document.documentElement.scrollWidth <= 361"))


def record_decision(page: Any, base: str, control: int, kind: str, amount: str) -> None:
    page.goto(f"{base}/en/controls/{control}/#follow-up")
    form = page.locator("[data-testid=decision-form]")
    form.locator("#kind").select_option(kind)
    form.locator("#d_amount").fill(amount)
    form.locator("#decided_on").fill("2025-06-02")
    form.locator("button[type=submit]").click()
    page.wait_for_selector("[data-testid=decisions]")


def close_part(page: Any, base: str, control: int) -> None:
    page.goto(f"{base}/en/controls/{control}/#follow-up")
    assert fits_the_screen(page)
    page.click("[data-testid=close-part]")
    page.wait_for_selector("[data-testid=parts]")


def test_a_joint_control_from_plan_to_statistics(
    live_server: Any, browser: Any, small_world: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    from akrim.registry.services import import_registers

    make_cast()
    create_staff(
        actor=Actor.system(),
        username="av_inspector",
        password=PASSWORD,
        agency="AV",
        centres=["Stockholm"],
        roles=["inspector"],
    )
    import_registers(actor=Actor.system(), folder=small_world, owner="SKV")
    seed_demo_rules()
    site = Workplace.objects.filter(opening_hours="Mo-Fr 08:00-17:00").order_by("pk").first()
    assert site is not None
    base = live_server.url

    # the coordinator plans the control and puts one inspector of each agency in the team
    coordinator = log_in(browser, base, "coordinator")
    coordinator.goto(f"{base}/en/controls/new/?workplace={site.workplace_id}")
    coordinator.fill("#id_day", DAY)
    coordinator.fill("#id_starts", "09:00")
    coordinator.fill("#id_ends", "12:00")
    coordinator.fill("#id_lead_agency", "AV")
    for code in ["AV", "POL", "SKV"]:
        coordinator.check(f"input[name=agencies][value={code}]")
    coordinator.fill("#id_purpose", "Ledger, right to work and safety at a building site.")
    coordinator.click("button[name=plan]")
    coordinator.wait_for_selector("[data-testid=control-status]")
    control = Control.objects.get()
    for name in ["av_inspector", "pol_inspector", "skv_inspector"]:
        coordinator.fill("#username", name)
        coordinator.click("form[action$='/team/'] button[type=submit]")
        coordinator.wait_for_selector("[data-testid=parts]")
    coordinator.click("[data-testid=next-move]")  # mark prepared
    coordinator.wait_for_selector("[data-testid=control-status]:has-text('Prepared')")

    # on site, on phones: POL meets a worker, SKV checks the ledger, AV writes what it saw
    police = log_in(browser, base, "pol_inspector", phone=True)
    police.goto(f"{base}/en/controls/{control.pk}/field/")
    assert fits_the_screen(police)
    police.click("[data-testid=add-person]")
    police.fill("#f-name_as_written", "Ion Popescu")
    police.fill("#f-stated_nationality", "RO")
    police.fill("#f-stated_pay_sek", "60")
    police.select_option("#f-pay_period", "hour")
    police.check("#f-indicator_withholding_of_wages")
    assert fits_the_screen(police)
    police.click("form.akrim-field-form button[type=submit]")
    police.wait_for_selector("[data-testid=people]")
    assert "Ion Popescu" in police.locator("[data-testid=people]").inner_text()

    tax = log_in(browser, base, "skv_inspector", phone=True)
    tax.goto(f"{base}/en/controls/{control.pk}/field/")
    tax.click(f"a:has-text('Staff ledger at {site.workplace_id}')")
    tax.check("input[name=result][value=incomplete]")
    tax.fill("#f-people_not_recorded", "2")
    assert fits_the_screen(tax)
    tax.click("form.akrim-field-form button[type=submit]")
    tax.wait_for_selector("[data-testid=ledger]")

    labour = log_in(browser, base, "av_inspector", phone=True)
    labour.goto(f"{base}/en/controls/{control.pk}/field/")
    labour.click("a:has-text('Write an observation')")
    labour.fill("#f-text", "Scaffolding on the third floor lacks guard rails.")
    labour.click("form.akrim-field-form button[type=submit]")
    labour.wait_for_selector("[data-testid=saved]")
    # the police, carrying out the control, see Skatteverket's ledger result: shared for
    # the controls they are in
    act_for(police, "execution")
    police.goto(f"{base}/en/controls/{control.pk}/field/")
    assert "Incomplete" in police.locator("[data-testid=ledger]").inner_text()

    # the control is carried out and followed up: each agency records and closes its part
    coordinator.goto(f"{base}/en/controls/{control.pk}/")
    coordinator.click("[data-testid=next-move]")  # carried out
    coordinator.wait_for_selector("[data-testid=control-status]:has-text('Carried out')")
    coordinator.click("[data-testid=next-move]")  # follow-up
    coordinator.wait_for_selector("[data-testid=control-status]:has-text('In follow-up')")
    record_decision(tax, base, control.pk, "control_fee", "17500")
    record_decision(police, base, control.pk, "crime_report", "")
    record_decision(labour, base, control.pk, "order", "")
    assert fits_the_screen(tax)
    for inspector in [tax, police, labour]:
        close_part(inspector, base, control.pk)
    coordinator.goto(f"{base}/en/controls/{control.pk}/")
    coordinator.click("[data-testid=next-move]")  # close
    coordinator.wait_for_selector("[data-testid=control-status]:has-text('Closed')")

    control.refresh_from_db()
    assert control.status == Status.CLOSED
    assert CSP_VIOLATIONS == []
    assert PersonMet.objects.filter(control=control).count() == 1
    assert LedgerCheck.objects.get(control=control).people_not_recorded == 2
    assert Observation.objects.filter(control=control).count() == 1
    assert sorted(Decision.objects.filter(control=control).values_list("kind", flat=True)) == [
        "control_fee",
        "crime_report",
        "order",
    ]

    coordinator.goto(f"{base}/en/controls/stats/?year=2025")
    headline = coordinator.locator("[data-testid=headline] dd").first.inner_text()
    assert headline.strip() == "1"  # the joint control counts once, whatever the agencies
    assert main(["stats", "controls", "--year", "2025", "--json"]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["year"] == 2025
    assert figures["controls"] == 1
    assert figures["with_findings"] == 0  # decisions were recorded, no catalogue finding
    assert figures["by_centre"]["stockholm"]["controls"] == 1
