"""Every training page for every kind of user (GET)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from akrim.training.models import Enrolment, Session
from tests.cast import Cast
from tests.training.conftest import DAY

NAMES = ("anonymous", "skv_inspector", "pol_inspector", "other_centre", "skv_auditor")
EXPECTED: dict[str, tuple[int, ...]] = {
    "index": (302, 200, 200, 200, 200),
    "session": (302, 200, 200, 404, 404),
    "enrol": (405, 405, 405, 405, 405),
    "record_result": (405, 405, 405, 405, 405),
    "coverage": (302, 200, 200, 200, 404),
    "mine": (302, 200, 200, 200, 200),
    "create_session": (405, 405, 405, 405, 405),
    "add_rule": (405, 405, 405, 405, 405),
    "certificate": (302, 200, 404, 404, 404),
}


@pytest.mark.parametrize("page", sorted(EXPECTED))
def test_matrix(
    page: str, cast: Cast, session: Session, client_for: Callable[[str], Client]
) -> None:
    from akrim.training import services

    enrolment: Enrolment = services.enrol(actor=cast.actor("skv_inspector"), session_id=session.pk)
    services.record_result(
        actor=cast.actor("coordinator"), enrolment_id=enrolment.pk, attended=True, completed_on=DAY
    )
    s, e = session.pk, enrolment.pk
    url = {
        "index": "/en/training/",
        "session": f"/en/training/sessions/{s}/",
        "enrol": f"/en/training/sessions/{s}/enrol/",
        "record_result": f"/en/training/sessions/{s}/enrolments/{e}/",
        "coverage": "/en/training/coverage/",
        "mine": "/en/training/mine/",
        "create_session": "/en/training/sessions/new/",
        "add_rule": "/en/training/rules/new/",
        "certificate": f"/en/training/completions/{e}/certificate.pdf",
    }[page]
    got = tuple(
        (Client() if name == "anonymous" else client_for(name)).get(url).status_code
        for name in NAMES
    )
    assert got == EXPECTED[page]
