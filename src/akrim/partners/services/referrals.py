"""Referrals: a partner reports a workplace, it becomes a tip; telling the contact."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from akrim.audit.services import record
from akrim.controls.services.common import text
from akrim.core.actor import Actor
from akrim.core.errors import Conflict, InvalidInput, NotFound
from akrim.partners import policies
from akrim.partners.models import Referral
from akrim.partners.services.common import (
    NAME_MAX,
    SUMMARY_MAX,
    locked_forum,
    require_runner,
)
from akrim.tips.crypto import seal

# --- referrals ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ReferralFields:
    organisation_id: int
    summary: str
    received_at: dt.datetime
    contact_id: int | None = None
    where_name: str = ""
    where_address: str = ""
    org_no: str = ""
    municipality_code: str = ""


SUMMARY_FIELD = "partners.referral_summary"


def summary_owner(forum_id: int) -> str:
    """What a referral's sealed summary is bound to (see ``akrim.tips.crypto``)."""
    return f"forum:{forum_id}"


def referral_handled(referral: Referral) -> bool:
    """The referral's tip is handled — or gone: tips are deleted by retention only once
    they are finished (``akrim.tips.retention``)."""
    from akrim.tips.services import tip_handled

    return referral.tip is None or tip_handled(referral.tip)


def enter_referral(*, actor: Actor, forum_id: int, fields: ReferralFields) -> Referral:
    """A partner reports a workplace: the forum's coordinators enter it and it becomes a tip
    (source "partner") through the tips app, linked to the referral."""
    from akrim.tips.services import create_tip

    summary = text(fields.summary, field=_("the summary"), max_length=SUMMARY_MAX, required=True)
    where_name = text(fields.where_name, field=_("the workplace"), max_length=NAME_MAX)
    where_address = text(fields.where_address, field=_("the address"), max_length=NAME_MAX)
    org_no = text(fields.org_no, field=_("the organisation number"), max_length=13)
    municipality = text(fields.municipality_code, field=_("the municipality"), max_length=4)
    if fields.received_at > timezone.now() + dt.timedelta(minutes=5):
        raise InvalidInput(_("The referral cannot be received in the future."))
    with transaction.atomic():
        forum = locked_forum(actor, forum_id)
        require_runner(actor, forum)
        organisation = forum.members.filter(pk=fields.organisation_id).first()
        if organisation is None:
            raise InvalidInput(_("The organisation does not take part in the forum."))
        contact = None
        if fields.contact_id is not None:
            contact = organisation.contacts.filter(pk=fields.contact_id).first()
            if contact is None:
                raise InvalidInput(_("The contact is not at this organisation."))
        tip = create_tip(
            actor,
            source="partner",
            what=summary,
            where_name=where_name,
            where_address=where_address,
            org_no=org_no,
            municipality_code=municipality,
            # without a municipality, the tip goes to the centre whose forum it came to
            centre_code=forum.centre.code if forum.centre is not None else "",
        )
        referral = Referral.objects.create(
            forum=forum,
            organisation=organisation,
            contact=contact,
            received_at=fields.received_at,
            # the tip's text: encrypted too
            summary=seal(summary, field=SUMMARY_FIELD, owner=summary_owner(forum.pk)),
            tip=tip,
            entered_by_id=actor.user_id,
        )
        record(
            actor=actor,
            action="partners.referral_entered",
            object_type="partners.referral",
            object_id=str(referral.pk),
            fields=["organisation", "contact", "received_at", "summary", "tip"],
            detail={"forum": forum.pk, "organisation": organisation.pk, "tip": tip.pk},
        )
    return referral


HANDLED_MESSAGE = gettext_lazy(
    "Thank you for your report to the regional centre against work-related crime. "
    "The matter has been handled."
)


def tell_contact_handled(*, actor: Actor, referral_id: int) -> Referral:
    """Tell the referral's contact that the matter was handled — only that (the sharing
    rules allow no details of the tip or its outcome). Only once, only when the tip is
    handled, only the forum's coordinators. The e-mail, when the contact has an address,
    is sent after the commit."""
    with transaction.atomic():
        referral = (
            Referral.objects.select_for_update(of=("self",))
            .select_related("forum__centre", "contact", "tip")
            .filter(pk=referral_id, forum__in=policies.readable_forums(actor))
            .first()
        )
        if referral is None or not policies.may_read_referrals(actor, referral.forum):
            raise NotFound(_("No such referral."))
        require_runner(actor, referral.forum)
        if referral.contact is None:
            raise Conflict(_("The referral names no contact to tell."))
        if referral.told_contact_at is not None:
            raise Conflict(_("The contact has already been told."))
        if not referral_handled(referral):
            raise Conflict(_("The matter is not handled yet."))
        if not referral.contact.active:
            raise Conflict(_("The contact is no longer active at the organisation."))
        referral.told_contact_at, referral.told_by_id = timezone.now(), actor.user_id
        referral.save(update_fields=["told_contact_at", "told_by"])
        record(
            actor=actor,
            action="partners.contact_told_handled",
            object_type="partners.referral",
            object_id=str(referral.pk),
            fields=["told_contact_at", "told_by"],
            detail={"contact": referral.contact.pk},
        )
        address, subject, message = referral.contact.email, _("Your report"), str(HANDLED_MESSAGE)
        if address:
            transaction.on_commit(
                lambda: send_mail(
                    subject=subject,
                    message=message,
                    from_email=settings.DEFAULT_FROM_EMAIL,
                    recipient_list=[address],
                )
            )
    return referral
