"""Training pages in Swedish: course titles, centre names and role names, not codes."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from akrim.core.actor import Actor
from akrim.organisation.services import create_staff
from akrim.training.models import Course, Session
from tests.cast import PASSWORD

pytestmark = pytest.mark.django_db

SV_TITLE = "Att känna igen människohandel för arbetskraftsexploatering"
EN_TITLE = "Recognising human trafficking for labour"


def test_the_course_title_follows_the_language(
    client_for: Callable[[str], Client], session: Session
) -> None:
    client = client_for("coordinator")
    swedish = client.get("/sv/training/").content.decode()
    assert f'<option value="trafficking-indicators">{SV_TITLE}</option>' in swedish
    assert EN_TITLE not in swedish  # neither in the form nor in the list of sessions
    english = client.get("/en/training/").content.decode()
    assert f'<option value="trafficking-indicators">{EN_TITLE}</option>' in english
    assert SV_TITLE not in english
    page = client.get(f"/sv/training/sessions/{session.pk}/").content.decode()
    assert SV_TITLE in page
    assert EN_TITLE not in page


def test_the_centre_is_offered_by_its_name(
    client_for: Callable[[str], Client], cast: object
) -> None:
    page = client_for("coordinator").get("/sv/training/").content.decode()
    assert '<option value="stockholm">Stockholm</option>' in page
    assert ">stockholm</option>" not in page


def test_the_roles_a_course_is_for_are_named(
    client_for: Callable[[str], Client], cast: object
) -> None:
    Course.objects.filter(code="inspector-safety").update(
        target_roles=["inspector", "national_reader", "dp_auditor"]
    )
    client = client_for("coordinator")
    english = client.get("/en/training/").content.decode()
    assert "inspector, national reader, data-protection auditor" in english
    swedish = client.get("/sv/training/").content.decode()
    assert "national_reader" not in swedish
    assert "dp_auditor" not in swedish


def test_coverage_names_courses_roles_and_the_centre(
    client_for: Callable[[str], Client], cast: object
) -> None:
    create_staff(
        actor=Actor.system(),
        username="stockholm_auditor",
        password=PASSWORD,
        agency="SKV",
        centres=["Stockholm"],
        roles=["dp_auditor"],
    )
    Course.objects.filter(code="staff-ledger-control").update(
        target_roles=["inspector", "dp_auditor"]
    )
    client = client_for("coordinator")
    swedish = client.get("/sv/training/coverage/").content.decode()
    table = swedish.split('data-testid="coverage"')[1].split("</table>")[0]
    assert '<th scope="row">Kontroll av personalliggare</th>' in table
    assert "Staff-ledger control" not in swedish  # nor in the staffing-rule form
    assert "dp_auditor" not in table
    assert "· Stockholm</h1>" in swedish
    english = client.get("/en/training/coverage/").content.decode()
    assert "<td>data-protection auditor</td>" in english
    assert "Kontroll av personalliggare" not in english
