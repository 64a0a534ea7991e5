"""Retention of tips: finished tips past the category's retention go, with their messages;
tips still being worked on stay; a partner's referral keeps its own record."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.utils import timezone

from akrim.access.models import DataCategory
from akrim.audit.models import AuditEntry
from akrim.cli import main
from akrim.core.actor import Actor
from akrim.core.errors import Forbidden
from akrim.tips.models import Message, RateWindow, Status, Tip
from akrim.tips.retention import purge_tips
from tests.cast import Cast

pytestmark = pytest.mark.django_db


def _age(tip: Tip, days: int, status: str) -> None:
    Tip.objects.filter(pk=tip.pk).update(
        received_at=timezone.now() - dt.timedelta(days=days), status=status
    )


def test_finished_tips_past_retention_go_and_open_ones_stay(
    cast: Cast, tip_for: Callable[..., Tip]
) -> None:
    DataCategory.objects.filter(code="tip").update(retention_days=365)
    old_closed, old_open, recent = tip_for(), tip_for(), tip_for()
    Message.objects.create(
        tip=old_closed, direction="out", body_sealed="x", created_at=timezone.now()
    )
    _age(old_closed, 400, Status.CLOSED)
    _age(old_open, 400, Status.TRIAGED)
    _age(recent, 30, Status.CLOSED)
    RateWindow.objects.create(
        key="status", window_start=timezone.now() - dt.timedelta(days=3), count=1
    )

    result = purge_tips(actor=Actor.system(), today=timezone.localdate())

    assert result.tips_deleted == 1
    assert set(Tip.objects.values_list("pk", flat=True)) == {old_open.pk, recent.pk}
    assert not Message.objects.filter(tip_id=old_closed.pk).exists()
    assert result.windows_deleted == 1
    entry = AuditEntry.objects.filter(object_type="tip", action="retention_purge").get()
    assert entry.detail["tips_deleted"] == 1


def test_without_a_retention_nothing_is_deleted_and_only_admins_purge(
    cast: Cast, tip_for: Callable[..., Tip]
) -> None:
    tip = tip_for()
    _age(tip, 5000, Status.CLOSED)
    assert purge_tips(actor=Actor.system(), today=timezone.localdate()).tips_deleted == 0
    for name in ["skv_auditor", "coordinator"]:
        with pytest.raises(Forbidden):
            purge_tips(actor=cast.actor(name), today=timezone.localdate())
    assert Tip.objects.filter(pk=tip.pk).exists()


def test_a_referral_outlives_its_tip(cast: Cast, capsys: pytest.CaptureFixture[str]) -> None:
    from akrim.partners import services as partners
    from akrim.partners.models import Referral

    coordinator = cast.actor("coordinator")
    forum = partners.open_forum(actor=coordinator, centre="stockholm")
    union = partners.create_organisation(
        actor=coordinator, kind="union", name="Demo Union", scope="national"
    )
    partners.set_members(actor=coordinator, forum_id=forum.pk, organisation_ids=[union.pk])
    referral = partners.enter_referral(
        actor=coordinator,
        forum_id=forum.pk,
        fields=partners.ReferralFields(
            organisation_id=union.pk,
            summary="A union reports unpaid wages at a building site.",
            received_at=timezone.now(),
            municipality_code="0180",
        ),
    )
    assert referral.tip is not None
    _age(referral.tip, 800, Status.HANDLED)
    DataCategory.objects.filter(code="tip").update(retention_days=730)

    assert main(["retention", "purge"]) == 0

    assert "tips: 1 finished tips past retention deleted (730 days)" in capsys.readouterr().out
    referral = Referral.objects.get(pk=referral.pk)
    assert referral.tip is None
    assert referral.summary == ""  # the copy of the tip's text went with it
    assert referral.organisation.name == "Demo Union"  # the referral itself stays
