"""Writes of the partners app: organisations and contacts, forums, meetings, action items,
reminders and referrals. Each checks permission, validates, writes in one transaction and
is audited. One module per part; this package exports the services."""

from akrim.partners.services.common import REMINDER_DAYS
from akrim.partners.services.directory import (
    ContactFields,
    add_contact,
    create_organisation,
    update_contact,
    update_organisation,
)
from akrim.partners.services.forums import (
    MeetingFields,
    add_action_item,
    create_meeting,
    open_forum,
    set_action_status,
    set_members,
    update_meeting,
)
from akrim.partners.services.referrals import (
    HANDLED_MESSAGE,
    ReferralFields,
    enter_referral,
    tell_contact_handled,
)
from akrim.partners.services.reminders import (
    ReminderRun,
    due_items,
    reminder_text,
    send_reminders,
)

__all__ = [
    "HANDLED_MESSAGE",
    "REMINDER_DAYS",
    "ContactFields",
    "MeetingFields",
    "ReferralFields",
    "ReminderRun",
    "add_action_item",
    "add_contact",
    "create_meeting",
    "create_organisation",
    "due_items",
    "enter_referral",
    "open_forum",
    "reminder_text",
    "send_reminders",
    "set_action_status",
    "set_members",
    "tell_contact_handled",
    "update_contact",
    "update_meeting",
    "update_organisation",
]
