"""Reads: organisations, forums, meetings, reminders, referrals and activity figures.
Every read that shows partners' contacts (personal data) is in the audit log."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from akrim.audit.services import record
from akrim.core.actor import Actor, Role
from akrim.core.errors import InvalidInput, NotFound
from akrim.organisation.models import Centre
from akrim.partners import policies
from akrim.partners.models import ActionItem, Contact, Forum, Meeting, Organisation, Referral
from akrim.partners.services import REMINDER_DAYS, due_items
from akrim.partners.services.referrals import referral_handled


def today() -> dt.date:
    return timezone.localdate()


def _audit_contacts(actor: Actor, where: str, contacts: Iterable[Contact]) -> None:
    ids = sorted({c.pk for c in contacts})
    if ids:
        record(
            actor=actor,
            action="partners.contacts_read",
            object_type="partners.contact",
            object_id=where,
            fields=["name", "role", "email", "phone"],
            detail={"contacts": ids},
        )


def centres() -> QuerySet[Centre]:
    return Centre.objects.order_by("name")


# --- organisations -------------------------------------------------------------------


def organisations() -> QuerySet[Organisation]:
    """The directory of partner bodies (no personal data): every member of staff reads it."""
    return Organisation.objects.prefetch_related("centres")


@dataclass(frozen=True)
class OrganisationPage:
    organisation: Organisation
    contacts: list[Contact] | None  # None: the actor may not see them
    may_manage: bool


def organisation_page(*, actor: Actor, id: int) -> OrganisationPage:
    organisation = organisations().filter(pk=id).first()
    if organisation is None:
        raise NotFound(_("No such organisation."))
    contacts = None
    if policies.may_see_contacts(actor, organisation):
        contacts = list(organisation.contacts.all())
        _audit_contacts(actor, f"organisation {organisation.pk}", contacts)
    return OrganisationPage(
        organisation=organisation,
        contacts=contacts,
        may_manage=policies.may_manage_organisation(actor, organisation),
    )


# --- forums and meetings -------------------------------------------------------------


@dataclass(frozen=True)
class ForumRow:
    forum: Forum
    may_run: bool


def forums(*, actor: Actor) -> list[ForumRow]:
    return [
        ForumRow(forum=f, may_run=policies.may_run(actor, f))
        for f in policies.readable_forums(actor).prefetch_related("members")
    ]


def openable_forums(*, actor: Actor) -> list[tuple[str, str]]:
    """(code, name) of forums the actor could open that are not open yet ("" = national)."""
    result = []
    if policies.is_national_coordinator(actor) and not Forum.objects.filter(national=True):
        result.append(("", _("National partner forum")))
    centres = Centre.objects.filter(forum_missing(actor)).order_by("name")
    result.extend((c.code, c.name) for c in centres)
    return result


def forum_missing(actor: Actor) -> Q:
    taken = Forum.objects.filter(centre__isnull=False).values("centre_id")
    if actor.has_role(Role.ADMIN):
        return ~Q(pk__in=taken)
    if actor.has_role(Role.COORDINATOR):
        return Q(code__in=actor.centres) & ~Q(pk__in=taken)
    return Q(pk__in=[])


def _readable_forum(actor: Actor, id: int) -> Forum:
    forum = policies.readable_forums(actor).filter(pk=id).first()
    if forum is None:
        raise NotFound(_("No such forum."))
    return forum


@dataclass(frozen=True)
class ForumPage:
    forum: Forum
    members: list[Organisation]
    meetings: list[Meeting]
    may_run: bool
    contacts: list[Contact] | None  # contacts of the member organisations (who may see them)
    organisations: list[Organisation]  # to choose members from (runners only)


def forum_page(*, actor: Actor, id: int) -> ForumPage:
    forum = _readable_forum(actor, id)
    runs = policies.may_run(actor, forum)
    members = list(forum.members.all())
    contacts = None
    if policies.works_with(actor, forum):
        contacts = list(
            Contact.objects.filter(organisation__in=members, active=True).select_related(
                "organisation"
            )
        )
        _audit_contacts(actor, f"forum {forum.pk}", contacts)
    return ForumPage(
        forum=forum,
        members=members,
        meetings=list(forum.meetings.prefetch_related("actions")),
        may_run=runs,
        contacts=contacts,
        organisations=list(organisations()) if runs else [],
    )


@dataclass(frozen=True)
class MeetingPage:
    meeting: Meeting
    may_run: bool
    works_with: bool
    contacts: list[Contact]  # participants; empty unless ``works_with``
    organisations: list[str]  # the organisations the participating contacts come from
    staff: list[Any]
    actions: list[ActionItem]
    forum_contacts: list[Contact]  # to choose participants and owners from (runners only)
    today: dt.date


def meeting_page(*, actor: Actor, id: int) -> MeetingPage:
    meeting = (
        Meeting.objects.select_related("forum__centre")
        .filter(pk=id, forum__in=policies.readable_forums(actor))
        .first()
    )
    if meeting is None:
        raise NotFound(_("No such meeting."))
    runs = policies.may_run(actor, meeting.forum)
    works = policies.works_with(actor, meeting.forum)
    participants = list(meeting.contacts.select_related("organisation"))
    actions = list(meeting.actions.select_related("owner_user", "owner_contact__organisation"))
    forum_contacts = (
        list(
            Contact.objects.filter(organisation__forums=meeting.forum, active=True)
            .select_related("organisation")
            .distinct()
        )
        if runs
        else []
    )
    shown = participants if works else []
    named_owners = [a.owner_contact for a in actions if a.owner_contact is not None]
    if works:
        _audit_contacts(actor, f"meeting {meeting.pk}", [*shown, *named_owners, *forum_contacts])
    else:  # the owners' names are personal data too
        for action in actions:
            if action.owner_contact is not None:
                action.owner_contact.name = action.owner_contact.organisation.name
    return MeetingPage(
        meeting=meeting,
        may_run=runs,
        works_with=works,
        contacts=shown,
        organisations=sorted({c.organisation.name for c in participants}),
        staff=list(meeting.staff.order_by("username")),
        actions=actions,
        forum_contacts=forum_contacts,
        today=today(),
    )


# --- reminders -----------------------------------------------------------------------


@dataclass(frozen=True)
class Reminders:
    today: dt.date
    days: int
    items: list[ActionItem]


def reminders(*, actor: Actor, days: int = REMINDER_DAYS, day: dt.date | None = None) -> Reminders:
    """Open action items due within ``days`` days or overdue: of the forums the actor runs
    or works with, and the actor's own."""
    if not 0 <= days <= 365:
        raise InvalidInput(_("The number of days must be between 0 and 365."))
    day = day or today()
    items = (
        ActionItem.objects.filter(due_items(today=day, days=days))
        .filter(
            Q(meeting__forum__in=policies.readable_forums(actor))
            | Q(owner_user_id=actor.user_id or 0)
        )
        .select_related("meeting__forum__centre", "owner_user", "owner_contact__organisation")
        .order_by("deadline", "id")
    )
    shown: list[ActionItem] = []
    contacts: list[Contact] = []
    works: dict[int, bool] = {}  # per forum, so the page's queries do not grow per item
    for item in items:
        forum = item.meeting.forum
        if forum.pk not in works:
            works[forum.pk] = policies.works_with(actor, forum)
        if item.owner_user_id is not None and item.owner_user_id == actor.user_id:
            shown.append(item)
        elif works[forum.pk]:
            shown.append(item)
            if item.owner_contact is not None:
                contacts.append(item.owner_contact)
    _audit_contacts(actor, "reminders", contacts)
    return Reminders(today=day, days=days, items=shown)


