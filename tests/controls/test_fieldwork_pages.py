"""The on-site pages of a control: the hub, the forms, uploads, downloads and the draft
endpoint — permissions, CSRF, hostile input, typed values kept on error, drafts."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from PIL import Image

from akrim.access.models import Condition, DataCategory, LegalBasis, SharingRule
from akrim.audit.models import AuditEntry
from akrim.controls import services
from akrim.controls.models import (
    Attachment,
    ChecklistAnswer,
    Control,
    FormDraft,
    LedgerCheck,
    Observation,
    PersonIndicator,
    PersonMet,
)
from akrim.core.actor import Purpose
from akrim.organisation.models import Agency
from tests.controls.conftest import World

pytestmark = pytest.mark.django_db

Clients = Callable[[str], Client]


@pytest.fixture(autouse=True)
def attachment_dir(settings: Any, tmp_path: Path) -> Path:
    folder = tmp_path / "attachments"
    settings.AKRIM_ATTACHMENT_DIR = folder
    return folder


@pytest.fixture
def control(world: World) -> Control:
    coordinator = world.actor("coordinator")
    planned = world.plan()
    for name in ("skv_inspector", "pol_inspector"):
        services.assign_team_member(actor=coordinator, control_id=planned.pk, username=name)
    return services.mark_prepared(actor=coordinator, control_id=planned.pk)


def url(control: Control, rest: str = "") -> str:
    return f"/en/controls/{control.pk}/field/{rest}"


PERSON = {
    "name_as_written": "Jan Testowy",
    "birth_date": "1990-04-01",
    "stated_nationality": "PL",
    "id_document": "passport",
    "id_document_no": "ZZ0000001",
    "role": "carpenter",
    "stated_pay_sek": "12500",
    "pay_period": "month",
    "stated_hours_per_week": "60",
    "housing_by_employer": "yes",
    "workplace_id": "",
    "note": "",
    "indicator_excessive_overtime": "1",
}


def jpeg() -> bytes:
    image = Image.new("RGB", (30, 30), (10, 120, 10))
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (59.0, 19.0, 48.0)}
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def upload(name: str, data: bytes, content_type: str = "image/jpeg") -> io.BytesIO:
    handle = io.BytesIO(data)
    handle.name = name
    return handle


# --- permissions -----------------------------------------------------------------------


PAGES = [
    "",
    "person/new/",
    "observation/new/",
    "attachment/new/",
    "checklist/personalliggare/",
]


@pytest.mark.parametrize("rest", PAGES)
def test_anonymous_visitors_are_sent_to_log_in(control: Control, rest: str) -> None:
    response = Client().get(url(control, rest))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_anonymous_posts_change_nothing(control: Control) -> None:
    client = Client()
    assert client.post(url(control, "person/new/"), PERSON).status_code == 302
    response = client.post(
        url(control, "draft/person-new/"), json.dumps({"data": {}}), content_type="application/json"
    )
    assert response.status_code == 302
    assert not PersonMet.objects.exists()
    assert not FormDraft.objects.exists()


@pytest.mark.parametrize("rest", [*PAGES, "person/999999/", "attachment/999999/"])
def test_another_centres_inspector_gets_not_found(
    control: Control, client_for: Clients, rest: str
) -> None:
    assert client_for("other_centre").get(url(control, rest)).status_code == 404


def test_a_missing_control_is_not_found(control: Control, client_for: Clients) -> None:
    assert client_for("skv_inspector").get("/en/controls/999999/field/").status_code == 404


def test_a_reader_sees_the_hub_but_not_the_forms(control: Control, client_for: Clients) -> None:
    analyst = client_for("skv_analyst")
    hub = analyst.get(url(control))
    assert hub.status_code == 200
    assert b'data-testid="read-only"' in hub.content
    assert b"field/person/new/" not in hub.content
    assert analyst.get(url(control, "person/new/")).status_code == 403
    assert analyst.post(url(control, "person/new/"), PERSON).status_code == 403
    assert not PersonMet.objects.exists()


def test_the_forms_refuse_outside_the_recording_window(world: World, client_for: Clients) -> None:
    planned = world.plan()
    services.assign_team_member(
        actor=world.actor("coordinator"), control_id=planned.pk, username="skv_inspector"
    )
    client = client_for("skv_inspector")
    response = client.get(url(planned, "person/new/"))
    assert response.status_code == 409
    assert b"is planned" in response.content
    assert client.get(url(planned)).status_code == 200  # the hub still shows, read-only


# --- the hub ---------------------------------------------------------------------------


def test_the_hub_links_every_form_for_a_team_member(control: Control, client_for: Clients) -> None:
    response = client_for("skv_inspector").get(url(control))
    assert response.status_code == 200
    html = response.content.decode()
    assert "akrim/field.css" in html
    assert "akrim/drafts.js" in html
    assert url(control, "person/new/") in html
    place = control.workplaces.get()
    assert url(control, f"ledger/{place.pk}/") in html
    assert url(control, "checklist/personalliggare/") in html
    assert url(control, "observation/new/") in html
    assert url(control, "attachment/new/") in html
    assert "<script>" not in html
    assert "style=" not in html


def test_the_hub_shows_and_audits_people_met(
    world: World, control: Control, client_for: Clients
) -> None:
    person = services.record_person_met(
        actor=world.actor("skv_inspector"),
        control_id=control.pk,
        facts=services.PersonFacts(name_as_written="Jan Testowy", indicators=["deception"]),
    )
    response = client_for("skv_inspector").get(url(control))
    assert b"Jan Testowy" in response.content
    assert b"deception" in response.content
    entry = AuditEntry.objects.filter(action="read", object_type="person_met").latest("seq")
    assert entry.detail["persons_met_shown"] == [person.pk]
    assert "indicators" in entry.fields


def test_pol_sees_skv_people_met_only_with_a_rule_and_the_execution_purpose(
    world: World, control: Control, client_for: Clients
) -> None:
    person = services.record_person_met(
        actor=world.actor("skv_inspector"),
        control_id=control.pk,
        facts=services.PersonFacts(
            name_as_written="Jan Testowy",
            id_document="passport",
            id_document_no="ZZ0000001",
            indicators=["deception"],
        ),
    )
    pol = client_for("pol_inspector")
    pol.post("/en/access/purpose/", {"purpose": "execution"})
    assert b"Jan Testowy" not in pol.get(url(control)).content
    SharingRule.objects.create(
        owner=Agency.objects.get(code="SKV"),
        recipient=Agency.objects.get(code="POL"),
        category=DataCategory.objects.get(code="right_to_work"),
        purpose=Purpose.EXECUTION,
        legal_basis=LegalBasis.objects.get(code="joint_control_duty"),
        condition=Condition.ASSIGNED_TO_CONTROL,
        fields=["name_as_written"],
    )
    html = pol.get(url(control)).content.decode()
    assert "Jan Testowy" in html
    assert "ZZ0000001" not in html  # the document number: a field the rule does not name
    assert "withheld" in html  # the fields the rule does not name
    assert "deception" not in html  # indicators are possible-victim data: not shared
    assert "none that you may see" in html
    assert url(control, f"person/{person.pk}/") not in html  # no change link: not POL's row
    own = client_for("skv_inspector").get(url(control)).content.decode()
    assert "ZZ0000001" in own  # the recording agency sees it: the check above can fail


def test_the_hubs_query_count_does_not_grow_with_the_people_met(
    world: World, control: Control, client_for: Clients
) -> None:
    client = client_for("skv_inspector")
    skv = world.actor("skv_inspector")

    def add(n: int) -> None:
        for i in range(n):
            services.record_person_met(
                actor=skv,
                control_id=control.pk,
                facts=services.PersonFacts(name_as_written=f"Person {i}", indicators=["deception"]),
            )
            services.record_observation(actor=skv, control_id=control.pk, text=f"Note {i}")

    add(2)
    client.get(url(control))
    with CaptureQueriesContext(connection) as few:
        assert client.get(url(control)).status_code == 200
    add(5)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url(control)).status_code == 200
    assert len(many) == len(few), [q["sql"][:120] for q in many.captured_queries]
    assert len(few) <= 50, [q["sql"][:150] for q in few.captured_queries]


# --- the person form -------------------------------------------------------------------


def test_a_person_met_is_added_through_the_form(control: Control, client_for: Clients) -> None:
    client = client_for("skv_inspector")
    page = client.get(url(control, "person/new/"))
    assert page.status_code == 200
    html = page.content.decode()
    for name in ("name_as_written", "birth_date", "stated_pay_sek", "indicator_deception"):
        assert f'for="f-{name}"' in html  # every input has its label
    assert html.count('type="checkbox"') == 11  # the ILO indicators
    response = client.post(url(control, "person/new/"), PERSON)
    assert response.status_code == 302
    assert response["Location"] == url(control) + "?saved=person-new"
    person = PersonMet.objects.get()
    assert (person.owner.code, person.name_as_written, person.stated_pay_sek) == (
        "SKV",
        "Jan Testowy",
        12500,
    )
    assert person.workplace_id == ""  # "not stated" was posted
    assert list(PersonIndicator.objects.values_list("indicator", flat=True)) == [
        "excessive_overtime"
    ]
    hub = client.get(response["Location"])
    assert b'data-draft-saved="person-new"' in hub.content


def test_a_person_met_is_changed_and_removed_through_the_forms(
    world: World, control: Control, client_for: Clients
) -> None:
    client = client_for("skv_inspector")
    client.post(url(control, "person/new/"), PERSON)
    person = PersonMet.objects.get()
    page = client.get(url(control, f"person/{person.pk}/"))
    assert page.status_code == 200
    assert b'value="Jan Testowy"' in page.content
    read = AuditEntry.objects.filter(action="read", object_type="person_met").latest("seq")
    assert read.object_id == str(person.pk)
    assert read.detail["subjects"] == [[f"met:{person.pk}", "SKV"]]
    assert b'name="indicator_excessive_overtime" value="1" checked' in page.content
    changed = {**PERSON, "role": "painter", "indicator_excessive_overtime": ""}
    assert client.post(url(control, f"person/{person.pk}/"), changed).status_code == 302
    person.refresh_from_db()
    assert person.role == "painter"
    assert not PersonIndicator.objects.exists()
    assert client.get(url(control, f"person/{person.pk}/delete/")).status_code == 405
    assert client.post(url(control, f"person/{person.pk}/delete/")).status_code == 302
    assert not PersonMet.objects.exists()


def test_another_agency_cannot_open_or_remove_a_person_met(
    world: World, control: Control, client_for: Clients
) -> None:
    client_for("skv_inspector").post(url(control, "person/new/"), PERSON)
    person = PersonMet.objects.get()
    pol = client_for("pol_inspector")
    assert pol.get(url(control, f"person/{person.pk}/")).status_code == 404
    assert pol.post(url(control, f"person/{person.pk}/delete/")).status_code == 404
    assert PersonMet.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"stated_pay_sek": "abc"}, "stated_pay_sek", "whole number"),
        ({"stated_hours_per_week": "-4"}, "stated_hours_per_week", "whole number"),
        ({"birth_date": "2024-02-30"}, "birth_date", "real date"),
        ({"birth_date": "2999-01-01"}, "birth_date", "future"),
        ({"name_as_written": "N" * 5000}, "name_as_written", "too long"),
        ({"name_as_written": "Jan\x07Testowy"}, "name_as_written", "not allowed"),
        ({"id_document": "<script>"}, "id_document", "Choose one"),
        ({"indicator_bad_luck": "1", "stated_pay_sek": "x"}, "stated_pay_sek", "whole number"),
    ],
)
def test_refused_input_is_shown_beside_its_field_and_typed_values_are_kept(
    control: Control, client_for: Clients, changes: dict[str, str], field: str, message: str
) -> None:
    data = {**PERSON, **changes, "role": "kept <b>role</b>"}
    response = client_for("skv_inspector").post(url(control, "person/new/"), data)
    assert response.status_code == 400
    html = response.content.decode()
    shown = re.search(rf'<p class="ds-validation-message"[^>]*id="e-{field}">([^<]*)</p>', html)
    assert shown is not None
    assert message in shown.group(1)
    assert 'value="kept &lt;b&gt;role&lt;/b&gt;"' in html  # typed, kept, escaped
    assert 'name="indicator_excessive_overtime" value="1" checked' in html
    assert not PersonMet.objects.exists()


def test_script_tags_are_stored_as_typed_and_shown_escaped(
    control: Control, client_for: Clients
) -> None:
    client = client_for("skv_inspector")
    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    response = client.post(url(control, "person/new/"), {**PERSON, "name_as_written": hostile})
    assert response.status_code == 302
    html = client.get(url(control)).content.decode()
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


def test_a_missing_form_field_is_refused_not_crashing(
    control: Control, client_for: Clients
) -> None:
    response = client_for("skv_inspector").post(url(control, "person/new/"), {})
    assert response.status_code == 400
    assert b"Fill in the name as written" in response.content


# --- CSRF ------------------------------------------------------------------------------


def test_posts_need_the_csrf_token(world: World, control: Control) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(User.objects.get(username="skv_inspector"))
    targets = [
        ("person/new/", PERSON),
        ("observation/new/", {"text": "x"}),
        ("draft/observation/", {"clear": "1"}),
    ]
    for rest, data in targets:
        assert client.post(url(control, rest), data).status_code == 403
    assert (
        client.post(url(control, "attachment/new/"), {"file": upload("a.jpg", jpeg())}).status_code
        == 403
    )
    json_post = client.post(
        url(control, "draft/observation/"),
        json.dumps({"data": {"text": "x"}}),
        content_type="application/json",
    )
    assert json_post.status_code == 403
    assert not PersonMet.objects.exists()
    assert not Attachment.objects.exists()
    assert not FormDraft.objects.exists()

    page = client.get(url(control, "observation/new/"))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
    assert token is not None
    saved = client.post(
        url(control, "observation/new/"), {"text": "x", "csrfmiddlewaretoken": token.group(1)}
    )
    assert saved.status_code == 302
    autosave = client.post(
        url(control, "draft/observation/"),
        json.dumps({"data": {"text": "y"}}),
        content_type="application/json",
        headers={"X-CSRFToken": token.group(1)},
    )
    assert autosave.status_code == 200
    assert Observation.objects.count() == 1
    assert FormDraft.objects.count() == 1


# --- ledger, checklist, observation ----------------------------------------------------


def test_the_ledger_form_saves_and_refuses(control: Control, client_for: Clients) -> None:
    client = client_for("skv_inspector")
    place = control.workplaces.get()
    page = client.get(url(control, f"ledger/{place.pk}/"))
    assert page.status_code == 200
    assert page.content.decode().count('type="radio"') == 3
    refused = client.post(
        url(control, f"ledger/{place.pk}/"), {"result": "present", "people_not_recorded": "4"}
    )
    assert refused.status_code == 400
    assert b'id="e-people_not_recorded"' in refused.content
    assert b'value="present" checked' in refused.content
    assert not LedgerCheck.objects.exists()
    saved = client.post(
        url(control, f"ledger/{place.pk}/"),
        {"result": "incomplete", "people_not_recorded": "4", "note": "n"},
    )
    assert saved.status_code == 302
    assert LedgerCheck.objects.get().people_not_recorded == 4
    assert b'value="incomplete" checked' in client.get(url(control, f"ledger/{place.pk}/")).content
    assert client.get(url(control, "ledger/999999/")).status_code == 404


def test_the_checklist_form_saves_and_refuses(control: Control, client_for: Clients) -> None:
    client = client_for("skv_inspector")
    page = client.get(url(control, "checklist/personalliggare/"))
    assert page.status_code == 200
    assert b"Is a staff ledger kept on site?" in page.content
    refused = client.post(
        url(control, "checklist/personalliggare/"), {"ledger_kept": "perhaps", "remarks": "kept"}
    )
    assert refused.status_code == 400
    assert b'id="e-ledger_kept"' in refused.content
    assert b">kept</textarea>" in refused.content
    saved = client.post(
        url(control, "checklist/personalliggare/"),
        {"ledger_kept": "no", "remarks": "Paper ledger only.", "invented": "yes"},
    )
    assert saved.status_code == 302  # fields not on the checklist are not read from a form
    assert ChecklistAnswer.objects.get().answers == {
        "ledger_kept": "no",
        "remarks": "Paper ledger only.",
    }
    assert client.get(url(control, "checklist/arbetsmiljo/")).status_code == 404  # AV's
    assert client.get(url(control, "checklist/no-such-list/")).status_code == 404


def test_the_observation_form(control: Control, client_for: Clients) -> None:
    client = client_for("skv_inspector")
    assert client.post(url(control, "observation/new/"), {"text": ""}).status_code == 400
    assert client.post(url(control, "observation/new/"), {"text": "Seen."}).status_code == 302
    row = Observation.objects.get()
    pol = client_for("pol_inspector")
    assert pol.post(url(control, f"observation/{row.pk}/delete/")).status_code == 404
    assert client.post(url(control, f"observation/{row.pk}/delete/")).status_code == 302
    assert not Observation.objects.exists()


# --- uploads and downloads -------------------------------------------------------------


def test_a_photo_is_uploaded_and_downloaded_as_an_attachment(
    control: Control, client_for: Clients
) -> None:
    client = client_for("skv_inspector")
    assert client.get(url(control, "attachment/new/")).status_code == 200
    response = client.post(
        url(control, "attachment/new/"), {"file": upload("site.jpg", jpeg()), "caption": "Gate"}
    )
    assert response.status_code == 302
    row = Attachment.objects.get()
    download = client.get(url(control, f"attachment/{row.pk}/"))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")
    assert 'filename="site.jpg"' in download["Content-Disposition"]
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Type"] == "image/jpeg"
    assert "sandbox" in download["Content-Security-Policy"]
    body = download.getvalue()
    assert body[:3] == b"\xff\xd8\xff"
    assert b"GPS" not in body
    assert client_for("pol_inspector").get(url(control, f"attachment/{row.pk}/")).status_code == 404
    assert client.post(url(control, f"attachment/{row.pk}/")).status_code == 405


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("photo.jpg", b"<html><script>alert(1)</script></html>", "Only photos"),
        ("setup.jpg", b"MZ\x90\x00" + b"\x00" * 100, "Only photos"),
        ("empty.jpg", b"", "empty"),
    ],
)
def test_a_hostile_upload_is_refused_beside_the_field(
    control: Control, client_for: Clients, name: str, data: bytes, message: str
) -> None:
    response = client_for("skv_inspector").post(
        url(control, "attachment/new/"), {"file": upload(name, data), "caption": "kept caption"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="e-file"' in html
    assert message in html
    assert 'value="kept caption"' in html
    assert not Attachment.objects.exists()


def test_an_upload_without_a_file_is_refused(control: Control, client_for: Clients) -> None:
    response = client_for("skv_inspector").post(url(control, "attachment/new/"), {"caption": "c"})
    assert response.status_code == 400
    assert b"Choose a photo" in response.content


def test_an_oversized_upload_stops_at_the_limit(
    control: Control, client_for: Clients, settings: Any, attachment_dir: Path
) -> None:
    settings.AKRIM_ATTACHMENT_MAX_BYTES = 1000
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 100  # would go to a temporary file without the guard
    big = jpeg() + b"\x00" * 5000
    response = client_for("skv_inspector").post(
        url(control, "attachment/new/"), {"file": upload("big.jpg", big)}
    )
    assert response.status_code == 400
    assert b"too large" in response.content
    assert not Attachment.objects.exists()


# --- drafts ----------------------------------------------------------------------------


def post_json(client: Client, address: str, payload: Any) -> Any:
    return client.post(address, json.dumps(payload), content_type="application/json")


def test_a_draft_is_saved_and_fills_in_the_form_next_time(
    control: Control, client_for: Clients
) -> None:
    client = client_for("skv_inspector")
    address = url(control, "draft/person-new/")
    saved = post_json(client, address, {"data": {"name_as_written": "Half typed", "role": "x"}})
    assert saved.status_code == 200
    assert saved.json()["saved"] is True
    page = client.get(url(control, "person/new/")).content.decode()
    assert 'value="Half typed"' in page
    assert "data-draft-notice" in page
    assert "data-draft-notice hidden" not in page
    assert f'data-draft-url="{address}"' in page
    # Another user's form does not show it.
    other = client_for("pol_inspector").get(url(control, "person/new/")).content.decode()
    assert "Half typed" not in other
    # Saving the form clears the draft.
    assert client.post(url(control, "person/new/"), PERSON).status_code == 302
    assert not FormDraft.objects.exists()


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ("not json", 400, "invalid_input"),
        ("[1, 2]", 400, "invalid_input"),
        (json.dumps({"data": {"note": "x" * 25_000}}), 400, "invalid_input"),
        (json.dumps({"data": {f"f{i}": "" for i in range(60)}}), 400, "invalid_input"),
        (json.dumps({"data": {"note": 1}}), 400, "invalid_input"),
        (json.dumps({"data": "text"}), 400, "invalid_input"),
    ],
)
def test_the_draft_endpoint_refuses_bad_drafts_as_json(
    control: Control, client_for: Clients, body: str, status: int, code: str
) -> None:
    response = client_for("skv_inspector").post(
        url(control, "draft/person-new/"), body, content_type="application/json"
    )
    assert response.status_code == status
    assert response.json()["code"] == code
    assert not FormDraft.objects.exists()


def test_the_draft_endpoint_answers_permissions_as_json(
    control: Control, client_for: Clients
) -> None:
    payload = {"data": {"text": "x"}}
    other = post_json(client_for("other_centre"), url(control, "draft/observation/"), payload)
    assert other.status_code == 404
    assert other.json()["code"] == "not_found"
    analyst = post_json(client_for("skv_analyst"), url(control, "draft/observation/"), payload)
    assert analyst.status_code == 403
    assert client_for("skv_inspector").get(url(control, "draft/observation/")).status_code == 405
    assert client_for("skv_inspector").post(url(control, "draft/Bad Form!/")).status_code == 404


def test_a_draft_is_discarded_without_script_and_returns_only_inside_the_hub(
    control: Control, client_for: Clients
) -> None:
    client = client_for("skv_inspector")
    post_json(client, url(control, "draft/observation/"), {"data": {"text": "old"}})
    back = url(control, "observation/new/")
    response = client.post(url(control, "draft/observation/"), {"clear": "1", "next": back})
    assert (response.status_code, response["Location"]) == (302, back)
    assert not FormDraft.objects.exists()
    evil = client.post(
        url(control, "draft/observation/"), {"clear": "1", "next": "https://evil.example/"}
    )
    assert evil["Location"] == url(control)
    cleared = post_json(client, url(control, "draft/observation/"), {"clear": True})
    assert cleared.json() == {"cleared": True}


def test_the_stylesheet_makes_touch_targets_at_least_44_pixels() -> None:
    from akrim.config import settings as config

    css = (config.SRC_DIR / "core" / "static" / "akrim" / "field.css").read_text()
    assert "min-height: 44px" in css
    assert "min-height: 48px" in css
    script = (config.SRC_DIR / "core" / "static" / "akrim" / "drafts.js").read_text()
    assert "localStorage" in script
    assert "X-CSRFToken" in script
