"""Reminders of action items due: the nightly e-mail, once per item per day."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from akrim.audit.services import record
from akrim.core.actor import Actor
from akrim.core.errors import Forbidden, InvalidInput
from akrim.partners import policies
from akrim.partners.models import ActionItem
from akrim.partners.services.common import (
    REMINDER_DAYS,
)

# --- reminders --------------------------------------------------------------------------


@dataclass(frozen=True)
class ReminderRun:
    today: dt.date
    sent: list[int]  # action item ids reminded now
    already: list[int]  # reminded earlier today
    no_address: list[int]  # the owner has no e-mail address
    failed: list[int]  # the mail could not be sent


def due_items(*, today: dt.date, days: int = REMINDER_DAYS) -> Q:
    """Open action items due within ``days`` days of ``today`` or overdue."""
    return Q(status=ActionItem.Status.OPEN, deadline__lte=today + dt.timedelta(days=days))


def send_reminders(
    *, actor: Actor, today: dt.date | None = None, days: int = REMINDER_DAYS
) -> ReminderRun:
    """Nightly (``akrim partners remind``): e-mail the owner of every open action item due
    within ``days`` days or overdue — once per item per day. The system and administrators
    only. Each sent reminder is audited (it uses a contact's e-mail address)."""
    if not policies.is_national_coordinator(actor):
        raise Forbidden(_("Only the system sends reminders."))
    if not 0 <= days <= 365:
        raise InvalidInput(_("The number of days must be between 0 and 365."))
    today = today or timezone.localdate()
    sent: list[int] = []
    already: list[int] = []
    no_address: list[int] = []
    failed: list[int] = []
    ids = list(
        ActionItem.objects.filter(due_items(today=today, days=days)).values_list("pk", flat=True)
    )
    for item_id in ids:
        try:
            outcome = _remind_one(actor, item_id, today)
        except OSError:  # the mail server refused; the item stays unreminded for tomorrow
            failed.append(item_id)
            continue
        {"sent": sent, "already": already, "no_address": no_address}[outcome].append(item_id)
    return ReminderRun(
        today=today, sent=sent, already=already, no_address=no_address, failed=failed
    )


def _moment(today: dt.date) -> dt.datetime:
    """Now, or — for a run as of another day (``--today``) — that day at the current time,
    so that "once per day" counts in the run's days."""
    now = timezone.localtime()
    if now.date() == today:
        return now
    return timezone.make_aware(dt.datetime.combine(today, now.time().replace(tzinfo=None)))


def _remind_one(actor: Actor, item_id: int, today: dt.date) -> str:
    with transaction.atomic():
        item = (
            ActionItem.objects.select_for_update(of=("self",))
            .select_related("owner_user", "owner_contact", "meeting__forum")
            .get(pk=item_id)
        )
        if item.reminded_at is not None and timezone.localdate(item.reminded_at) == today:
            return "already"
        # No reminder to someone who has left: the item's owner must be changed instead.
        address = (
            item.owner_user.email
            if item.owner_user is not None and item.owner_user.is_active
            else item.owner_contact.email
            if item.owner_contact is not None and item.owner_contact.active
            else ""
        )
        if not address:
            return "no_address"
        send_mail(
            subject=_("Reminder: action item due %(deadline)s") % {"deadline": item.deadline},
            message=reminder_text(item, today),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[address],
        )
        item.reminded_at = _moment(today)
        item.save(update_fields=["reminded_at"])
        record(
            actor=actor,
            action="partners.reminder_sent",
            object_type="partners.action_item",
            object_id=str(item.pk),
            fields=["email"],
            detail={
                "owner": item.owner_user.username
                if item.owner_user
                else f"contact {item.owner_contact_id}",
            },
        )
    return "sent"


def reminder_text(item: ActionItem, today: dt.date) -> str:
    when = (
        _("It was due %(deadline)s and is overdue.")
        if item.deadline < today
        else _("It is due %(deadline)s.")
    ) % {"deadline": item.deadline.isoformat()}
    return "\n\n".join(
        [
            _("You own an action item from the meeting of %(forum)s on %(day)s:")
            % {
                "forum": item.meeting.forum.name,
                "day": timezone.localtime(item.meeting.starts_at).date().isoformat(),
            },
            item.description,
            when,
        ]
    )