# --- referrals -----------------------------------------------------------------------


def referrals(*, actor: Actor) -> QuerySet[Referral]:
    """Referrals of the forums the actor runs (auditors read them all)."""
    qs = Referral.objects.select_related("forum__centre", "organisation", "contact", "tip")
    ids = [f.pk for f in policies.readable_forums(actor) if policies.may_read_referrals(actor, f)]
    return qs.filter(forum_id__in=ids)


@dataclass(frozen=True)
class ReferralForm:
    forums: list[Forum]  # the forums the actor runs
    contacts: list[Contact]  # of their member organisations (audited)


def referral_form(*, actor: Actor) -> ReferralForm:
    run = [row.forum for row in forums(actor=actor) if row.may_run]
    contacts = list(
        Contact.objects.filter(organisation__forums__in=run, active=True)
        .select_related("organisation")
        .distinct()
    )
    _audit_contacts(actor, "referral form", contacts)
    return ReferralForm(forums=run, contacts=contacts)


@dataclass(frozen=True)
class ReferralPage:
    referral: Referral
    handled: bool
    may_tell: bool
    may_run: bool


def referral_page(*, actor: Actor, id: int) -> ReferralPage:
    referral = referrals(actor=actor).filter(pk=id).first()
    if referral is None:
        raise NotFound(_("No such referral."))
    if referral.contact is not None:
        _audit_contacts(actor, f"referral {referral.pk}", [referral.contact])
    handled = referral_handled(referral)
    runs = policies.may_run(actor, referral.forum)
    return ReferralPage(
        referral=referral,
        handled=handled,
        may_tell=runs
        and handled
        and referral.contact is not None
        and referral.told_contact_at is None,
        may_run=runs,
    )


