from __future__ import annotations

import datetime as dt
import subprocess
from collections.abc import Callable

import pytest
from django.test import Client

from akrim.training import services
from akrim.training.models import Enrolment, Session
from tests.cast import Cast
from tests.training.conftest import DAY


@pytest.fixture
def completed(cast: Cast, session: Session) -> Enrolment:
    enrolment = services.enrol(actor=cast.actor("skv_inspector"), session_id=session.pk)
    return services.record_result(
        actor=cast.actor("coordinator"), enrolment_id=enrolment.pk, attended=True, completed_on=DAY
    )


def urls(session: Session, completed: Enrolment) -> list[str]:
    return [
        "/en/training/",
        f"/en/training/sessions/{session.pk}/",
        "/en/training/coverage/",
        "/en/training/mine/",
        f"/en/training/completions/{completed.pk}/certificate.pdf",
    ]


def test_anonymous_is_sent_to_login(session: Session, completed: Enrolment) -> None:
    for url in urls(session, completed):
        response = Client().get(url)
        assert response.status_code == 302, url
        assert "/accounts/login/" in response["Location"]
    response = Client().post(f"/en/training/sessions/{session.pk}/enrol/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_pages_for_the_centres_staff(
    client_for: Callable[[str], Client], session: Session, completed: Enrolment
) -> None:
    client = client_for("skv_inspector")
    assert "Recognising human trafficking" in client.get("/en/training/").content.decode()
    titles = [("/en/training/", "Training"), ("/en/training/coverage/", "Training coverage")]
    for url, title in titles:
        assert f"<title>{title} · akrim</title>" in client.get(url).content.decode()
    page = client.get(f"/en/training/sessions/{session.pk}/").content.decode()
    assert "You are enrolled." in page
    coverage = client.get("/en/training/coverage/").content.decode()
    assert 'data-testid="coverage"' in coverage
    assert "certificate.pdf" in client.get("/en/training/mine/").content.decode()


def test_national_readers_choose_the_centre_of_the_coverage(
    client_for: Callable[[str], Client], completed: Enrolment
) -> None:
    national = client_for("national_reader")  # no centre of its own
    first = national.get("/en/training/coverage/")
    assert first.status_code == 200  # the first centre by name, not "no such centre"
    html = first.content.decode()
    assert 'id="coverage-centre"' in html
    assert html.count("<option ") >= 7  # every centre to choose among
    stockholm = national.get("/en/training/coverage/?centre=stockholm").content.decode()
    assert '<option value="stockholm" selected>' in stockholm
    assert 'data-testid="coverage"' in stockholm
    own = client_for("skv_inspector").get("/en/training/coverage/").content.decode()
    assert 'id="coverage-centre"' not in own  # one centre: nothing to choose
    # without a centre and not national: no coverage to see, so no link to it
    link = 'href="/en/training/coverage/"'
    auditor = client_for("skv_auditor")
    assert link not in auditor.get("/en/training/").content.decode()
    assert auditor.get("/en/training/coverage/").status_code == 404
    assert link in national.get("/en/training/").content.decode()


def test_other_centre_sees_no_session_and_no_coverage(
    client_for: Callable[[str], Client], session: Session
) -> None:
    client = client_for("other_centre")
    assert client.get(f"/en/training/sessions/{session.pk}/").status_code == 404
    assert client.post(f"/en/training/sessions/{session.pk}/enrol/").status_code == 404
    assert client.get("/en/training/coverage/?centre=stockholm").status_code == 404
    assert "Recognising" not in client.get("/en/training/").content.decode().split("Sessions")[-1]


def test_enrol_and_record_through_pages(
    client_for: Callable[[str], Client], session: Session
) -> None:
    response = client_for("skv_analyst").post(f"/en/training/sessions/{session.pk}/enrol/")
    assert response.status_code == 302
    again = client_for("skv_analyst").post(f"/en/training/sessions/{session.pk}/enrol/")
    assert again.status_code == 409
    assert "already enrolled" in again.content.decode()
    enrolment = Enrolment.objects.get(session=session)
    url = f"/en/training/sessions/{session.pk}/enrolments/{enrolment.pk}/"
    assert client_for("skv_analyst").post(url, {"attended": "on"}).status_code == 404
    ok = client_for("pol_inspector").post(url, {"attended": "on", "completed_on": "2025-03-11"})
    assert ok.status_code == 302
    enrolment.refresh_from_db()
    assert enrolment.completed_on == dt.date(2025, 3, 11)
    assert enrolment.valid_until == dt.date(2027, 3, 11)


