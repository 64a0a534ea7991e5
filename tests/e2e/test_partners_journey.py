"""Issue 7's partners journey: a coordinator opens the centre's partner forum, holds a
meeting (calls it, writes the minutes, adds an action item with a deadline); the item
appears on the reminders page, and the nightly reminder e-mails its owner — once a day."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.utils import timezone

from akrim.cli import main
from akrim.core.actor import Actor
from akrim.partners import services
from akrim.partners.models import ActionItem, Meeting
from tests.cast import PASSWORD, make_cast

pytestmark = pytest.mark.django_db(transaction=True)
CSP_VIOLATIONS: list[str] = []


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


def test_a_coordinator_holds_a_meeting_and_the_action_item_is_reminded(
    live_server: Any, browser: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    make_cast()
    User.objects.filter(username="coordinator").update(email="coordinator@example.org")
    union = services.create_organisation(
        actor=Actor.system(), kind="union", name="Demo Union of Builders", scope="national"
    )
    services.add_contact(
        actor=Actor.system(),
        organisation_id=union.pk,
        fields=services.ContactFields(name="Kim Exempelsson", email="kim@example.org"),
    )
    base = live_server.url
    today = timezone.localdate()
    deadline = today + dt.timedelta(days=3)

    page = log_in(browser, base, "coordinator")
    page.goto(f"{base}/en/partners/")
    page.select_option("#centre", "stockholm")
    page.click("[data-testid=open-forum] button[type=submit]")
    page.wait_for_selector("[data-testid=members-form]", state="attached")
    page.click("summary:has-text('Change the organisations')")
    page.check(f"input[name=organisations][value='{union.pk}']")
    page.click("[data-testid=members-form] button[type=submit]")
    page.wait_for_selector("[data-testid=members]")
    assert "Demo Union of Builders" in page.locator("[data-testid=members]").inner_text()

    # call the meeting, with the union's contact and an inspector taking part
    form = page.locator("[data-testid=meeting-form]")
    form.locator("#starts_at").fill(f"{today.isoformat()}T09:30")
    form.locator("#place").fill("Centre office, room 2")
    form.locator("#agenda").fill("1. The cleaning sector\n2. Joint controls in June")
    form.locator("input[name=contacts]").first.check()
    form.locator("#staff").fill("skv_inspector")
    form.locator("button[type=submit]").click()
    page.wait_for_selector("[data-testid=agenda]")
    meeting = Meeting.objects.get()
    assert "The cleaning sector" in page.locator("[data-testid=agenda]").inner_text()

    # write the minutes and decisions
    edit = page.locator("[data-testid=edit-meeting-form]")
    edit.locator("#minutes").fill("The union described undeclared work in cleaning.")
    edit.locator("#decisions").fill("A joint control of cleaning firms in June.")
    edit.locator("button[type=submit]").click()
    page.wait_for_selector("[data-testid=minutes]:has-text('undeclared work')")
    assert "joint control" in page.locator("[data-testid=decisions]").inner_text()

    # add an action item with a deadline, owned by the coordinator
    action = page.locator("[data-testid=action-form]")
    action.locator("#description").fill("Send the union the information leaflets")
    action.locator("#owner").select_option("user:coordinator")
    action.locator("#deadline").fill(deadline.isoformat())
    action.locator("button[type=submit]").click()
    page.wait_for_selector("[data-testid=actions]")
    assert deadline.isoformat() in page.locator("[data-testid=actions]").inner_text()
    item = ActionItem.objects.get(meeting=meeting)
    assert item.owner_user is not None
    assert item.owner_user.username == "coordinator"

    # the reminders page lists it
    page.goto(f"{base}/en/partners/reminders/")
    reminders = page.locator("[data-testid=reminders]").inner_text()
    assert "Send the union the information leaflets" in reminders
    assert deadline.isoformat() in reminders

    # the nightly command e-mails the owner, once a day
    mail.outbox.clear()
    assert main(["partners", "remind"]) == 0
    assert "1 sent" in capsys.readouterr().out
    assert [m.to for m in mail.outbox] == [["coordinator@example.org"]]
    assert "Send the union the information leaflets" in mail.outbox[0].body
    assert main(["partners", "remind"]) == 0
    assert "0 sent, 1 already sent today" in capsys.readouterr().out
    assert len(mail.outbox) == 1
    page.reload()
    assert today.isoformat() in page.locator("[data-testid=reminders]").inner_text()

    # marked done, it leaves the reminders
    page.goto(f"{base}/en/partners/meetings/{meeting.pk}/")
    page.select_option(f"#status-{item.pk}", "done")
    page.click(f"form[action$='/actions/{item.pk}/status/'] button[type=submit]")
    page.wait_for_selector("[data-testid=actions]")
    page.goto(f"{base}/en/partners/reminders/")
    assert page.locator("[data-testid=reminders]").count() == 0
    assert CSP_VIOLATIONS == []
