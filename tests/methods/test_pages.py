"""Handbook pages: the permission matrix and wrong, missing, oversized and hostile input
on every form."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from akrim.controls.models import Checklist, Control
from akrim.methods import services
from akrim.methods.models import Adoption, Lesson, LessonStatus, Method, MethodStatus
from tests.cast import Cast
from tests.methods.conftest import BODY

pytestmark = pytest.mark.django_db

Clients = Callable[[str], Client]


def read_urls(method: Method, control: Control) -> list[str]:
    return [
        "/en/methods/",
        "/en/methods/?status=draft",
        f"/en/methods/{method.slug}/",
        f"/en/methods/{method.slug}/versions/1/",
        "/en/methods/lessons/",
        "/en/methods/adoption/",
        "/en/methods/adoption.csv",
    ]


def write_urls(method: Method, control: Control, lesson: Lesson) -> list[str]:
    return [
        "/en/methods/new/",
        f"/en/methods/{method.slug}/revise/",
        f"/en/methods/{method.slug}/status/",
        f"/en/methods/{method.slug}/adoption/",
        f"/en/methods/lessons/new/?control={control.pk}",
        f"/en/methods/lessons/{lesson.pk}/dismiss/",
    ]


@pytest.fixture
def lesson(cast: Cast, carried_out: Control, method: Method) -> Lesson:
    return services.record_lesson(
        actor=cast.actor("skv_inspector"),
        control_id=carried_out.pk,
        worked="Meeting at the police station first.",
        did_not_work="The interpreter was booked by phone too late.",
        methods=[method.pk],
    )


# --- the permission matrix ----------------------------------------------------------------


def test_anonymous_is_sent_to_login(method: Method, carried_out: Control, lesson: Lesson) -> None:
    client = Client()
    for url in read_urls(method, carried_out) + write_urls(method, carried_out, lesson):
        answers = [client.get(url), client.post(url, {})]
        # a page answers one of GET and POST with the login; the other may be 405
        assert {r.status_code for r in answers} <= {302, 405}, url
        logins = [r for r in answers if r.status_code == 302]
        assert logins, url
        assert all("/accounts/login/" in r["Location"] for r in logins), url
    assert Method.objects.get().versions.count() == 1
    assert Lesson.objects.count() == 1


@pytest.mark.parametrize(
    "name", ["skv_inspector", "other_centre", "national_reader", "skv_auditor", "coordinator"]
)
def test_every_member_of_staff_reads_the_handbook(
    client_for: Clients, name: str, method: Method, carried_out: Control
) -> None:
    client = client_for(name)
    for url in read_urls(method, carried_out):
        assert client.get(url).status_code == 200, url
    page = client.get(f"/en/methods/{method.slug}/").content.decode()
    assert "How to plan a joint control" in page
    assert "Brief the team." in page


def test_the_auditor_reads_but_writes_nothing(
    client_for: Clients, method: Method, carried_out: Control, lesson: Lesson
) -> None:
    client = client_for("skv_auditor")
    assert client.get("/en/methods/new/").status_code == 403
    assert client.post("/en/methods/new/", {"title": "T", "body": "B"}).status_code == 403
    assert client.get(f"/en/methods/{method.slug}/revise/").status_code == 403
    revise = client.post(
        f"/en/methods/{method.slug}/revise/", {"base": "1", "body": "x", "summary": "s"}
    )
    assert revise.status_code == 403
    status = client.post(f"/en/methods/{method.slug}/status/", {"to": "tested"})
    assert status.status_code == 403
    # the auditor sees no control, so neither the lesson nor the form to write one
    assert client.get(f"/en/methods/lessons/new/?control={carried_out.pk}").status_code == 404
    assert (
        client.post(f"/en/methods/lessons/{lesson.pk}/dismiss/", {"reason": "r"}).status_code == 404
    )
    page = client.get(f"/en/methods/{method.slug}/").content.decode()
    assert "interpreter was booked" not in page
    assert 'data-testid="revise"' not in page
    assert Method.objects.get().versions.count() == 1
    assert Method.objects.get().status == MethodStatus.DRAFT


def test_another_centre_sees_no_lessons_of_this_centre(
    client_for: Clients, method: Method, carried_out: Control, lesson: Lesson
) -> None:
    client = client_for("other_centre")
    assert client.get(f"/en/methods/lessons/new/?control={carried_out.pk}").status_code == 404
    response = client.post(
        "/en/methods/lessons/new/", {"control": str(carried_out.pk), "worked": "x"}
    )
    assert response.status_code == 404
    assert "interpreter was booked" not in client.get("/en/methods/lessons/").content.decode()
    assert (
        "interpreter was booked" not in client.get(f"/en/methods/{method.slug}/").content.decode()
    )
    assert Lesson.objects.count() == 1


def test_the_centre_sees_the_lesson_on_the_list_and_the_method(
    client_for: Clients, method: Method, lesson: Lesson
) -> None:
    for name in ("skv_analyst", "coordinator"):
        client = client_for(name)
        assert "interpreter was booked" in client.get("/en/methods/lessons/").content.decode()
        page = client.get(f"/en/methods/{method.slug}/").content.decode()
        assert "interpreter was booked" in page
    # only the coordinator gets the dismiss form
    assert "Dismiss" not in client_for("skv_analyst").get("/en/methods/lessons/").content.decode()
    assert "Dismiss" in client_for("coordinator").get("/en/methods/lessons/").content.decode()


def test_same_centre_outside_the_team_gets_no_lesson_form(
    client_for: Clients, carried_out: Control
) -> None:
    client = client_for("skv_analyst")
    assert client.get(f"/en/methods/lessons/new/?control={carried_out.pk}").status_code == 404
    posted = client.post("/en/methods/lessons/new/", {"control": carried_out.pk, "worked": "x"})
    assert posted.status_code == 404
    assert not Lesson.objects.exists()


def test_inspectors_may_not_add_methods(client_for: Clients, method: Method) -> None:
    client = client_for("skv_inspector")
    assert client.get("/en/methods/new/").status_code == 403
    assert 'data-testid="new-method"' not in client.get("/en/methods/").content.decode()
    assert client.get(f"/en/methods/{method.slug}/revise/").status_code == 403


def test_unknown_things_are_not_found(client_for: Clients, method: Method) -> None:
    client = client_for("coordinator")
    assert client.get("/en/methods/no-such-method/").status_code == 404
    assert client.get(f"/en/methods/{method.slug}/versions/7/").status_code == 404
    assert client.get("/en/methods/" + "a" * 81 + "/").status_code == 404
    assert client.get("/en/methods/lessons/new/?control=999999").status_code == 404
    assert client.post("/en/methods/lessons/999999/dismiss/", {"reason": "r"}).status_code == 404


def test_post_only_and_get_only_pages_refuse_other_methods(
    client_for: Clients, method: Method
) -> None:
    client = client_for("coordinator")
    assert client.get(f"/en/methods/{method.slug}/status/").status_code == 405
    assert client.get(f"/en/methods/{method.slug}/adoption/").status_code == 405
    assert client.post("/en/methods/", {}).status_code == 405
    assert client.post("/en/methods/adoption/", {}).status_code == 405


# --- journeys through the pages -------------------------------------------------------------


def test_a_coordinator_adds_revises_and_establishes_through_the_pages(
    client_for: Clients, cast: Cast, lesson: Lesson
) -> None:
    client = client_for("coordinator")
    ledger = Checklist.objects.get(owner__code="SKV", code="personalliggare")
    form = client.get("/en/methods/new/").content.decode()
    assert "Staff-ledger check" in form  # the checklists to choose from
    created = client.post(
        "/en/methods/new/",
        {"title": "Staff-ledger check", "body": "Ask for the ledger.", "checklists": [ledger.pk]},
    )
    assert created.status_code == 302
    method = Method.objects.get(title="Staff-ledger check")
    assert created["Location"] == f"/en/methods/{method.slug}/"
    page = client.get(created["Location"]).content.decode()
    assert f"/en/admin/controls/checklist/{ledger.pk}/change/" in page
    assert "version 1" in page
    revise_form = client.get(f"/en/methods/{method.slug}/revise/").content.decode()
    assert f'value="{lesson.pk}"' in revise_form
    revised = client.post(
        f"/en/methods/{method.slug}/revise/",
        {
            "base": "1",
            "body": "Ask for the ledger at once.",
            "summary": "At once.",
            "checklists": [ledger.pk],
            "lessons": [lesson.pk],
        },
    )
    assert revised.status_code == 302
    lesson.refresh_from_db()
    assert lesson.status == LessonStatus.USED
    diff = client.get(f"/en/methods/{method.slug}/versions/2/").content.decode()
    assert "<del>- Ask for the ledger.</del>" in diff
    assert "<ins>+ Ask for the ledger at once.</ins>" in diff
    for to in ("tested", "established"):
        moved = client.post(f"/en/methods/{method.slug}/status/", {"to": to})
        assert moved.status_code == 302
    page = client.get(f"/en/methods/{method.slug}/").content.decode()
    assert 'data-testid="adoption-form-AV"' in page
    assert 'data-testid="adoption-form-SKV"' not in page
    adopted = client.post(
        f"/en/methods/{method.slug}/adoption/",
        {"agency": "AV", "status": "ordinary", "since": "2025-05-01", "evidence": "Manual ch. 4"},
    )
    assert adopted.status_code == 302
    matrix = client.get("/en/methods/adoption/").content.decode()
    assert "Part of ordinary work" in matrix or "part of ordinary work" in matrix
    assert "2025-05-01" in matrix
    csv = client.get("/en/methods/adoption.csv")
    assert csv["Content-Type"].startswith("text/csv")
    assert "Staff-ledger check,AV,AV,ordinary,2025-05-01" in csv.content.decode()


def test_a_team_member_records_a_lesson_through_the_page(
    client_for: Clients, carried_out: Control, method: Method
) -> None:
    client = client_for("pol_inspector")
    form = client.get(f"/en/methods/lessons/new/?control={carried_out.pk}").content.decode()
    assert method.title in form
    response = client.post(
        "/en/methods/lessons/new/",
        {
            "control": str(carried_out.pk),
            "worked": "Two exits watched.",
            "did_not_work": "",
            "methods": [str(method.pk)],
        },
    )
    assert response.status_code == 302
    row = Lesson.objects.get()
    assert row.author.username == "pol_inspector"
    assert list(row.methods.all()) == [method]


# --- wrong, missing, oversized and hostile input ---------------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Fill in the title"),
        ({"title": "T"}, "Fill in the text"),
        ({"title": "T" * 201, "body": "B"}, "too long"),
        ({"title": "T", "body": "B" * 50_001}, "too long"),
        ({"title": "T", "body": "B", "checklists": "abc"}, "whole number"),
        ({"title": "T", "body": "B", "checklists": "²"}, "whole number"),
        ({"title": "T", "body": "B", "checklists": "9" * 12}, "whole number"),
        ({"title": "T", "body": "B", "checklists": "99999"}, "Unknown checklist"),
        ({"title": "T", "body": "B", "owner_agency": "XXXXXXXXXX"}, "works for AV"),
        ({"title": "T", "body": "B", "owner": "nobody"}, "No active member"),
        ({"title": "T\x00", "body": "B"}, "control characters"),
    ],
)
def test_bad_new_methods_show_the_form_again(
    client_for: Clients, cast: Cast, data: dict[str, Any], message: str
) -> None:
    response = client_for("coordinator").post("/en/methods/new/", data)
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert 'data-testid="method-form"' in page
    assert not Method.objects.exists()


def test_hostile_text_is_shown_as_text(client_for: Clients, carried_out: Control) -> None:
    client = client_for("coordinator")
    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    client.post("/en/methods/new/", {"title": hostile, "body": hostile + "\nline two"})
    method = Method.objects.get()
    page = client.get(f"/en/methods/{method.slug}/").content.decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert" in page
    assert "<img src=x" not in page
    listed = client.get("/en/methods/").content.decode()
    assert "<script>alert" not in listed
    client.post(
        "/en/methods/lessons/new/",
        {"control": carried_out.pk, "worked": hostile, "methods": [method.pk]},
    )
    lessons = client.get("/en/methods/lessons/").content.decode()
    assert "<script>alert" not in lessons
    assert "&lt;script&gt;" in lessons
    # a refused form repeats the input escaped, too
    again = client.post("/en/methods/new/", {"title": hostile, "body": ""})
    assert again.status_code == 400
    assert "<script>alert" not in again.content.decode()


@pytest.mark.parametrize(
    ("data", "status", "message"),
    [
        ({"body": "x", "summary": "s"}, 400, "whole number"),
        ({"base": "one", "body": "x", "summary": "s"}, 400, "whole number"),
        ({"base": "7", "body": "x", "summary": "s"}, 409, "Version 1 was saved"),
        ({"base": "1", "body": "", "summary": "s"}, 400, "Fill in the text"),
        ({"base": "1", "body": "x", "summary": ""}, 400, "Fill in the summary"),
        ({"base": "1", "body": "x", "summary": "s" * 501}, 400, "too long"),
        ({"base": "1", "body": "x", "summary": "s", "lessons": "x"}, 400, "whole number"),
        ({"base": "1", "body": "x", "summary": "s", "lessons": "123456"}, 400, "Unknown lesson"),
        ({"base": "1", "body": BODY, "summary": "s"}, 400, "Nothing changed"),
    ],
)
def test_bad_revisions_are_refused(
    client_for: Clients, method: Method, data: dict[str, Any], status: int, message: str
) -> None:
    response = client_for("coordinator").post(f"/en/methods/{method.slug}/revise/", data)
    assert response.status_code == status
    assert message in response.content.decode()
    assert method.versions.count() == 1


@pytest.mark.parametrize("to", ["", "draft", "established", "x" * 500, "<b>"])
def test_bad_status_moves_are_refused(client_for: Clients, method: Method, to: str) -> None:
    response = client_for("coordinator").post(f"/en/methods/{method.slug}/status/", {"to": to})
    assert response.status_code in (400, 409)
    method.refresh_from_db()
    assert method.status == MethodStatus.DRAFT


@pytest.mark.parametrize(
    ("data", "status"),
    [
        ({"agency": "AV", "status": "ordinary", "evidence": "e"}, 400),  # no date
        ({"agency": "AV", "status": "ordinary", "since": "2025-13-01", "evidence": "e"}, 400),
        ({"agency": "AV", "status": "ordinary", "since": "01/05/2025", "evidence": "e"}, 400),
        ({"agency": "AV", "status": "ordinary", "since": "2999-01-01", "evidence": "e"}, 400),
        ({"agency": "AV", "status": "ordinary", "since": "2025-05-01"}, 400),  # no evidence
        ({"agency": "AV", "status": "done", "since": "2025-05-01"}, 400),
        ({"agency": "", "status": "ordinary", "since": "2025-05-01", "evidence": "e"}, 400),
        ({"agency": "SKV", "status": "ordinary", "since": "2025-05-01", "evidence": "e"}, 403),
        (
            {"agency": "AV", "status": "ordinary", "since": "2025-05-01", "evidence": "e" * 2001},
            400,
        ),
    ],
)
def test_bad_adoption_is_refused(
    client_for: Clients, cast: Cast, method: Method, data: dict[str, Any], status: int
) -> None:
    for to in ("tested", "established"):
        services.move_method_status(actor=cast.actor("coordinator"), method_id=method.pk, to=to)
    response = client_for("coordinator").post(f"/en/methods/{method.slug}/adoption/", data)
    assert response.status_code == status
    assert not Adoption.objects.exists()


def test_adoption_of_a_draft_is_a_conflict(client_for: Clients, method: Method) -> None:
    response = client_for("coordinator").post(
        f"/en/methods/{method.slug}/adoption/",
        {"agency": "AV", "status": "in_progress", "since": "2025-05-01"},
    )
    assert response.status_code == 409
    assert not Adoption.objects.exists()


@pytest.mark.parametrize(
    ("data", "status", "message"),
    [
        ({"worked": "x"}, 400, "whole number"),  # no control
        ({"control": "abc", "worked": "x"}, 400, "whole number"),
        ({"control": "9" * 20, "worked": "x"}, 400, "whole number"),
        ({"control": "-1", "worked": "x"}, 400, "whole number"),
        ({"control": "CONTROL", "worked": "", "did_not_work": ""}, 400, "Write what worked"),
        ({"control": "CONTROL", "worked": "w" * 5001}, 400, "too long"),
        ({"control": "CONTROL", "worked": "x", "methods": "abc"}, 400, "whole number"),
        ({"control": "CONTROL", "worked": "x", "methods": "31337"}, 400, "Unknown method"),
        ({"control": "CONTROL", "worked": "a\x1bb"}, 400, "control characters"),
    ],
)
def test_bad_lessons_are_refused(
    client_for: Clients, carried_out: Control, data: dict[str, Any], status: int, message: str
) -> None:
    if data.get("control") == "CONTROL":
        data = {**data, "control": str(carried_out.pk)}
    response = client_for("skv_inspector").post("/en/methods/lessons/new/", data)
    assert response.status_code == status
    assert message in response.content.decode()
    assert not Lesson.objects.exists()


def test_a_lesson_before_the_control_is_carried_out_is_a_conflict(
    client_for: Clients, world: Any
) -> None:
    from tests.methods.conftest import team_control

    control = team_control(world)
    client = client_for("skv_inspector")
    form = client.get(f"/en/methods/lessons/new/?control={control.pk}")
    assert "once the control has been carried out" in form.content.decode()
    response = client.post("/en/methods/lessons/new/", {"control": control.pk, "worked": "x"})
    assert response.status_code == 409
    assert not Lesson.objects.exists()


def test_dismissing_needs_a_reason(client_for: Clients, lesson: Lesson) -> None:
    client = client_for("coordinator")
    url = f"/en/methods/lessons/{lesson.pk}/dismiss/"
    assert client.post(url, {}).status_code == 400
    assert client.post(url, {"reason": "r" * 501}).status_code == 400
    assert client_for("skv_inspector").post(url, {"reason": "r"}).status_code == 403
    assert client.post(url, {"reason": "Already in the method."}).status_code == 302
    lesson.refresh_from_db()
    assert lesson.status == LessonStatus.DISMISSED
    assert client.post(url, {"reason": "again"}).status_code == 409
    listed = client.get("/en/methods/lessons/?status=dismissed").content.decode()
    assert "Already in the method." in listed


@pytest.mark.parametrize(
    "url",
    [
        "/en/methods/?status=bogus",
        "/en/methods/lessons/?status=bogus",
        "/en/methods/SLUG/versions/1/?old=abc",
    ],
)
def test_bad_filters_are_refused(client_for: Clients, method: Method, url: str) -> None:
    response = client_for("coordinator").get(url.replace("SLUG", method.slug))
    assert response.status_code == 400


def test_the_handbook_list_takes_a_fixed_number_of_queries(
    client_for: Clients, cast: Cast, django_assert_max_num_queries: Any
) -> None:
    client = client_for("coordinator")
    for n in range(3):
        services.create_method(actor=cast.actor("coordinator"), title=f"Method {n}", body=BODY)
    with django_assert_max_num_queries(12) as few:
        client.get("/en/methods/")
    for n in range(3, 15):
        services.create_method(actor=cast.actor("coordinator"), title=f"Method {n}", body=BODY)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get("/en/methods/").content.decode()
    assert "Method 14" in page
    assert client.get("/en/methods/?status=established").content.decode().count("Method 1") == 0


def test_the_open_lesson_count_counts_only_lessons_one_may_see(
    cast: Cast, method: Method, lesson: Lesson
) -> None:
    from akrim.methods import queries

    def count(name: str) -> int:
        return int(queries.list_methods(actor=cast.actor(name)).get().open_lessons)  # type: ignore[attr-defined]

    assert count("coordinator") == 1
    assert count("skv_analyst") == 1
    assert count("other_centre") == 0
    assert count("skv_auditor") == 0


def test_the_method_page_takes_a_fixed_number_of_queries(
    client_for: Clients,
    cast: Cast,
    carried_out: Control,
    established: Method,
    django_assert_max_num_queries: Any,
) -> None:
    client = client_for("coordinator")
    actor = cast.actor("coordinator")

    def grow(n: int) -> None:
        row = services.record_lesson(
            actor=actor, control_id=carried_out.pk, worked=f"w{n}", methods=[established.pk]
        )
        number = established.versions.count()
        services.revise_method(
            actor=actor,
            method_id=established.pk,
            base=number,
            body=f"v{n}",
            summary=f"s{n}",
            lessons=[row.pk],
        )
        services.record_adoption(
            actor=cast.actor("admin"),
            method_id=established.pk,
            agency=["AV", "SKV", "POL"][n % 3],
            status="in_progress",
            since=carried_out.starts_at.date(),
        )

    grow(0)
    url = f"/en/methods/{established.slug}/"
    with django_assert_max_num_queries(40) as few:
        client.get(url)
    for n in range(1, 8):
        grow(n)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(url).content.decode()
    assert "w7" in page
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert "w7" in client.get("/en/methods/lessons/?status=used").content.decode()


def test_acting_on_a_method_reads_no_lessons(
    client_for: Clients, method: Method, lesson: Lesson
) -> None:
    """A POST shows no page: it writes the change's audit entry, not a lessons read."""
    from akrim.audit.models import AuditEntry

    assert lesson.methods.filter(pk=method.pk).exists()
    client = client_for("coordinator")
    assert client.post(f"/en/methods/{method.slug}/status/", {"to": "tested"}).status_code == 302
    assert not AuditEntry.objects.filter(action="methods.lessons_read").exists()
    client.get(f"/en/methods/{method.slug}/")  # showing the page does read them
    assert AuditEntry.objects.filter(action="methods.lessons_read").exists()
