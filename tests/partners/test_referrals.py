"""Referrals: a partner reports a workplace → a tip; the contact may be told it was handled."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from akrim.audit.models import AuditEntry
from akrim.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from akrim.partners import queries, services
from akrim.partners.models import Referral
from akrim.tips.models import Tip
from tests.cast import Cast
from tests.partners.conftest import Partners

REPORT = "Workers sleep in the basement of the site and are paid in cash."


def given(partners: Partners, **kw: object) -> services.ReferralFields:
    values: dict[str, object] = {
        "organisation_id": partners.union.pk,
        "contact_id": partners.shop_steward.pk,
        "received_at": timezone.now() - dt.timedelta(hours=2),
        "summary": REPORT,
        "where_name": "Demo Construction site",
        "municipality_code": "0180",
    }
    values.update(kw)
    return services.ReferralFields(**values)  # type: ignore[arg-type]


@pytest.fixture
def referral(partners: Partners, cast: Cast) -> Referral:
    return services.enter_referral(
        actor=cast.actor("coordinator"), forum_id=partners.stockholm.pk, fields=given(partners)
    )


def handle(tip: Tip, cast: Cast) -> None:
    from akrim.tips.services import close_tip

    close_tip(actor=cast.actor("coordinator"), tip_id=tip.pk)


def test_a_referral_becomes_a_partner_tip(referral: Referral) -> None:
    assert referral.tip is not None
    tip = Tip.objects.get(pk=referral.tip.pk)
    assert tip.source == "partner"
    assert tip.status == "new"
    entry = AuditEntry.objects.filter(action="partners.referral_entered").get()
    assert entry.detail["tip"] == tip.pk


def test_referral_input_is_checked(partners: Partners, cast: Cast) -> None:
    coordinator, forum = cast.actor("coordinator"), partners.stockholm.pk
    wrong = [
        given(partners, summary=""),
        given(partners, summary="x" * 4001),
        given(partners, summary="<script>\x00</script>"),
        given(partners, organisation_id=partners.southern.pk),  # not in the forum
        given(partners, contact_id=partners.adviser.pk),  # at another organisation
        given(partners, received_at=timezone.now() + dt.timedelta(days=2)),
        given(partners, org_no="12345"),  # the tips app refuses it
        given(partners, municipality_code="9999"),
    ]
    for fields in wrong:
        with pytest.raises(InvalidInput):
            services.enter_referral(actor=coordinator, forum_id=forum, fields=fields)
    assert Referral.objects.count() == 0
    assert Tip.objects.count() == 0
    with pytest.raises(Forbidden):
        services.enter_referral(
            actor=cast.actor("skv_inspector"), forum_id=forum, fields=given(partners)
        )
    with pytest.raises(NotFound):
        services.enter_referral(
            actor=cast.actor("other_centre"), forum_id=forum, fields=given(partners)
        )


def test_the_contact_is_told_only_that_it_was_handled(
    referral: Referral, cast: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    coordinator = cast.actor("coordinator")
    with pytest.raises(Conflict, match="not handled yet"):
        services.tell_contact_handled(actor=coordinator, referral_id=referral.pk)
    assert referral.tip is not None
    handle(referral.tip, cast)
    with pytest.raises(NotFound):
        services.tell_contact_handled(actor=cast.actor("skv_inspector"), referral_id=referral.pk)
    with pytest.raises(Forbidden):
        services.tell_contact_handled(actor=cast.actor("skv_auditor"), referral_id=referral.pk)
    with pytest.raises(NotFound):
        services.tell_contact_handled(actor=cast.actor("other_centre"), referral_id=referral.pk)
    with django_capture_on_commit_callbacks(execute=True):
        told = services.tell_contact_handled(actor=coordinator, referral_id=referral.pk)
    assert told.told_contact_at is not None
    assert told.told_by_id == coordinator.user_id
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["kim@example.org"]
    assert message.body == str(services.HANDLED_MESSAGE)
    assert "basement" not in message.body
    assert "Demo Construction" not in message.body
    with pytest.raises(Conflict, match="already"):
        services.tell_contact_handled(actor=coordinator, referral_id=referral.pk)
    assert len(mail.outbox) == 1


def test_a_referral_without_contact_cannot_be_told(partners: Partners, cast: Cast) -> None:
    anonymous = services.enter_referral(
        actor=cast.actor("coordinator"),
        forum_id=partners.stockholm.pk,
        fields=given(partners, contact_id=None),
    )
    assert anonymous.tip is not None
    handle(anonymous.tip, cast)
    with pytest.raises(Conflict, match="no contact"):
        services.tell_contact_handled(actor=cast.actor("coordinator"), referral_id=anonymous.pk)


def test_referrals_are_read_by_the_forums_coordinators_and_auditors(
    referral: Referral, cast: Cast
) -> None:
    assert list(queries.referrals(actor=cast.actor("coordinator"))) == [referral]
    assert list(queries.referrals(actor=cast.actor("skv_auditor"))) == [referral]
    for name in ("skv_inspector", "other_centre", "national_reader"):
        assert list(queries.referrals(actor=cast.actor(name))) == []
        with pytest.raises(NotFound):
            queries.referral_page(actor=cast.actor(name), id=referral.pk)
    page = queries.referral_page(actor=cast.actor("skv_auditor"), id=referral.pk)
    assert not page.may_tell
    assert not page.may_run


def test_referral_pages(
    partners: Partners, cast: Cast, client_for: Callable[[str], Client]
) -> None:
    client = client_for("coordinator")
    form = client.get("/en/partners/referrals/").content.decode()
    assert 'data-testid="referral-form"' in form
    assert "Kim Exempelsson" in form
    response = client.post(
        "/en/partners/referrals/new/",
        {
            "forum": partners.stockholm.pk,
            "organisation": partners.union.pk,
            "contact": partners.shop_steward.pk,
            "received_at": "2025-05-06T10:15",
            "summary": REPORT + " <b>bold</b>",
            "municipality_code": "0180",
        },
    )
    assert response.status_code == 302
    referral = Referral.objects.get()
    page = client.get(response["Location"]).content.decode()
    assert "&lt;b&gt;bold&lt;/b&gt;" in page
    assert "not handled yet" in page
    assert 'data-testid="tell"' not in page
    assert client.post(f"/en/partners/referrals/{referral.pk}/tell/").status_code == 409
    assert referral.tip is not None
    handle(referral.tip, cast)
    page = client.get(f"/en/partners/referrals/{referral.pk}/").content.decode()
    assert 'data-testid="tell"' in page
    assert "The matter has been handled." in page
    assert client.post(f"/en/partners/referrals/{referral.pk}/tell/").status_code == 302
    assert "(coordinator)" in client.get(f"/en/partners/referrals/{referral.pk}/").content.decode()
    inspector = client_for("skv_inspector")
    assert inspector.get(f"/en/partners/referrals/{referral.pk}/").status_code == 404
    assert inspector.post(f"/en/partners/referrals/{referral.pk}/tell/").status_code == 404


@pytest.mark.parametrize(
    ("change", "status"),
    [
        ({"forum": ""}, 400),
        ({"forum": "abc"}, 400),
        ({"forum": "99999"}, 404),
        ({"organisation": ""}, 400),
        ({"organisation": "1 OR 1=1"}, 400),
        ({"contact": "x"}, 400),
        ({"received_at": "yesterday"}, 400),
        ({"received_at": "2025-13-40T10:00"}, 400),
        ({"summary": ""}, 400),
        ({"summary": "x" * 5000}, 400),
        ({"where_name": "y" * 201}, 400),
        ({"org_no": "'; DROP TABLE tips;--"}, 400),
        ({"municipality_code": "<script>"}, 400),
    ],
)
def test_the_referral_form_refuses_bad_input(
    partners: Partners,
    client_for: Callable[[str], Client],
    change: dict[str, str],
    status: int,
) -> None:
    data = {
        "forum": str(partners.stockholm.pk),
        "organisation": str(partners.union.pk),
        "contact": "",
        "received_at": "",
        "summary": REPORT,
        "municipality_code": "0180",
    }
    data.update(change)
    response = client_for("coordinator").post("/en/partners/referrals/new/", data)
    assert response.status_code == status
    assert Referral.objects.count() == 0
