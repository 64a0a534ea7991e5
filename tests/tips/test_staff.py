"""The staff side: who sees which tips, triage and the police alert, registers,
duplicates, selection, controls, replies, closing, statistics."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from akrim.audit.models import AuditEntry, AuditSubject
from akrim.core.actor import Actor
from akrim.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from akrim.organisation.services import create_staff
from akrim.registry.models import TipRecord, Workplace
from akrim.tips import queries, services
from akrim.tips.models import Message, Status, Tip
from tests.cast import PASSWORD, Cast
from tests.tips.conftest import MALMO, STATUS, send_tip, token

pytestmark = pytest.mark.django_db
MakeTip = Callable[..., Tip]


@pytest.fixture
def stockholm_tip(tip_for: MakeTip) -> Tip:
    return tip_for(contact="+46 70 111 11 11")


def _post(client: Client, url: str, data: dict[str, Any]) -> Any:
    return client.post(url, data)


# --- permissions --------------------------------------------------------------------------


def test_anonymous_is_sent_to_the_login(client: Client, stockholm_tip: Tip) -> None:
    for url in ("/en/tips/", f"/en/tips/{stockholm_tip.pk}/", "/en/tips/stats/"):
        response = client.get(url)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
    response = client.post(f"/en/tips/{stockholm_tip.pk}/close/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert Tip.objects.get().status == Status.NEW


@pytest.mark.parametrize("name", ["skv_inspector", "skv_analyst", "pol_inspector", "coordinator"])
def test_members_of_the_centre_see_and_read_its_tips(
    client_for: Callable[[str], Client], stockholm_tip: Tip, name: str
) -> None:
    client = client_for(name)
    assert f"TIP-{stockholm_tip.pk}" in client.get("/en/tips/").content.decode()
    response = client.get(f"/en/tips/{stockholm_tip.pk}/")
    assert response.status_code == 200
    assert "Unpaid wages at a building site" in response.content.decode()


@pytest.mark.parametrize("name", ["other_centre", "national_reader", "admin"])
def test_others_do_not_find_the_tip(
    client_for: Callable[[str], Client], stockholm_tip: Tip, name: str
) -> None:
    client = client_for(name)
    assert f"TIP-{stockholm_tip.pk}" not in client.get("/en/tips/").content.decode()
    assert client.get(f"/en/tips/{stockholm_tip.pk}/").status_code == 404
    assert client.post(f"/en/tips/{stockholm_tip.pk}/close/").status_code == 404
    assert Tip.objects.get().status == Status.NEW


def test_the_auditor_reads_but_changes_nothing(
    client_for: Callable[[str], Client], stockholm_tip: Tip
) -> None:
    client = client_for("skv_auditor")
    assert client.get(f"/en/tips/{stockholm_tip.pk}/").status_code == 200
    for action, data in (
        ("close", {}),
        ("triage", {"category": "wages", "urgency": "high"}),
        ("reply", {"body": "hello"}),
        ("selection", {}),
    ):
        assert client.post(f"/en/tips/{stockholm_tip.pk}/{action}/", data).status_code == 403
    tip = Tip.objects.get()
    assert (tip.status, tip.category) == (Status.NEW, "")


def test_unrouted_tips_wait_on_the_national_queue_for_coordinators(
    client_for: Callable[[str], Client], tip_for: MakeTip
) -> None:
    tip = tip_for(municipality="")
    assert tip.centre is None
    assert client_for("skv_inspector").get(f"/en/tips/{tip.pk}/").status_code == 404
    coordinator = client_for("coordinator")
    listing = coordinator.get("/en/tips/?centre=national").content.decode()
    assert f"TIP-{tip.pk}" in listing
    response = coordinator.post(f"/en/tips/{tip.pk}/route/", {"municipality": MALMO})
    assert response.status_code == 302
    tip.refresh_from_db()
    assert tip.centre is not None
    assert tip.centre.code == "syd"
    # Routed to Syd: no longer the Stockholm coordinator's.
    assert coordinator.get(f"/en/tips/{tip.pk}/").status_code == 404


def test_routing_to_an_unknown_municipality_is_refused(
    client_for: Callable[[str], Client], tip_for: MakeTip
) -> None:
    tip = tip_for(municipality="")
    response = client_for("coordinator").post(f"/en/tips/{tip.pk}/route/", {"municipality": "zz"})
    assert response.status_code == 400


def test_reading_a_tip_is_audited_with_the_sender_as_subject_when_a_contact_is_given(
    cast: Cast, stockholm_tip: Tip, tip_for: MakeTip
) -> None:
    actor = cast.actor("skv_inspector")
    page = queries.get_tip(actor=actor, id=stockholm_tip.pk)
    assert page.contact == "+46 70 111 11 11"
    entry = AuditEntry.objects.filter(action="read", object_type="tip").latest("seq")
    assert entry.object_id == str(stockholm_tip.pk)
    assert entry.username == "skv_inspector"
    assert "contact" in entry.fields
    assert "what" in entry.fields
    assert AuditSubject.objects.filter(entry=entry, person_id=f"tip-{stockholm_tip.pk}").exists()
    anonymous = tip_for()
    queries.get_tip(actor=actor, id=anonymous.pk)
    entry = AuditEntry.objects.filter(action="read", object_type="tip").latest("seq")
    assert not AuditSubject.objects.filter(entry=entry).exists()
    assert "+46 70" not in json.dumps(entry.detail)


def test_the_list_page_uses_a_bounded_number_of_queries(
    client_for: Callable[[str], Client], tip_for: MakeTip, django_assert_max_num_queries: Any
) -> None:
    for _ in range(15):
        tip_for()
    client = client_for("coordinator")
    with django_assert_max_num_queries(14):
        assert client.get("/en/tips/").status_code == 200


# --- triage and the police ----------------------------------------------------------------


def test_triage_sets_category_and_urgency(
    client_for: Callable[[str], Client], stockholm_tip: Tip
) -> None:
    response = client_for("skv_inspector").post(
        f"/en/tips/{stockholm_tip.pk}/triage/", {"category": "wages", "urgency": "high"}
    )
    assert response.status_code == 302
    tip = Tip.objects.get()
    assert (tip.category, tip.urgency, tip.status) == ("wages", "high", Status.TRIAGED)
    assert tip.police_alerted_at is None
    assert not mail.outbox


@pytest.mark.parametrize(
    "data",
    [
        {"category": "", "urgency": "high"},
        {"category": "wages", "urgency": "panic"},
        {"category": "<script>", "urgency": "high"},
        {},
    ],
)
def test_triage_with_unknown_values_is_refused(
    client_for: Callable[[str], Client], stockholm_tip: Tip, data: dict[str, str]
) -> None:
    response = client_for("skv_inspector").post(f"/en/tips/{stockholm_tip.pk}/triage/", data)
    assert response.status_code == 400
    assert Tip.objects.get().category == ""


def test_risk_to_life_alerts_the_centres_police_at_once_and_tops_their_list(
    cast: Cast, tip_for: MakeTip, django_capture_on_commit_callbacks: Any
) -> None:
    create_staff(
        actor=Actor.system(),
        username="pol_stockholm_mail",
        password=PASSWORD,
        agency="POL",
        centres=["Stockholm"],
        roles=["inspector"],
        email="pol.stockholm@example.org",
    )
    create_staff(
        actor=Actor.system(),
        username="pol_syd_mail",
        password=PASSWORD,
        agency="POL",
        centres=["Syd"],
        roles=["inspector"],
        email="pol.syd@example.org",
    )
    create_staff(
        actor=Actor.system(),
        username="skv_mail",
        password=PASSWORD,
        agency="SKV",
        centres=["Stockholm"],
        roles=["inspector"],
        email="skv@example.org",
    )
    older = tip_for(what="Someone locked in a basement")
    tip_for(what="A newer, ordinary tip")
    with django_capture_on_commit_callbacks(execute=True):
        services.triage_tip(
            actor=cast.actor("skv_inspector"),
            tip_id=older.pk,
            category="trafficking",
            urgency="risk_to_life",
        )
    assert len(mail.outbox) == 1
    alert = mail.outbox[0]
    assert alert.to == ["pol.stockholm@example.org"]
    assert "basement" not in alert.body  # no tip text in e-mail
    assert f"/tips/{older.pk}/" in alert.body
    listing = list(queries.list_tips(actor=cast.actor("pol_inspector")))
    assert listing[0].pk == older.pk
    # Saving the triage again does not alert twice.
    with django_capture_on_commit_callbacks(execute=True):
        services.triage_tip(
            actor=cast.actor("skv_inspector"),
            tip_id=older.pk,
            category="trafficking",
            urgency="risk_to_life",
        )
    assert len(mail.outbox) == 1


def test_risk_to_life_needs_a_centre(cast: Cast, tip_for: MakeTip) -> None:
    tip = tip_for(municipality="")
    with pytest.raises(Conflict):
        services.triage_tip(
            actor=cast.actor("coordinator"),
            tip_id=tip.pk,
            category="safety",
            urgency="risk_to_life",
        )


# --- registers, duplicates, selection, controls -------------------------------------------


@pytest.fixture
def site(imported: Any) -> Workplace:
    workplace = Workplace.objects.select_related("company").order_by("workplace_id").first()
    assert workplace is not None
    return workplace


def test_linking_to_a_workplace_sets_company_and_sni_section(
    cast: Cast, stockholm_tip: Tip, site: Workplace, client_for: Callable[[str], Client]
) -> None:
    client = client_for("skv_inspector")
    response = client.post(
        f"/en/tips/{stockholm_tip.pk}/link/", {"kind": "workplace", "key": site.workplace_id}
    )
    assert response.status_code == 302, response.content[:500]
    tip = Tip.objects.get()
    assert tip.workplace_id == site.pk
    assert tip.company_id == site.company_id
    assert tip.sni_section
    assert tip.sni_section.isalpha()
    assert AuditEntry.objects.filter(action="read", object_type="workplace").exists()


@pytest.mark.parametrize(
    "data",
    [
        {"kind": "workplace", "key": "no-such-site"},
        {"kind": "company", "key": "0000000000"},
        {"kind": "person", "key": "19800101-0000"},
        {"kind": "workplace", "key": ""},
        {"kind": "workplace", "key": "x\x00y"},
    ],
)
def test_linking_to_something_unknown_is_refused(
    stockholm_tip: Tip, imported: Any, client_for: Callable[[str], Client], data: dict[str, str]
) -> None:
    response = client_for("skv_inspector").post(f"/en/tips/{stockholm_tip.pk}/link/", data)
    assert response.status_code in (400, 404)
    assert Tip.objects.get().workplace_id is None


def test_linking_to_a_company_by_org_number(
    cast: Cast, stockholm_tip: Tip, site: Workplace
) -> None:
    tip = services.link_register(
        actor=cast.actor("skv_inspector"),
        tip_id=stockholm_tip.pk,
        kind="company",
        key=site.company.org_no_display,
    )
    assert tip.company_id == site.company_id
    assert tip.workplace_id is None


def test_duplicates_are_found_by_org_number_and_by_text_and_can_be_marked(
    cast: Cast, tip_for: MakeTip, client_for: Callable[[str], Client]
) -> None:
    first = tip_for(what="Workers sleep at the car wash on Industrivägen", org_no="556677-8899")
    by_org = tip_for(what="Something else entirely", org_no="5566778899")
    by_text = tip_for(what="People sleep at the car wash, Industrivägen, every night")
    unrelated = tip_for(what="Cleaning company pays nothing")
    old = tip_for(what="Workers sleep at the car wash on Industrivägen")
    Tip.objects.filter(pk=old.pk).update(received_at=timezone.now() - dt.timedelta(days=120))
    page = queries.get_tip(actor=cast.actor("skv_inspector"), id=first.pk)
    found = {t.pk for t in page.candidates}
    assert {by_org.pk, by_text.pk} <= found
    assert unrelated.pk not in found
    assert old.pk not in found
    client = client_for("skv_inspector")
    response = client.post(f"/en/tips/{by_text.pk}/duplicate/", {"of": first.pk})
    assert response.status_code == 302
    by_text.refresh_from_db()
    assert by_text.duplicate_of_id == first.pk
    assert by_text.status == Status.DUPLICATE
    assert services.tip_handled(by_text)
    # Not itself, not a chain, not a tip outside the scope, not garbage.
    assert client.post(f"/en/tips/{first.pk}/duplicate/", {"of": first.pk}).status_code == 400
    assert client.post(f"/en/tips/{first.pk}/duplicate/", {"of": by_text.pk}).status_code == 409
    malmo = tip_for(municipality=MALMO)
    assert client.post(f"/en/tips/{first.pk}/duplicate/", {"of": malmo.pk}).status_code == 404
    assert client.post(f"/en/tips/{first.pk}/duplicate/", {"of": "1; drop"}).status_code == 400


def test_use_for_selection_gives_the_targeting_engine_a_tip_record(
    cast: Cast, stockholm_tip: Tip, site: Workplace
) -> None:
    actor = cast.actor("skv_inspector")
    with pytest.raises(Conflict):
        services.use_for_selection(actor=actor, tip_id=stockholm_tip.pk)
    services.link_register(
        actor=actor, tip_id=stockholm_tip.pk, kind="workplace", key=site.workplace_id
    )
    services.triage_tip(actor=actor, tip_id=stockholm_tip.pk, category="wages", urgency="normal")
    tip = services.use_for_selection(actor=actor, tip_id=stockholm_tip.pk)
    record = TipRecord.objects.get(tip_id=tip.key)
    assert record.owner_id == site.owner_id
    assert record.workplace_id == site.pk
    assert record.category == "wages"
    assert tip.status == Status.HANDLED
    assert services.tip_handled(tip)
    from akrim.targeting.frames import register_frames

    frames = register_frames(owner=site.owner.code)
    assert tip.key in frames["tips"].get_column("tip_id").to_list()
    # Twice is harmless.
    services.use_for_selection(actor=actor, tip_id=stockholm_tip.pk)
    assert TipRecord.objects.filter(tip_id=tip.key).count() == 1


def test_the_detail_page_links_to_planning_a_control_with_workplace_and_tip(
    cast: Cast, stockholm_tip: Tip, site: Workplace, client_for: Callable[[str], Client]
) -> None:
    services.link_register(
        actor=cast.actor("skv_inspector"),  # the registers' owner links it
        tip_id=stockholm_tip.pk,
        kind="workplace",
        key=site.workplace_id,
    )
    html = client_for("coordinator").get(f"/en/tips/{stockholm_tip.pk}/").content.decode()
    assert (
        f"/en/controls/new/?workplace={site.workplace_id}&amp;tips=TIP-{stockholm_tip.pk}" in html
    )
    plan = client_for("coordinator").get(
        f"/en/controls/new/?workplace={site.workplace_id}&tips=TIP-{stockholm_tip.pk}"
    )
    form = plan.content.decode()
    assert f'name="tips" value="TIP-{stockholm_tip.pk}"' in form  # the form starts with the tip
    assert site.workplace_id in form
    # an inspector handles the tip but cannot plan: no link that would only refuse
    inspector = client_for("skv_inspector").get(f"/en/tips/{stockholm_tip.pk}/")
    assert inspector.status_code == 200
    assert 'data-testid="plan-control"' not in inspector.content.decode()
    assert 'data-testid="plan-control"' in html


def test_a_control_that_names_the_tip_is_recorded_and_counted(
    cast: Cast, stockholm_tip: Tip, site: Workplace
) -> None:
    from akrim.controls.models import Control, ControlTip

    assert stockholm_tip.centre is not None
    control = Control.objects.create(
        centre=stockholm_tip.centre,
        lead_agency_id=1,
        starts_at=timezone.now(),
        ends_at=timezone.now() + dt.timedelta(hours=2),
    )
    actor = cast.actor("skv_inspector")
    with pytest.raises(NotFound):
        services.link_control(actor=actor, tip_id=stockholm_tip.pk, control_id=control.pk)
    ControlTip.objects.create(control=control, tip_id=stockholm_tip.key)
    assert services.tip_handled(stockholm_tip)
    year = timezone.localdate().year
    rows = {r.centre: r for r in queries.tip_statistics(actor=actor, year=year)}
    assert rows["stockholm"].received == 1
    assert rows["stockholm"].led_to_control == 1
    assert rows["stockholm"].control_found == 0
    tip = services.link_control(actor=actor, tip_id=stockholm_tip.pk, control_id=control.pk)
    assert tip.control_id == control.pk
    assert tip.status == Status.HANDLED


# --- replies and closing ------------------------------------------------------------------


def test_a_reply_is_read_by_the_sender_with_the_receipt_code(
    client_for: Callable[[str], Client], sent: tuple[Tip, str]
) -> None:
    tip, code = sent
    staff = client_for("pol_inspector")
    response = staff.post(f"/en/tips/{tip.pk}/reply/", {"body": "Thank you, we will look into it."})
    assert response.status_code == 302
    message = Message.objects.get()
    assert message.direction == "out"
    assert message.author is not None
    public = Client()
    html = public.post(STATUS, {"token": token("status"), "code": code}).content.decode()
    assert "Thank you, we will look into it." in html
    assert "pol_inspector" not in html  # the sender does not learn who answered


@pytest.mark.parametrize("body", ["", " ", "x" * 4001, "bad \x07 bell"])
def test_an_empty_too_long_or_hostile_reply_is_refused(
    client_for: Callable[[str], Client], sent: tuple[Tip, str], body: str
) -> None:
    tip, _code = sent
    response = client_for("pol_inspector").post(f"/en/tips/{tip.pk}/reply/", {"body": body})
    assert response.status_code == 400
    assert not Message.objects.exists()


def test_a_tip_without_receipt_code_cannot_be_answered(cast: Cast, stockholm_tip: Tip) -> None:
    with pytest.raises(Conflict):
        services.reply(actor=cast.actor("skv_inspector"), tip_id=stockholm_tip.pk, body="hi")


def test_closing_a_tip(client_for: Callable[[str], Client], stockholm_tip: Tip) -> None:
    client = client_for("skv_analyst")
    assert client.post(f"/en/tips/{stockholm_tip.pk}/close/").status_code == 302
    tip = Tip.objects.get()
    assert tip.status == Status.CLOSED
    assert tip.closed_at is not None
    assert services.tip_handled(tip)
    assert client.post(f"/en/tips/{stockholm_tip.pk}/close/").status_code == 409
    assert client.get(f"/en/tips/{stockholm_tip.pk}/close/").status_code == 405


# --- create_tip (for partners and staff) --------------------------------------------------


def test_create_tip_checks_who_and_what(cast: Cast) -> None:
    with pytest.raises(Forbidden):
        services.create_tip(cast.actor("national_reader"), source="staff", what="x")
    with pytest.raises(InvalidInput):
        services.create_tip(cast.actor("skv_inspector"), source="staff", what="")
    with pytest.raises(InvalidInput):
        services.create_tip(cast.actor("skv_inspector"), source="mail", what="x")
    with pytest.raises(InvalidInput):
        services.create_tip(cast.actor("skv_inspector"), source="staff", what="x", org_no="12")
    with pytest.raises(InvalidInput):
        services.create_tip(
            cast.actor("skv_inspector"), source="staff", what="x", municipality_code="9999"
        )
    tip = services.create_tip(
        cast.actor("skv_inspector"),
        source="partner",
        what="Referral from the union",
        municipality_code="0180",
        org_no="556677-8899",
    )
    assert tip.source == "partner"
    assert tip.centre is not None
    assert not tip.code_hash
    assert AuditEntry.objects.filter(action="create_tip", object_id=str(tip.pk)).exists()


# --- statistics ---------------------------------------------------------------------------


def test_statistics_page_and_command(
    client_for: Callable[[str], Client],
    tip_for: MakeTip,
    cast: Cast,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from akrim.cli import main

    tip_for()
    closed = tip_for()
    tip_for(municipality=MALMO)
    services.close_tip(actor=cast.actor("coordinator"), tip_id=closed.pk)
    year = timezone.localdate().year
    response = client_for("national_reader").get(f"/en/tips/stats/?year={year}")
    assert response.status_code == 200
    assert "tip-stats" in response.content.decode()
    assert main(["stats", "tips", "--year", str(year), "--json"]) == 0
    figures = json.loads(capsys.readouterr().out)
    rows = {r["centre"]: r for r in figures["centres"]}
    assert rows["stockholm"]["tips_in"] == 2
    assert rows["stockholm"]["handled"] == 1
    assert rows["syd"]["tips_in"] == 1
    assert rows["syd"]["handled"] == 0
    assert main(["stats", "tips", "--year", str(year - 1), "--json"]) == 0
    assert all(r["tips_in"] == 0 for r in json.loads(capsys.readouterr().out)["centres"])
    assert main(["stats", "tips", "--year", "nope"]) == 2
    assert client_for("skv_inspector").get("/en/tips/stats/?year=20x5").status_code == 400


def test_statistics_hold_no_tip_text(
    client_for: Callable[[str], Client], sent: tuple[Tip, str]
) -> None:
    html = client_for("coordinator").get("/en/tips/stats/").content.decode()
    assert "restaurant" not in html


def test_a_sent_tip_reaches_the_centre_list(
    client_for: Callable[[str], Client], public: Client
) -> None:
    send_tip(public)
    assert "TIP-" in client_for("skv_inspector").get("/en/tips/").content.decode()


def test_an_attachment_is_served_decrypted_to_the_centre_only_and_audited(
    client_for: Callable[[str], Client], public: Client
) -> None:
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), "blue").save(out, "PNG")
    upload = SimpleUploadedFile("p.png", out.getvalue(), content_type="image/png")
    assert send_tip(public, attachment=upload).status_code == 200
    tip = Tip.objects.get()
    attachment = tip.attachments.get()
    url = f"/en/tips/{tip.pk}/attachments/{attachment.pk}/"
    response = client_for("skv_inspector").get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response.content.startswith(b"\x89PNG")
    assert "attachment;" in response["Content-Disposition"]
    assert AuditEntry.objects.filter(object_type="tip_attachment").exists()
    assert client_for("other_centre").get(url).status_code == 404
    assert client_for("skv_inspector").get(f"/en/tips/{tip.pk}/attachments/999/").status_code == 404


@pytest.mark.parametrize(
    "query", ["?status=bogus", "?status=%00", "?centre=" + "x" * 500, "?centre=national&status=new"]
)
def test_the_list_takes_hostile_filters_calmly(
    client_for: Callable[[str], Client], stockholm_tip: Tip, query: str
) -> None:
    response = client_for("coordinator").get("/en/tips/" + query)
    assert response.status_code in (200, 400)
    if "bogus" in query or "%00" in query:
        assert response.status_code == 400
    assert f"TIP-{stockholm_tip.pk}" not in response.content.decode()


@pytest.mark.parametrize("control", ["", "abc", "1" * 40, "-1"])
def test_recording_a_control_needs_a_number(
    client_for: Callable[[str], Client], stockholm_tip: Tip, control: str
) -> None:
    response = client_for("coordinator").post(
        f"/en/tips/{stockholm_tip.pk}/control/", {"control": control}
    )
    assert response.status_code == 400
    assert Tip.objects.get().control_id is None


def test_a_control_elsewhere_cannot_claim_a_centres_tip(
    cast: Cast, stockholm_tip: Tip, tip_for: MakeTip, site: Workplace
) -> None:
    """Planning names TIP- keys only of the planning centre's tips (or unrouted ones), and
    a tip links only to a control of its own centre."""
    from akrim.controls import services as controls
    from akrim.controls.models import Control, ControlTip
    from akrim.organisation.models import Centre
    from tests.controls.conftest import at

    create: dict[str, Any] = {
        "centre": "stockholm",
        "lead_agency": "AV",
        "agencies": ["AV", "POL", "SKV"],
        "workplaces": [site.workplace_id],
        "starts_at": at("2025-05-06", 8),
        "ends_at": at("2025-05-06", 12),
        "purpose": "A check.",
        "outside_opening_hours": True,
    }
    coordinator = cast.actor("coordinator")
    syd_tip = tip_for(municipality="1280")  # Malmö: centre Syd
    with pytest.raises(InvalidInput, match=f"no tip TIP-{syd_tip.pk} at this centre"):
        controls.plan_control(actor=coordinator, tips=[f"TIP-{syd_tip.pk}"], **create)
    with pytest.raises(InvalidInput, match="no tip TIP-999999"):
        controls.plan_control(actor=coordinator, tips=["TIP-999999"], **create)
    control = controls.plan_control(actor=coordinator, tips=[stockholm_tip.key], **create)
    assert list(control.tips.values_list("tip_id", flat=True)) == [stockholm_tip.key]
    # a Syd control that names a Stockholm tip (made directly) does not link to it
    other = Control.objects.create(
        centre=Centre.objects.get(code="syd"),
        lead_agency_id=control.lead_agency_id,
        starts_at=timezone.now(),
        ends_at=timezone.now() + dt.timedelta(hours=2),
    )
    ControlTip.objects.create(control=other, tip_id=stockholm_tip.key)
    with pytest.raises(NotFound):
        services.link_control(
            actor=cast.actor("skv_inspector"), tip_id=stockholm_tip.pk, control_id=other.pk
        )


def test_a_tip_with_duplicates_cannot_become_one(
    cast: Cast, stockholm_tip: Tip, tip_for: MakeTip
) -> None:
    actor = cast.actor("skv_inspector")
    first, third = tip_for(), tip_for()
    services.mark_duplicate(actor=actor, tip_id=stockholm_tip.pk, of_id=first.pk)
    with pytest.raises(Conflict, match="Other tips are duplicates of this one"):
        services.mark_duplicate(actor=actor, tip_id=first.pk, of_id=third.pk)


@pytest.mark.parametrize("odd", ["²", "١٢"])
def test_digits_python_takes_for_digits_are_refused_not_a_server_error(
    stockholm_tip: Tip, client_for: Callable[[str], Client], odd: str
) -> None:
    client = client_for("coordinator")
    for action, field in (("duplicate", "of"), ("control", "control")):
        response = client.post(f"/en/tips/{stockholm_tip.pk}/{action}/", {field: odd})
        assert response.status_code == 400, action
