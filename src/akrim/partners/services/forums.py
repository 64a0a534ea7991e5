"""Forums, their meetings and action items."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from akrim.audit.services import record
from akrim.controls.services.common import text
from akrim.core.actor import Actor
from akrim.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from akrim.partners import policies
from akrim.partners.models import ActionItem, Contact, Forum, Meeting, Organisation
from akrim.partners.services.common import (
    MAX_PARTICIPANTS,
    NAME_MAX,
    TEXT_MAX,
    known_centre,
    locked_forum,
    require_runner,
)

# --- forums -------------------------------------------------------------------------


def open_forum(*, actor: Actor, centre: str | None) -> Forum:
    """Open the centre's forum (``centre`` a centre code) or the national one (None).
    Raises Forbidden for others than its coordinators, Conflict when it exists."""
    centre_row = None if centre is None else known_centre(centre)
    probe = Forum(national=centre_row is None, centre=centre_row)
    require_runner(actor, probe)
    with transaction.atomic():
        if Forum.objects.filter(national=centre_row is None, centre=centre_row).exists():
            raise Conflict(_("The forum is already open."))
        name = (
            _("National partner forum")
            if centre_row is None
            else _("Partner forum %(centre)s") % {"centre": centre_row.name}
        )
        forum = Forum.objects.create(national=centre_row is None, centre=centre_row, name=name)
        record(
            actor=actor,
            action="partners.forum_opened",
            object_type="partners.forum",
            object_id=str(forum.pk),
            fields=["centre", "name"],
            detail={"centre": centre or "national"},
        )
    return forum


def set_members(*, actor: Actor, forum_id: int, organisation_ids: Sequence[int]) -> Forum:
    """Which organisations take part in the forum."""
    with transaction.atomic():
        forum = locked_forum(actor, forum_id)
        require_runner(actor, forum)
        wanted = set(organisation_ids)
        rows = list(Organisation.objects.filter(pk__in=wanted).prefetch_related("centres"))
        if len(rows) != len(wanted):
            raise InvalidInput(_("Unknown organisation."))
        for row in rows:
            # a regional organisation takes part where it works: its contacts are not
            # opened to another centre's forum
            regional = row.scope != "national" and forum.centre_id is not None
            if regional and forum.centre_id not in {c.pk for c in row.centres.all()}:
                raise InvalidInput(
                    _("%(name)s does not work in this forum's region."), name=row.name
                )
        forum.members.set(rows)
        record(
            actor=actor,
            action="partners.forum_members_set",
            object_type="partners.forum",
            object_id=str(forum.pk),
            fields=["members"],
            detail={"organisations": sorted(wanted)},
        )
    return forum


# --- meetings and action items -------------------------------------------------------


@dataclass(frozen=True)
class MeetingFields:
    starts_at: dt.datetime
    place: str = ""
    agenda: str = ""
    minutes: str = ""
    decisions: str = ""
    contact_ids: Sequence[int] = field(default_factory=tuple)
    staff: Sequence[str] = field(default_factory=tuple)  # usernames


def _participants(forum: Forum, given: MeetingFields) -> tuple[list[Contact], list[User]]:
    if len(given.contact_ids) + len(given.staff) > MAX_PARTICIPANTS:
        raise InvalidInput(_("At most %(max)s participants."), max=MAX_PARTICIPANTS)
    wanted = set(given.contact_ids)
    contacts = list(Contact.objects.filter(pk__in=wanted, organisation__forums=forum).distinct())
    if len(contacts) != len(wanted):
        raise InvalidInput(_("A participant is not a contact of the forum's organisations."))
    names = set(given.staff)
    users = list(User.objects.filter(username__in=names, is_active=True, staff__isnull=False))
    if len(users) != len(names):
        raise InvalidInput(_("Unknown member of staff."))
    return contacts, users


def _meeting_text(given: MeetingFields) -> dict[str, str]:
    return {
        "place": text(given.place, field=_("the place"), max_length=NAME_MAX),
        "agenda": text(given.agenda, field=_("the agenda"), max_length=TEXT_MAX),
        "minutes": text(given.minutes, field=_("the minutes"), max_length=TEXT_MAX),
        "decisions": text(given.decisions, field=_("the decisions"), max_length=TEXT_MAX),
    }


def create_meeting(*, actor: Actor, forum_id: int, fields: MeetingFields) -> Meeting:
    """The forum's coordinators call a meeting (minutes may follow later)."""
    values = _meeting_text(fields)
    with transaction.atomic():
        forum = locked_forum(actor, forum_id)
        require_runner(actor, forum)
        contacts, users = _participants(forum, fields)
        meeting = Meeting.objects.create(
            forum=forum, starts_at=fields.starts_at, created_by_id=actor.user_id, **values
        )
        meeting.contacts.set(contacts)
        meeting.staff.set(users)
        _audit_meeting(actor, "partners.meeting_created", meeting, contacts, users)
    return meeting