@pytest.mark.parametrize(
    "value",
    ["'; DROP TABLE training_enrolment; --", "2025-13-45", "x" * 5000, "<script>", "2025-03-11T00"],
)
def test_hostile_completion_date_is_400(
    client_for: Callable[[str], Client], cast: Cast, session: Session, value: str
) -> None:
    enrolment = services.enrol(actor=cast.actor("skv_inspector"), session_id=session.pk)
    url = f"/en/training/sessions/{session.pk}/enrolments/{enrolment.pk}/"
    response = client_for("coordinator").post(url, {"attended": "on", "completed_on": value})
    assert response.status_code == 400
    assert "The completion date must be a date like 2025-05-06." in response.content.decode()
    swedish = client_for("coordinator").post(
        url.replace("/en/", "/sv/"), {"attended": "on", "completed_on": value}
    )
    # the field is named in the reader's language too, not only the sentence around it
    assert "Datumet för slutförandet måste vara ett datum som 2025-05-06." in (
        swedish.content.decode()
    )
    enrolment.refresh_from_db()
    assert enrolment.completed_on is None


def test_hostile_centre_on_coverage(client_for: Callable[[str], Client]) -> None:
    client = client_for("skv_inspector")
    response = client.get("/en/training/coverage/?centre=" + "x" * 300)
    assert response.status_code == 400
    assert "Unknown centre." in response.content.decode()
    assert client.get("/en/training/coverage/?centre=<script>").status_code == 404


def test_enrol_needs_post(client_for: Callable[[str], Client], session: Session) -> None:
    assert (
        client_for("skv_inspector").get(f"/en/training/sessions/{session.pk}/enrol/").status_code
        == 405
    )


def test_certificate_pdf(client_for: Callable[[str], Client], completed: Enrolment) -> None:
    for name in ("skv_inspector", "coordinator"):
        response = client_for(name).get(f"/en/training/completions/{completed.pk}/certificate.pdf")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
    text = subprocess.run(
        ["/usr/bin/pdftotext", "-", "-"],
        input=response.content,
        capture_output=True,
        check=True,
    ).stdout.decode()
    text = " ".join(text.split())
    assert "skv_inspector" in text
    assert "Recognising human trafficking for labour" in text
    assert "2027-03-10" in text


def test_others_certificates_are_404(
    client_for: Callable[[str], Client], cast: Cast, session: Session, completed: Enrolment
) -> None:
    url = f"/en/training/completions/{completed.pk}/certificate.pdf"
    for name in ("pol_inspector", "skv_analyst", "other_centre", "skv_auditor"):
        assert client_for(name).get(url).status_code == 404, name
    not_completed = services.enrol(actor=cast.actor("skv_analyst"), session_id=session.pk)
    url = f"/en/training/completions/{not_completed.pk}/certificate.pdf"
    assert client_for("skv_analyst").get(url).status_code == 404


def test_coordinator_plans_a_session_and_a_rule(client_for: Callable[[str], Client]) -> None:
    client = client_for("coordinator")
    form = {
        "course": "inspector-safety",
        "centre": "stockholm",
        "held_on": "2025-04-01",
        "capacity": "12",
        "place": "Room 1",
        "trainers": "pol_inspector",
    }
    response = client.post("/en/training/sessions/new/", form)
    assert response.status_code == 302
    session = Session.objects.get()
    assert session.capacity == 12
    assert [u.username for u in session.trainers.all()] == ["pol_inspector"]
    rule = {"centre": "stockholm", "course": "inspector-safety", "name": "Safety first"}
    assert client.post("/en/training/rules/new/", rule).status_code == 302
    assert "Safety first" in client.get("/en/training/coverage/").content.decode()


@pytest.mark.parametrize(
    ("changes", "status", "message"),
    [
        ({"capacity": "-1"}, 400, "Capacity must be a whole number."),
        ({"capacity": "9" * 50}, 400, "Capacity must be a whole number."),
        ({"capacity": "²"}, 400, "Capacity must be a whole number."),  # a digit to isdigit()
        ({"capacity": "١٢"}, 400, "Capacity must be a whole number."),  # Arabic-Indic digits
        ({"held_on": "<script>"}, 400, "The session date must be a date like 2025-05-06."),
        ({"held_on": ""}, 400, "The session date must be a date like 2025-05-06."),
        ({"course": "x" * 5000}, 400, "Unknown course or centre."),
        ({"trainers": "nobody"}, 400, "Unknown trainer."),
        ({"centre": "syd"}, 403, ""),
    ],
)
def test_hostile_session_form(
    client_for: Callable[[str], Client], changes: dict[str, str], status: int, message: str
) -> None:
    form = {
        "course": "inspector-safety",
        "centre": "stockholm",
        "held_on": "2025-04-01",
        "capacity": "12",
        "online": "on",
    }
    form.update(changes)
    response = client_for("coordinator").post("/en/training/sessions/new/", form)
    assert response.status_code == status
    assert message in response.content.decode()
    assert not Session.objects.exists()


def test_inspector_cannot_plan_sessions_or_rules(client_for: Callable[[str], Client]) -> None:
    client = client_for("skv_inspector")
    form = {"course": "inspector-safety", "centre": "stockholm", "held_on": "2025-04-01"}
    assert client.post("/en/training/sessions/new/", form | {"capacity": "3"}).status_code == 403
    rule = {"centre": "stockholm", "course": "inspector-safety", "name": "x"}
    assert client.post("/en/training/rules/new/", rule).status_code == 403
    assert "Plan a session" not in client.get("/en/training/").content.decode()
