"""Reminders: which action items are due, and the nightly e-mail — once per item per day."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client

from akrim.audit.models import AuditEntry
from akrim.cli import main
from akrim.core.actor import Actor
from akrim.core.errors import Forbidden, InvalidInput
from akrim.partners import queries, services
from akrim.partners.models import ActionItem
from tests.cast import Cast
from tests.partners.conftest import TODAY, Partners


def item(
    partners: Partners, cast: Cast, days: int, *, user: str = "", contact: int | None = None
) -> ActionItem:
    return services.add_action_item(
        actor=cast.actor("coordinator"),
        meeting_id=partners.meeting.pk,
        description=f"Item due in {days} days",
        deadline=TODAY + dt.timedelta(days=days),
        owner_username=user,
        owner_contact_id=contact,
    )


@pytest.fixture
def items(partners: Partners, cast: Cast) -> dict[str, ActionItem]:
    User.objects.filter(username="skv_inspector").update(email="skv.inspector@example.org")
    return {
        "overdue": item(partners, cast, -2, user="skv_inspector"),
        "soon": item(partners, cast, 3, contact=partners.shop_steward.pk),
        "no_address": item(partners, cast, 1, contact=partners.adviser.pk),
        "later": item(partners, cast, 30, user="skv_inspector"),
    }


def test_due_and_overdue_items_are_listed(items: dict[str, ActionItem], cast: Cast) -> None:
    listed = queries.reminders(actor=cast.actor("coordinator"), day=TODAY).items
    assert [i.pk for i in listed] == [
        items["overdue"].pk,
        items["no_address"].pk,
        items["soon"].pk,
    ]
    wide = queries.reminders(actor=cast.actor("coordinator"), day=TODAY, days=30).items
    assert items["later"] in wide
    services.set_action_status(
        actor=cast.actor("coordinator"), action_id=items["overdue"].pk, status="done"
    )
    assert (
        items["overdue"] not in queries.reminders(actor=cast.actor("coordinator"), day=TODAY).items
    )
    with pytest.raises(InvalidInput):
        queries.reminders(actor=cast.actor("coordinator"), days=366)


def test_others_see_only_what_they_work_with(items: dict[str, ActionItem], cast: Cast) -> None:
    # The SKV inspector took part in the meeting: they see the forum's items.
    assert len(queries.reminders(actor=cast.actor("skv_inspector"), day=TODAY).items) == 3
    # The police inspector neither owns an item nor works with the forum.
    assert queries.reminders(actor=cast.actor("pol_inspector"), day=TODAY).items == []
    assert queries.reminders(actor=cast.actor("other_centre"), day=TODAY).items == []


def test_reminders_are_sent_once_per_item_per_day(items: dict[str, ActionItem]) -> None:
    run = services.send_reminders(actor=Actor.system(), today=TODAY)
    assert sorted(run.sent) == sorted([items["overdue"].pk, items["soon"].pk])
    assert run.no_address == [items["no_address"].pk]
    assert sorted(m.to[0] for m in mail.outbox) == ["kim@example.org", "skv.inspector@example.org"]
    overdue = next(m for m in mail.outbox if m.to == ["skv.inspector@example.org"])
    assert "Item due in -2 days" in overdue.body
    assert "overdue" in overdue.body
    items["soon"].refresh_from_db()
    assert items["soon"].reminded_at is not None
    again = services.send_reminders(actor=Actor.system(), today=TODAY)
    assert again.sent == []
    assert sorted(again.already) == sorted(run.sent)
    assert len(mail.outbox) == 2
    next_day = services.send_reminders(actor=Actor.system(), today=TODAY + dt.timedelta(days=1))
    assert sorted(next_day.sent) == sorted(run.sent)
    assert len(mail.outbox) == 4
    assert AuditEntry.objects.filter(action="partners.reminder_sent").count() == 4


def test_a_failed_mail_is_not_recorded_as_sent(
    items: dict[str, ActionItem], monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: Any, **kwargs: Any) -> int:
        raise ConnectionRefusedError("mail server down")

    from akrim.partners.services import reminders as module

    monkeypatch.setattr(module, "send_mail", refuse)
    run = services.send_reminders(actor=Actor.system(), today=TODAY)
    assert sorted(run.failed) == sorted([items["overdue"].pk, items["soon"].pk])
    assert ActionItem.objects.filter(reminded_at__isnull=False).count() == 0


def test_only_the_system_and_admins_send_reminders(cast: Cast) -> None:
    with pytest.raises(Forbidden):
        services.send_reminders(actor=cast.actor("coordinator"))
    with pytest.raises(InvalidInput):
        services.send_reminders(actor=Actor.system(), days=-1)


def test_the_nightly_command(
    items: dict[str, ActionItem], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["partners", "remind", "--today", TODAY.isoformat()]) == 0
    out = capsys.readouterr().out
    assert "2 sent, 0 already sent today, 1 without an e-mail address, 0 failed" in out
    assert main(["partners", "remind", "--today", TODAY.isoformat()]) == 0
    assert "0 sent, 2 already sent today" in capsys.readouterr().out
    assert main(["partners", "remind", "--days", "999"]) == 2
    assert "between 0 and 365" in capsys.readouterr().err


def test_the_reminders_page(
    items: dict[str, ActionItem], client_for: Callable[[str], Client]
) -> None:
    page = client_for("coordinator").get("/en/partners/reminders/?days=30")
    assert page.status_code == 200
    body = page.content.decode()
    assert 'data-testid="reminders"' in body
    assert "Item due in 30 days" in body
    assert "Alex Provsson" in body
    assert client_for("coordinator").get("/en/partners/reminders/?days=abc").status_code == 400
    assert client_for("coordinator").get("/en/partners/reminders/?days=9999").status_code == 400
