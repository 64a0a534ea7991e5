"""A control that starts while the site is closed (by the register's opening hours) is a
conflict the planner must confirm; tips followed up are kept as keys."""

from __future__ import annotations

from typing import Any

import pytest

from akrim.audit.models import AuditEntry
from akrim.controls.models import ControlTip
from akrim.core.errors import Conflict, InvalidInput
from akrim.registry.models import Workplace
from tests.controls.conftest import World, at

pytestmark = pytest.mark.django_db


def office_hours_site() -> Workplace:
    site = Workplace.objects.filter(opening_hours="Mo-Fr 08:00-17:00").order_by("pk").first()
    assert site is not None, "the small world has office-hours sites"
    return site


def test_a_plan_while_the_site_is_closed_must_be_confirmed(world: World) -> None:
    site = office_hours_site()
    sunday_night: dict[str, Any] = {
        "starts_at": at("2025-05-04", 3),
        "ends_at": at("2025-05-04", 5),
    }
    with pytest.raises(Conflict) as refused:
        world.plan(workplaces=[site.workplace_id], **sunday_night)
    assert site.workplace_id in refused.value.message
    assert "Mo-Fr 08:00-17:00" in refused.value.message
    assert "2025-05-04 03:00" in refused.value.message

    control = world.plan(workplaces=[site.workplace_id], outside_opening_hours=True, **sunday_night)
    entry = AuditEntry.objects.filter(action="plan_control", object_id=str(control.pk)).get()
    assert entry.detail["planned_while_closed"] == [site.workplace_id]


def test_a_plan_within_the_opening_hours_needs_no_confirmation(world: World) -> None:
    site = office_hours_site()
    control = world.plan(
        workplaces=[site.workplace_id],
        starts_at=at("2025-05-06", 9),  # a Tuesday
        ends_at=at("2025-05-06", 11),
    )
    entry = AuditEntry.objects.filter(action="plan_control", object_id=str(control.pk)).get()
    assert entry.detail["planned_while_closed"] == []
    assert control.industry == "" or control.industry.isalpha()


def test_tips_are_kept_and_hostile_tip_keys_refused(world: World) -> None:
    control = world.plan(tips=["T-2025-17", " T-2025-17 ", "AV:42"])
    assert sorted(ControlTip.objects.filter(control=control).values_list("tip_id", flat=True)) == [
        "AV:42",
        "T-2025-17",
    ]
    for bad in [["<script>"], ["x" * 41], [f"T{i}" for i in range(21)]]:
        with pytest.raises(InvalidInput, match="tip numbers"):
            world.plan(tips=bad)


def test_the_control_records_the_industry_section_of_its_site(world: World) -> None:
    control = world.plan()
    sni = world.workplace.sni
    assert len(control.industry) == 1
    assert control.industry.isupper()
    assert sni[:2].isdigit()