def update_meeting(*, actor: Actor, meeting_id: int, fields: MeetingFields) -> Meeting:
    """Change the meeting: time, place, agenda, participants, minutes and decisions."""
    values = _meeting_text(fields)
    with transaction.atomic():
        meeting = _locked_meeting(actor, meeting_id)
        require_runner(actor, meeting.forum)
        contacts, users = _participants(meeting.forum, fields)
        meeting.starts_at = fields.starts_at
        for name, value in values.items():
            setattr(meeting, name, value)
        meeting.save()
        meeting.contacts.set(contacts)
        meeting.staff.set(users)
        _audit_meeting(actor, "partners.meeting_updated", meeting, contacts, users)
    return meeting


def _locked_meeting(actor: Actor, meeting_id: int) -> Meeting:
    meeting = (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("forum__centre")
        .filter(pk=meeting_id, forum__in=policies.readable_forums(actor))
        .first()
    )
    if meeting is None:
        raise NotFound(_("No such meeting."))
    return meeting


def _audit_meeting(
    actor: Actor, action: str, meeting: Meeting, contacts: list[Contact], users: list[User]
) -> None:
    record(
        actor=actor,
        action=action,
        object_type="partners.meeting",
        object_id=str(meeting.pk),
        fields=["starts_at", "place", "agenda", "minutes", "decisions", "contacts", "staff"],
        detail={
            "forum": meeting.forum_id,
            "contacts": sorted(c.pk for c in contacts),
            "staff": sorted(u.username for u in users),
        },
    )


def add_action_item(
    *,
    actor: Actor,
    meeting_id: int,
    description: str,
    deadline: dt.date,
    owner_username: str = "",
    owner_contact_id: int | None = None,
) -> ActionItem:
    """An action item with its owner: a member of staff or a contact of the forum's
    organisations (exactly one)."""
    description = text(description, field=_("the description"), max_length=2000, required=True)
    if bool(owner_username) == (owner_contact_id is not None):
        raise InvalidInput(_("Choose one owner: a member of staff or a partner's contact."))
    with transaction.atomic():
        meeting = _locked_meeting(actor, meeting_id)
        require_runner(actor, meeting.forum)
        user = contact = None
        if owner_username:
            user = User.objects.filter(
                username=owner_username, is_active=True, staff__isnull=False
            ).first()
            if user is None:
                raise InvalidInput(_("Unknown member of staff."))
        elif owner_contact_id is not None:
            contact = Contact.objects.filter(
                pk=owner_contact_id, active=True, organisation__forums=meeting.forum
            ).first()
            if contact is None:
                raise InvalidInput(_("The owner is not a contact of the forum's organisations."))
        item = ActionItem.objects.create(
            meeting=meeting,
            description=description,
            deadline=deadline,
            owner_user=user,
            owner_contact=contact,
        )
        record(
            actor=actor,
            action="partners.action_item_added",
            object_type="partners.action_item",
            object_id=str(item.pk),
            fields=["description", "deadline", "owner"],
            detail={
                "meeting": meeting.pk,
                "owner": user.username if user else f"contact {contact.pk if contact else ''}",
                "deadline": deadline.isoformat(),
            },
        )
    return item


def set_action_status(*, actor: Actor, action_id: int, status: str) -> ActionItem:
    """The forum's coordinators, or the member of staff who owns the item."""
    if status not in ActionItem.Status.values:
        raise InvalidInput(_("Unknown status."))
    with transaction.atomic():
        item = (
            ActionItem.objects.select_for_update(of=("self",))
            .select_related("meeting__forum__centre")
            .filter(pk=action_id)
            .filter(
                Q(meeting__forum__in=policies.readable_forums(actor))
                | Q(owner_user_id=actor.user_id or 0)  # the owner, wherever they work now
            )
            .first()
        )
        if item is None:
            raise NotFound(_("No such action item."))
        owner = actor.user_id is not None and item.owner_user_id == actor.user_id
        if not owner and not policies.may_run(actor, item.meeting.forum):
            raise Forbidden(_("Only the forum's coordinators or the owner may do this."))
        if item.status == status:
            raise Conflict(_("The action item already has this status."))
        item.status, item.status_changed_at = status, timezone.now()
        item.save(update_fields=["status", "status_changed_at"])
        record(
            actor=actor,
            action="partners.action_item_status",
            object_type="partners.action_item",
            object_id=str(item.pk),
            fields=["status"],
            detail={"status": status},
        )
    return item
