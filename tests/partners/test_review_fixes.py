"""Fixes from the review: referrals from the national forum and without a municipality,
the referral's text encrypted, owners who work elsewhere, people who have left, and
regional organisations kept to their region."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.utils import timezone

from akrim.core.actor import Actor
from akrim.core.errors import Conflict, InvalidInput
from akrim.organisation.queries import actor_for_user
from akrim.partners import queries, services
from akrim.partners.models import Contact, Referral
from tests.cast import Cast
from tests.partners.conftest import Partners

pytestmark = pytest.mark.django_db


def _referral(actor: Actor, forum_id: int, organisation_id: int, **more: object) -> Referral:
    return services.enter_referral(
        actor=actor,
        forum_id=forum_id,
        fields=services.ReferralFields(
            organisation_id=organisation_id,
            summary="Workers at a car wash sleep on site.",
            received_at=timezone.now(),
            **more,  # type: ignore[arg-type]
        ),
    )


def test_the_national_forums_coordinator_enters_a_referral(partners: Partners) -> None:
    national = actor_for_user(User.objects.get(username="national_coordinator"))
    referral = _referral(national, partners.national.pk, partners.union.pk)
    assert referral.tip is not None
    assert referral.tip.source == "partner"


def test_a_referral_without_a_municipality_goes_to_the_forums_centre(
    cast: Cast, partners: Partners
) -> None:
    referral = _referral(cast.actor("coordinator"), partners.stockholm.pk, partners.union.pk)
    assert referral.tip is not None
    assert referral.tip.centre is not None
    assert referral.tip.centre.code == "stockholm"


def test_the_referrals_text_is_encrypted_at_rest(cast: Cast, partners: Partners) -> None:
    referral = _referral(cast.actor("coordinator"), partners.stockholm.pk, partners.union.pk)
    stored = Referral.objects.get(pk=referral.pk)
    assert "car wash" not in stored.summary
    assert stored.summary_text == "Workers at a car wash sleep on site."
    assert stored.summary.startswith("v2:")


def test_first_version_summaries_are_bound_to_their_forum(cast: Cast, partners: Partners) -> None:
    import base64
    import importlib
    import os

    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    from django.apps import apps

    from akrim.tips import crypto

    migration = importlib.import_module("akrim.partners.migrations.0004_bind_referral_summaries")
    referral = _referral(cast.actor("coordinator"), partners.stockholm.pk, partners.union.pk)
    nonce = os.urandom(crypto.NONCE_BYTES)
    text = b"Workers at a car wash sleep on site."
    first = AESGCM(crypto._key()).encrypt(nonce, text, migration.FIELD.encode())
    Referral.objects.filter(pk=referral.pk).update(
        summary="v1:" + base64.b64encode(nonce + first).decode()
    )
    migration.bind(apps, None)
    stored = Referral.objects.get(pk=referral.pk)
    assert stored.summary.startswith("v2:")
    assert stored.summary_text == text.decode()
    with pytest.raises(InvalidTag):  # bound to this forum: not readable as another's
        crypto.unseal(stored.summary, field=migration.FIELD, owner=f"forum:{partners.national.pk}")


def test_an_owner_who_works_elsewhere_sees_and_closes_their_item(
    cast: Cast, partners: Partners
) -> None:
    item = services.add_action_item(
        actor=cast.actor("coordinator"),
        meeting_id=partners.meeting.pk,
        description="Send the sector report",
        deadline=timezone.localdate() + dt.timedelta(days=2),
        owner_username="other_centre",  # SKV Syd
    )
    owner = cast.actor("other_centre")
    shown = queries.reminders(actor=owner).items
    assert [i.pk for i in shown] == [item.pk]
    done = services.set_action_status(actor=owner, action_id=item.pk, status="done")
    assert done.status == "done"


def test_no_reminder_goes_to_someone_who_has_left(cast: Cast, partners: Partners) -> None:
    item = services.add_action_item(
        actor=cast.actor("coordinator"),
        meeting_id=partners.meeting.pk,
        description="Call the union",
        deadline=timezone.localdate(),
        owner_contact_id=partners.shop_steward.pk,
    )
    Contact.objects.filter(pk=partners.shop_steward.pk).update(active=False)
    result = services.send_reminders(actor=Actor.system(), today=timezone.localdate())
    assert item.pk in result.no_address
    assert not mail.outbox


def test_a_regional_organisation_takes_part_only_in_its_region(
    cast: Cast, partners: Partners
) -> None:
    with pytest.raises(InvalidInput, match="does not work in this forum's region"):
        services.set_members(
            actor=cast.actor("coordinator"),
            forum_id=partners.stockholm.pk,
            organisation_ids=[partners.union.pk, partners.southern.pk],
        )
    members = set(partners.stockholm.members.values_list("pk", flat=True))
    assert members == {partners.union.pk, partners.employer.pk}  # unchanged


def test_an_inactive_contact_is_not_told(cast: Cast, partners: Partners) -> None:
    from akrim.tips.services import close_tip

    coordinator = cast.actor("coordinator")
    referral = _referral(
        coordinator,
        partners.stockholm.pk,
        partners.union.pk,
        contact_id=partners.shop_steward.pk,
    )
    assert referral.tip is not None
    close_tip(actor=coordinator, tip_id=referral.tip.pk)
    Contact.objects.filter(pk=partners.shop_steward.pk).update(active=False)
    with pytest.raises(Conflict, match="no longer active"):
        services.tell_contact_handled(actor=coordinator, referral_id=referral.pk)
    assert not mail.outbox


def test_a_digit_python_takes_for_a_digit_is_refused_not_a_server_error(
    partners: Partners, client_for: Any
) -> None:
    response = client_for("coordinator").post(
        "/en/partners/referrals/new/",
        {"forum": "²", "organisation": str(partners.union.pk), "summary": "x"},
    )
    assert response.status_code == 400
    assert not Referral.objects.exists()
