from __future__ import annotations

import datetime as dt

import pytest

from akrim.audit.models import AuditEntry
from akrim.core.actor import Actor
from akrim.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from akrim.organisation.services import create_staff
from akrim.training import queries, services
from akrim.training.models import Course, Enrolment, Session, add_months
from tests.cast import PASSWORD, Cast
from tests.training.conftest import DAY


def test_the_four_courses_are_seeded(db: None) -> None:
    assert set(Course.objects.values_list("code", flat=True)) >= {
        "trafficking-indicators",
        "staff-ledger-control",
        "joint-control-method",
        "inspector-safety",
    }
    course = Course.objects.get(code="trafficking-indicators")
    assert course.title_en == "Recognising human trafficking for labour"
    assert "POL" in {a.code for a in course.agencies.all()}


def test_only_the_centres_coordinator_plans_sessions(cast: Cast) -> None:
    for name in ("skv_inspector", "other_centre", "skv_auditor"):
        with pytest.raises(Forbidden):
            services.create_session(
                actor=cast.actor(name),
                course="inspector-safety",
                centre="stockholm",
                held_on=DAY,
                capacity=5,
                online=True,
            )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"capacity": 0}, "Capacity"),
        ({"capacity": 10_000}, "Capacity"),
        ({"course": "nope"}, "Unknown course"),
        ({"place": "", "online": False}, "place"),
        ({"place": "x" * 201}, "too long"),
        ({"trainers": ["ghost"]}, "trainer"),
    ],
)
def test_session_input_is_checked(cast: Cast, changes: dict[str, object], message: str) -> None:
    arguments: dict[str, object] = {
        "course": "inspector-safety",
        "centre": "stockholm",
        "held_on": DAY,
        "capacity": 5,
        "place": "Room 1",
    }
    arguments.update(changes)
    with pytest.raises(InvalidInput, match=message):
        services.create_session(actor=cast.actor("coordinator"), **arguments)  # type: ignore[arg-type]


def test_capacity_is_enforced(cast: Cast, session: Session) -> None:
    services.enrol(actor=cast.actor("skv_inspector"), session_id=session.pk)
    services.enrol(actor=cast.actor("skv_analyst"), session_id=session.pk)
    with pytest.raises(Conflict, match="full"):
        services.enrol(actor=cast.actor("coordinator"), session_id=session.pk)
    assert session.enrolments.count() == 2


def test_no_double_enrolment(cast: Cast, session: Session) -> None:
    services.enrol(actor=cast.actor("skv_inspector"), session_id=session.pk)
    with pytest.raises(Conflict, match="already"):
        services.enrol(actor=cast.actor("skv_inspector"), session_id=session.pk)
    assert session.enrolments.count() == 1


def test_other_centre_cannot_enrol(cast: Cast, session: Session) -> None:
    with pytest.raises(NotFound):
        services.enrol(actor=cast.actor("other_centre"), session_id=session.pk)


def test_who_may_record_completion(cast: Cast, session: Session) -> None:
    enrolment = services.enrol(actor=cast.actor("skv_inspector"), session_id=session.pk)
    for name in ("skv_inspector", "skv_analyst", "other_centre", "skv_auditor"):
        with pytest.raises(NotFound):
            services.record_result(
                actor=cast.actor(name), enrolment_id=enrolment.pk, attended=True, completed_on=DAY
            )
    # the session's trainer and the centre's coordinator may
    services.record_result(
        actor=cast.actor("pol_inspector"),
        enrolment_id=enrolment.pk,
        attended=True,
        completed_on=None,
    )
    done = services.record_result(
        actor=cast.actor("coordinator"), enrolment_id=enrolment.pk, attended=True, completed_on=DAY
    )
    assert done.valid_until == dt.date(2027, 3, 10)
    actions = list(
        AuditEntry.objects.filter(action__startswith="training.").values_list("action", flat=True)
    )
    assert actions.count("training.result_recorded") == 2
    assert "training.enrolled" in actions
    assert "training.session_created" in actions


def test_completion_needs_attendance_and_a_date_after_the_session(
    cast: Cast, session: Session
) -> None:
    enrolment = services.enrol(actor=cast.actor("skv_inspector"), session_id=session.pk)
    coordinator = cast.actor("coordinator")
    with pytest.raises(InvalidInput, match="attended"):
        services.record_result(
            actor=coordinator, enrolment_id=enrolment.pk, attended=False, completed_on=DAY
        )
    with pytest.raises(InvalidInput, match="before"):
        services.record_result(
            actor=coordinator,
            enrolment_id=enrolment.pk,
            attended=True,
            completed_on=DAY - dt.timedelta(days=1),
        )
    assert Enrolment.objects.get(pk=enrolment.pk).completed_on is None


