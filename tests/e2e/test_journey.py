"""An inspector logs in, lands on the centre's start page, searches a company, opens it."""

from __future__ import annotations

from typing import Any

import pytest

from akrim.core.actor import Actor
from akrim.registry.models import Company
from tests.cast import PASSWORD, make_cast

pytestmark = pytest.mark.django_db(transaction=True)


def test_inspector_logs_in_searches_a_company_and_opens_it(
    live_server: Any, page: Any, small_world: Any
) -> None:
    from akrim.registry.services import import_registers

    make_cast()
    import_registers(actor=Actor.system(), folder=small_world, owner="SKV")
    company = Company.objects.filter(owner__code="SKV").order_by("name").first()
    assert company is not None

    page.goto(f"{live_server.url}/sv/home/")
    assert "/accounts/login/" in page.url
    page.fill("#id_username", "skv_inspector")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]:has-text('Logga in')")
    page.wait_for_url(f"{live_server.url}/sv/home/")
    assert page.locator("h1").inner_text().startswith("Regionalt centrum Stockholm")

    page.fill("#q", company.org_no_display)
    page.click("form[role=search] button[type=submit]")
    page.wait_for_selector("[data-testid=companies]")
    page.click(f"[data-testid=companies] a:text-is('{company.org_no_display}')")
    page.wait_for_url(f"**/registry/companies/{company.org_no}/")
    assert page.locator("h1").inner_text() == company.name
    assert company.org_no_display in page.content()


def test_language_switch_to_english_keeps_the_user_on_the_page(live_server: Any, page: Any) -> None:
    make_cast()
    page.goto(f"{live_server.url}/sv/accounts/login/")
    page.fill("#id_username", "skv_inspector")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]:has-text('Logga in')")
    page.wait_for_url(f"{live_server.url}/sv/home/")
    page.click("button[name=language][value=en]")
    page.wait_for_url(f"{live_server.url}/en/home/")
    assert page.locator("h1").inner_text().startswith("Regional centre Stockholm")
    assert page.locator("html").get_attribute("lang") == "en"
