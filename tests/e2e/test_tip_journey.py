"""Issue 8's tip journey: a worker sends a tip in Thai and gets a receipt code; a member of
staff at the centre of the tip's municipality answers it; the worker reads the answer with
the code; a wrong code is refused and, after repeated tries, throttled."""

from __future__ import annotations

import re
from typing import Any

import pytest

from akrim.core.actor import Actor
from akrim.organisation.services import create_staff
from akrim.tips import guards
from akrim.tips.models import Tip
from tests.cast import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)
MALMO = "1280"  # Malmö: the Syd centre
THAI_TIP = "มีคนงานสิบคนนอนในโกดังและไม่ได้รับค่าจ้างมาสามเดือน"
REPLY = "Thank you. ขอบคุณ We will visit the workplace."


def _submit_after_fill_time(page: Any, selector: str, seconds: float) -> None:
    """A person takes a moment to fill in a form; the token refuses faster posts."""
    page.wait_for_timeout(int(seconds * 1000) + 300)
    page.click(selector)
    page.wait_for_load_state()


def _enter_code(page: Any, base: str, code: str) -> Any:
    page.goto(f"{base}/th/tip/status/")
    page.fill("#code", code)
    with page.expect_response(re.compile(r"/th/tip/status/$")) as answer:
        _submit_after_fill_time(
            page, "[data-testid=show-messages]", guards.MIN_FILL_SECONDS["status"]
        )
    return answer.value


def test_a_tip_in_thai_is_answered_and_the_answer_read_with_the_receipt_code(
    live_server: Any, browser: Any
) -> None:
    base = live_server.url
    create_staff(
        actor=Actor.system(),
        username="syd_police",
        password=PASSWORD,
        agency="POL",
        centres=["Syd"],
        roles=["inspector"],
    )

    # 1. The worker sends a tip in Thai, without giving a name.
    worker = browser.new_context(locale="th-TH").new_page()
    worker.goto(f"{base}/th/tip/")
    assert worker.locator("html").get_attribute("lang") == "th"
    assert worker.context.cookies() == []
    worker.fill("#what", THAI_TIP)
    worker.fill("#where_name", "โกดังตัวอย่าง")
    worker.select_option("#municipality", MALMO)
    worker.fill("#since", "มีนาคม")
    _submit_after_fill_time(worker, "[data-testid=send-tip]", guards.MIN_FILL_SECONDS["tip"])
    code = worker.locator("[data-testid=receipt-code]").inner_text().strip()
    assert re.fullmatch(r"([0-9A-Z]{4}-){5}[0-9A-Z]{4}", code)
    assert code not in worker.url
    assert worker.context.cookies() == []  # no cookie, even after sending
    tip = Tip.objects.get()
    assert tip.language == "th"
    assert tip.centre is not None
    assert tip.centre.code == "syd"

    # 2. Staff at the Syd centre read the tip and answer it.
    staff = browser.new_context(locale="en-GB").new_page()
    staff.goto(f"{base}/en/accounts/login/")
    staff.fill("#id_username", "syd_police")
    staff.fill("#id_password", PASSWORD)
    staff.click("main button[type=submit]:has-text('Log in')")
    staff.wait_for_url(f"{base}/en/home/")
    staff.goto(f"{base}/en/tips/")
    staff.click(f"text={tip.key}")
    assert THAI_TIP in staff.locator("[data-testid=what]").inner_text()
    staff.fill("#reply-body", REPLY)
    staff.click("[data-testid=reply-form] button[type=submit]")
    staff.wait_for_selector("[data-testid=messages]")
    assert REPLY in staff.locator("[data-testid=messages]").inner_text()

    # 3. The worker reads the answer with the receipt code (typed in lower case).
    answer = _enter_code(worker, base, code.lower())
    assert answer.status == 200
    assert REPLY in worker.locator("[data-testid=messages]").inner_text()
    assert worker.context.cookies() == []

    # 4. A wrong code is refused; repeated wrong codes for the tip lock it for a while.
    wrong = code[:-1] + ("0" if code[-1] != "0" else "1")
    answer = _enter_code(worker, base, wrong)
    assert answer.status == 400
    assert worker.locator("[data-testid=wrong-code]").is_visible()
    statuses = [_enter_code(worker, base, wrong).status for _ in range(guards.TIP_FAILURES - 1)]
    assert statuses[-1] == 429
    assert worker.locator("[data-testid=throttled]").is_visible()
    # Throttled: even the right code now waits.
    assert _enter_code(worker, base, code).status == 429
    assert worker.locator("[data-testid=messages]").count() == 0
