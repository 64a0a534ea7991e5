"""Named training records are audited when shown to others; a completion is recorded
only through its own session."""

from __future__ import annotations

import pytest
from django.test import Client

from akrim.audit.models import AuditEntry
from akrim.core.errors import NotFound
from akrim.training import queries, services
from akrim.training.models import Session
from tests.cast import Cast
from tests.training.conftest import DAY

pytestmark = pytest.mark.django_db


def test_a_result_is_recorded_only_through_its_own_session(cast: Cast, session: Session) -> None:
    enrolment = services.enrol(actor=cast.actor("skv_inspector"), session_id=session.pk)
    other = services.create_session(
        actor=cast.actor("coordinator"),
        course="trafficking-indicators",
        centre="stockholm",
        held_on=DAY,
        capacity=2,
        place="Elsewhere",
    )
    with pytest.raises(NotFound):
        services.record_result(
            actor=cast.actor("coordinator"),
            enrolment_id=enrolment.pk,
            session_id=other.pk,
            attended=True,
            completed_on=DAY,
        )
    done = services.record_result(
        actor=cast.actor("coordinator"),
        enrolment_id=enrolment.pk,
        session_id=session.pk,
        attended=True,
        completed_on=DAY,
    )
    assert done.completed_on == DAY


def test_reads_naming_other_staff_are_audited_and_ones_own_are_not(
    cast: Cast, session: Session
) -> None:
    enrolment = services.enrol(actor=cast.actor("skv_inspector"), session_id=session.pk)
    services.record_result(
        actor=cast.actor("coordinator"), enrolment_id=enrolment.pk, attended=True, completed_on=DAY
    )
    queries.session_page(actor=cast.actor("skv_inspector"), id=session.pk)
    assert not AuditEntry.objects.filter(action="training.session_read").exists()
    queries.session_page(actor=cast.actor("coordinator"), id=session.pk)
    entry = AuditEntry.objects.get(action="training.session_read")
    assert entry.detail["users"] == ["skv_inspector"]
    pdf = Client()
    pdf.force_login(cast.user("coordinator"))
    response = pdf.get(f"/en/training/completions/{enrolment.pk}/certificate.pdf")
    assert response.status_code == 200
    read = AuditEntry.objects.get(action="training.certificate_read")
    assert read.detail["user"] == "skv_inspector"
    assert read.username == "coordinator"