# --- figures -------------------------------------------------------------------------


@dataclass(frozen=True)
class FigureRow:
    centre: str  # centre code, or "national"
    name: str
    meetings_held: int
    organisations_taking_part: int
    actions_done: int
    actions_overdue: int
    referrals_received: int
    referrals_handled: int


@dataclass(frozen=True)
class Figures:
    year: int
    as_of: dt.date
    rows: list[FigureRow]

    def to_json(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "as_of": self.as_of.isoformat(),
            "definitions": DEFINITIONS,
            "rows": [asdict(r) for r in self.rows],
        }


DEFINITIONS = {
    "meetings_held": "meetings of the forum that started in the year, up to now",
    "organisations_taking_part": "distinct organisations with a contact at a meeting held",
    "actions_done": "action items with a deadline in the year, marked done",
    "actions_overdue": "open action items with a deadline in the year that has passed",
    "referrals_received": "referrals received in the year",
    "referrals_handled": "of those, referrals whose tip is handled",
}


def figures(*, actor: Actor, year: int) -> Figures:
    """Activity in a year for the national forum and every centre (zeros where no forum is
    open). Aggregates only, no personal data: every member of staff may read them."""
    now = timezone.now()
    day = timezone.localdate(now)
    forum_qs = Forum.objects.select_related("centre").prefetch_related(
        Prefetch(
            "meetings",
            queryset=Meeting.objects.filter(starts_at__year=year, starts_at__lte=now),
            to_attr="held",
        ),
        Prefetch(
            "referrals",
            queryset=Referral.objects.filter(received_at__year=year).select_related("tip"),
            to_attr="received",
        ),
    )
    by_centre = {forum.centre_id: forum for forum in forum_qs}
    rows = [_figure_row("national", _("National"), by_centre.get(None), year, day)]
    for centre in Centre.objects.order_by("name"):
        rows.append(_figure_row(centre.code, centre.name, by_centre.get(centre.pk), year, day))
    return Figures(year=year, as_of=day, rows=rows)


def _figure_row(code: str, name: str, forum: Forum | None, year: int, day: dt.date) -> FigureRow:
    if forum is None:
        return FigureRow(code, name, 0, 0, 0, 0, 0, 0)
    held: list[Meeting] = forum.held  # type: ignore[attr-defined]  # Prefetch to_attr
    received: list[Referral] = forum.received  # type: ignore[attr-defined]  # Prefetch to_attr
    actions = ActionItem.objects.filter(meeting__forum=forum, deadline__year=year)
    return FigureRow(
        centre=code,
        name=name,
        meetings_held=len(held),
        organisations_taking_part=Contact.objects.filter(meetings__in=held)
        .values("organisation_id")
        .distinct()
        .count(),
        actions_done=actions.filter(status=ActionItem.Status.DONE).count(),
        actions_overdue=actions.filter(status=ActionItem.Status.OPEN, deadline__lt=day).count(),
        referrals_received=len(received),
        referrals_handled=sum(1 for r in received if referral_handled(r)),
    )