def test_validity_and_expiry_as_the_clock_moves(cast: Cast, session: Session) -> None:
    enrolment = services.enrol(actor=cast.actor("skv_inspector"), session_id=session.pk)
    services.record_result(
        actor=cast.actor("coordinator"), enrolment_id=enrolment.pk, attended=True, completed_on=DAY
    )
    enrolment.refresh_from_db()
    assert not enrolment.valid_on(DAY - dt.timedelta(days=1))
    assert enrolment.valid_on(DAY)
    assert enrolment.valid_on(dt.date(2027, 3, 9))
    assert not enrolment.valid_on(dt.date(2027, 3, 10))
    coordinator = cast.actor("coordinator")
    soon = queries.coverage(actor=coordinator, centre="stockholm", day=dt.date(2027, 1, 10))
    assert [e.pk for e in soon.expiring] == [enrolment.pk]
    early = queries.coverage(actor=coordinator, centre="stockholm", day=dt.date(2026, 12, 1))
    assert early.expiring == []
    gone = queries.coverage(actor=coordinator, centre="stockholm", day=dt.date(2027, 3, 10))
    assert gone.expiring == []


def test_add_months_clamps_to_month_end() -> None:
    assert add_months(dt.date(2024, 1, 31), 1) == dt.date(2024, 2, 29)
    assert add_months(dt.date(2024, 11, 30), 14) == dt.date(2026, 1, 30)


def test_staffing_rule_only_by_coordinator_and_once(cast: Cast) -> None:
    with pytest.raises(Forbidden):
        services.add_staffing_rule(
            actor=cast.actor("skv_inspector"),
            centre="stockholm",
            course="inspector-safety",
            name="x",
        )
    with pytest.raises(InvalidInput):
        services.add_staffing_rule(
            actor=cast.actor("coordinator"), centre="stockholm", course="inspector-safety", name=" "
        )
    services.add_staffing_rule(
        actor=cast.actor("coordinator"), centre="stockholm", course="inspector-safety", name="r"
    )
    with pytest.raises(Conflict):
        services.add_staffing_rule(
            actor=cast.actor("coordinator"), centre="stockholm", course="inspector-safety", name="r"
        )


def test_coverage_figures_exactly(cast: Cast, session: Session) -> None:
    # Stockholm inspectors: skv_inspector ('deactivated' is inactive) and one more SKV; POL 1
    create_staff(
        actor=Actor.system(),
        username="skv_inspector_two",
        password=PASSWORD,
        agency="SKV",
        centres=["Stockholm"],
        roles=["inspector"],
    )
    enrolment = services.enrol(actor=cast.actor("skv_inspector"), session_id=session.pk)
    services.record_result(
        actor=cast.actor("coordinator"), enrolment_id=enrolment.pk, attended=True, completed_on=DAY
    )
    result = queries.coverage(
        actor=cast.actor("skv_analyst"), centre="stockholm", day=dt.date(2025, 6, 1)
    )
    rows = {
        (r.agency, r.role): (r.holders, r.staff, r.percent)
        for r in result.rows
        if r.course.code == "trafficking-indicators"
    }
    assert rows == {
        ("SKV", "inspector"): (1, 2, 50),
        ("POL", "inspector"): (0, 1, 0),
        ("SKV", "analyst"): (0, 1, 0),
        ("AV", "coordinator"): (0, 1, 0),
    }
    # not for other centres' staff
    with pytest.raises(NotFound):
        queries.coverage(actor=cast.actor("other_centre"), centre="stockholm")


def test_expiring_names_only_for_coordinators_and_self(cast: Cast, session: Session) -> None:
    enrolment = services.enrol(actor=cast.actor("skv_inspector"), session_id=session.pk)
    services.record_result(
        actor=cast.actor("coordinator"), enrolment_id=enrolment.pk, attended=True, completed_on=DAY
    )
    day = dt.date(2027, 2, 1)
    assert (
        len(queries.coverage(actor=cast.actor("coordinator"), centre="stockholm", day=day).expiring)
        == 1
    )
    assert (
        len(
            queries.coverage(
                actor=cast.actor("skv_inspector"), centre="stockholm", day=day
            ).expiring
        )
        == 1
    )
    assert (
        queries.coverage(actor=cast.actor("pol_inspector"), centre="stockholm", day=day).expiring
        == []
    )
