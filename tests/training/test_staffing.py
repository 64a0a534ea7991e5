"""The staffing warning on a control's page: shown while no team member holds a valid
completion of the rule's course, gone once one does."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.test import Client

from akrim.controls import services as controls
from akrim.training import queries, services
from akrim.training.models import Course
from tests.controls.conftest import World


def test_warning_appears_and_disappears(world: World, client_for: Callable[[str], Client]) -> None:
    coordinator = world.actor("coordinator")
    services.add_staffing_rule(
        actor=coordinator,
        centre="stockholm",
        course="trafficking-indicators",
        name="Every control team includes someone with a valid trafficking-indicator course",
    )
    control = world.plan()
    controls.assign_team_member(actor=coordinator, control_id=control.pk, username="skv_inspector")
    session = services.create_session(
        actor=coordinator,
        course="trafficking-indicators",
        centre="stockholm",
        held_on=dt.date(2025, 3, 1),
        capacity=5,
        online=True,
    )
    # someone in the centre, not on the team, holds the course
    analyst = services.enrol(actor=world.actor("skv_analyst"), session_id=session.pk)
    services.record_result(
        actor=coordinator, enrolment_id=analyst.pk, attended=True, completed_on=dt.date(2025, 3, 1)
    )
    warnings = queries.staffing_warnings(control)
    assert len(warnings) == 1
    assert warnings[0].rule.startswith("Every control team")
    assert warnings[0].who_meets == ["skv_analyst"]
    html = client_for("coordinator").get(f"/en/controls/{control.pk}/").content.decode()
    assert 'data-testid="staffing-warnings"' in html
    assert "Every control team includes someone" in html
    assert "skv_analyst" in html
    # A team member sees that the rule is broken, not who in the centre holds the course.
    member_view = client_for("skv_inspector").get(f"/en/controls/{control.pk}/")
    assert member_view.status_code == 200
    assert 'data-testid="staffing-warnings"' in member_view.content.decode()
    assert "skv_analyst" not in member_view.content.decode()
    assert queries.staffing_warnings(control, names=False)[0].who_meets == []
    # The course is named in the reader's language.
    course = Course.objects.get(code="trafficking-indicators")
    swedish = client_for("coordinator").get(f"/sv/controls/{control.pk}/").content.decode()
    assert course.title_sv in swedish
    assert course.title_en not in swedish

    member = services.enrol(actor=world.actor("skv_inspector"), session_id=session.pk)
    services.record_result(
        actor=coordinator, enrolment_id=member.pk, attended=True, completed_on=dt.date(2025, 3, 1)
    )
    assert queries.staffing_warnings(control) == []
    html = client_for("coordinator").get(f"/en/controls/{control.pk}/").content.decode()
    assert 'data-testid="staffing-warnings"' not in html


def test_expired_completion_does_not_meet_the_rule(world: World) -> None:
    coordinator = world.actor("coordinator")
    services.add_staffing_rule(
        actor=coordinator, centre="stockholm", course="inspector-safety", name="Safety"
    )
    control = world.plan()  # 2025-05-06; inspector safety is valid 12 months
    controls.assign_team_member(actor=coordinator, control_id=control.pk, username="skv_inspector")
    session = services.create_session(
        actor=coordinator,
        course="inspector-safety",
        centre="stockholm",
        held_on=dt.date(2024, 5, 1),
        capacity=5,
        place="Room 2",
    )
    member = services.enrol(actor=world.actor("skv_inspector"), session_id=session.pk)
    services.record_result(
        actor=coordinator, enrolment_id=member.pk, attended=True, completed_on=dt.date(2024, 5, 6)
    )
    assert [w.rule for w in queries.staffing_warnings(control)] == ["Safety"]
    assert queries.staffing_warnings(control)[0].who_meets == []


def test_no_rules_no_warning(world: World) -> None:
    assert queries.staffing_warnings(world.plan()) == []
