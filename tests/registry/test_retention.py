"""Retention per data category: rows past their time are deleted and the purge is logged."""

from __future__ import annotations

import datetime as dt

import pytest

from akrim.access.models import DataCategory
from akrim.audit.models import AuditEntry
from akrim.cli import main
from akrim.core.actor import Actor
from akrim.core.errors import Forbidden
from akrim.registry import models as m
from akrim.registry.retention import purge_expired
from akrim.registry.services import ImportResult
from tests.cast import Cast

pytestmark = pytest.mark.django_db


def test_nothing_is_deleted_without_a_retention_time(imported: ImportResult) -> None:
    before = m.TipRecord.objects.count()
    result = purge_expired(actor=Actor.system(), today=dt.date(2040, 1, 1))
    assert result.total == 0
    assert m.TipRecord.objects.count() == before


def test_moving_the_clock_deletes_exactly_the_expired_rows(imported: ImportResult) -> None:
    DataCategory.objects.filter(code="tip").update(retention_days=365)
    tips = sorted(m.TipRecord.objects.values_list("received_on", flat=True))
    assert len(tips) >= 2
    today = tips[len(tips) // 2] + dt.timedelta(days=365)  # half of them are past their time
    expected = sum(1 for day in tips if day < today - dt.timedelta(days=365))
    assert 0 < expected < len(tips)
    result = purge_expired(actor=Actor.system(), today=today)
    assert result.deleted == {"TipRecord": expected}
    assert m.TipRecord.objects.count() == len(tips) - expected
    assert min(m.TipRecord.objects.values_list("received_on", flat=True)) >= (
        today - dt.timedelta(days=365)
    )
    entry = AuditEntry.objects.get(action="retention_purge")
    assert entry.detail["deleted"] == expected
    assert entry.detail["category"] == "tip"


def test_payroll_months_and_controls_follow_their_categories(imported: ImportResult) -> None:
    DataCategory.objects.filter(code="payroll").update(retention_days=60)
    DataCategory.objects.filter(code="control").update(retention_days=30)
    DataCategory.objects.filter(code="right_to_work").update(retention_days=None)
    before_controls = m.ControlRecord.objects.count()
    result = purge_expired(actor=Actor.system(), today=dt.date(2026, 11, 28))
    assert result.deleted["Payroll"] > 0
    assert not m.Payroll.objects.filter(period__lt="2026-09").exists()
    assert m.Payroll.objects.filter(period="2026-10").exists()
    old_controls = m.ControlRecord.objects.filter(date__lt=dt.date(2026, 10, 29))
    # a control record whose people met are still kept (their own category) stays with them
    assert not old_controls.filter(encounters__isnull=True).exists()
    assert not m.FindingRecord.objects.filter(control__date__lt=dt.date(2026, 10, 29)).exists()
    encounters = m.Encounter.objects.filter(control__date__lt=dt.date(2026, 10, 29))
    assert encounters.exists()  # right_to_work has no retention set here: nothing lost
    assert old_controls.count() == encounters.values("control").distinct().count()
    assert result.deleted["ControlRecord"] == before_controls - m.ControlRecord.objects.count()


def test_only_the_system_or_an_administrator_purges(cast: Cast) -> None:
    with pytest.raises(Forbidden):
        purge_expired(actor=cast.actor("skv_auditor"), today=dt.date(2030, 1, 1))
    assert purge_expired(actor=cast.actor("admin"), today=dt.date(2030, 1, 1)).total == 0


def test_command_line_purge(imported: ImportResult, capsys: pytest.CaptureFixture[str]) -> None:
    DataCategory.objects.filter(code="tip").update(retention_days=1)
    assert main(["retention", "purge", "--today", "2030-01-01"]) == 0
    out = capsys.readouterr().out
    assert "rows deleted" in out
    assert "scoring runs finished before 2028-01-02: 0 runs" in out  # 730 days before
    assert m.TipRecord.objects.count() == 0
