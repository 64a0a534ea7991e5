"""Break-the-glass: second factor and reason, one record, 60 minutes, flagged, reviewed."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from akrim.access import services
from akrim.access.models import BreakGlassAccess, ReviewTask
from akrim.audit.models import AuditEntry
from akrim.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from akrim.registry import queries
from akrim.registry.models import Company
from akrim.registry.services import ImportResult
from tests.cast import Cast

pytestmark = pytest.mark.django_db

REASON = "Police patrol on site now reports a suspected trafficking victim at this firm."


def code_for(device: TOTPDevice) -> str:
    device.refresh_from_db()
    device.throttle_reset()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():06d}"


@pytest.fixture
def pol_device(cast: Cast) -> TOTPDevice:
    return TOTPDevice.objects.create(user=cast.user("pol_inspector"), name="app", confirmed=True)


@pytest.fixture
def companies(imported: ImportResult) -> list[Company]:
    return list(Company.objects.filter(payroll__isnull=False).distinct()[:2])


def test_needs_a_confirmed_second_factor_a_code_and_a_reason(
    cast: Cast, companies: list[Company]
) -> None:
    actor, org_no = cast.actor("pol_inspector"), companies[0].org_no
    with pytest.raises(InvalidInput, match="two-factor"):
        services.break_the_glass(
            actor=actor, object_type="company", key=org_no, reason=REASON, code="123456"
        )
    device = TOTPDevice.objects.create(user=cast.user("pol_inspector"), name="a", confirmed=True)
    wrong = "000000" if code_for(device) != "000000" else "111111"
    with pytest.raises(InvalidInput, match="wrong"):
        services.break_the_glass(
            actor=actor, object_type="company", key=org_no, reason=REASON, code=wrong
        )
    with pytest.raises(InvalidInput, match="reason"):
        services.break_the_glass(
            actor=actor, object_type="company", key=org_no, reason="because", code=code_for(device)
        )
    with pytest.raises(InvalidInput, match="minutes"):
        services.break_the_glass(
            actor=actor,
            object_type="company",
            key=org_no,
            reason=REASON,
            code=code_for(device),
            minutes=61,
        )
    with pytest.raises(Forbidden):
        services.break_the_glass(
            actor=cast.actor("admin"),
            object_type="company",
            key=org_no,
            reason=REASON,
            code="123456",
        )
    assert not BreakGlassAccess.objects.exists()


def test_opens_one_record_for_an_hour_flagged_and_reviewed(
    cast: Cast, companies: list[Company], pol_device: TOTPDevice, monkeypatch: Any
) -> None:
    actor = cast.actor("pol_inspector")
    target, other = companies
    with pytest.raises(NotFound):
        queries.get_company(actor=actor, org_no=target.org_no)
    opened = services.break_the_glass(
        actor=actor,
        object_type="company",
        key=target.org_no_display,
        reason=REASON,
        code=code_for(pol_device),
    )
    assert [a.owner.code for a in opened] == ["SKV"]
    detail = queries.get_company(actor=actor, org_no=target.org_no)
    assert detail.shown.grant.break_glass_id == opened[0].pk
    assert detail.payroll  # what hangs on the record opens with it
    with pytest.raises(NotFound):
        queries.get_company(actor=actor, org_no=other.org_no)
    read = AuditEntry.objects.filter(action="read", object_id=target.org_no).latest("seq")
    assert read.detail["break_glass"] == opened[0].pk
    assert read.detail["legal_basis"] == "break_the_glass"
    opening = AuditEntry.objects.get(action="break_the_glass")
    assert opening.detail["reason"] == REASON
    assert opening.object_owner == "SKV"

    later = timezone.now() + dt.timedelta(minutes=61)
    monkeypatch.setattr(timezone, "now", lambda: later)
    with pytest.raises(NotFound):
        queries.get_company(actor=actor, org_no=target.org_no)


def test_owning_agencys_auditor_reviews_once(
    cast: Cast, companies: list[Company], pol_device: TOTPDevice
) -> None:
    services.break_the_glass(
        actor=cast.actor("pol_inspector"),
        object_type="company",
        key=companies[0].org_no,
        reason=REASON,
        code=code_for(pol_device),
    )
    task = ReviewTask.objects.get()
    assert task.owner.code == "SKV"
    assert task.status == "open"
    with pytest.raises(Forbidden):
        services.review_break_glass(
            actor=cast.actor("skv_inspector"), task_id=task.pk, verdict="justified", note=""
        )
    with pytest.raises(InvalidInput):
        services.review_break_glass(
            actor=cast.actor("skv_auditor"), task_id=task.pk, verdict="maybe", note=""
        )
    done = services.review_break_glass(
        actor=cast.actor("skv_auditor"),
        task_id=task.pk,
        verdict="justified",
        note="Confirmed with the police.",
    )
    assert done.status == "justified"
    assert done.reviewed_by == cast.user("skv_auditor")
    with pytest.raises(Conflict):
        services.review_break_glass(
            actor=cast.actor("skv_auditor"), task_id=task.pk, verdict="unjustified", note=""
        )


def test_nothing_to_open_when_no_other_agency_holds_the_key(
    cast: Cast, companies: list[Company], pol_device: TOTPDevice
) -> None:
    with pytest.raises(NotFound):
        services.break_the_glass(
            actor=cast.actor("pol_inspector"),
            object_type="company",
            key="5569999999",
            reason=REASON,
            code=code_for(pol_device),
        )
    skv = TOTPDevice.objects.create(user=cast.user("skv_inspector"), name="a", confirmed=True)
    with pytest.raises(NotFound):  # own agency's records need no emergency access
        services.break_the_glass(
            actor=cast.actor("skv_inspector"),
            object_type="company",
            key=companies[0].org_no,
            reason=REASON,
            code=code_for(skv),
        )


def test_pages_emergency_form_and_review_list(
    cast: Cast, companies: list[Company], pol_device: TOTPDevice, client_for: Any
) -> None:
    client = client_for("pol_inspector")
    target = companies[0]
    bad = client.post(
        "/en/access/emergency/",
        {"object_type": "company", "key": target.org_no, "reason": "short", "code": "12"},
    )
    assert bad.status_code == 400
    response = client.post(
        "/en/access/emergency/",
        {
            "object_type": "company",
            "key": target.org_no,
            "reason": REASON,
            "code": code_for(pol_device),
        },
    )
    assert response.status_code == 302
    assert client.get(response["Location"]).status_code == 200
    auditor = client_for("skv_auditor")
    page = auditor.get("/en/access/reviews/")
    assert REASON.encode() in page.content
    task = ReviewTask.objects.get()
    assert (
        auditor.post(
            "/en/access/reviews/",
            {"task": task.pk, "verdict": "unjustified", "note": "No control was planned."},
        ).status_code
        == 302
    )
    task.refresh_from_db()
    assert task.status == "unjustified"
    assert client.get("/en/access/reviews/").status_code == 403
    for task_id in ("abc", "9" * 40, "\u0661", f"{task.pk}\u00b2", ""):
        odd = auditor.post("/en/access/reviews/", {"task": task_id, "verdict": "justified"})
        assert odd.status_code == 404, task_id
    task.refresh_from_db()
    assert task.status == "unjustified"
