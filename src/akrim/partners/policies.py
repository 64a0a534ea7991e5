"""Who may run a forum, who may read it, and who may see the partners' contacts.

- A centre's forum is run by the centre's coordinators; the national forum by coordinators
  with national scope (a coordinator role and no centre) and administrators.
- A centre's forum is read by the centre's staff; the national forum by every coordinator.
  National coordinators, national readers and data-protection auditors read every forum
  (the latter two read-only).
- Contacts (names, e-mail, phone) are personal data: shown only to staff who work with
  the forum — those who run it and the staff who took part in one of its meetings (while
  they may still read the forum).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from akrim.core.actor import Actor, Role
from akrim.partners.models import Forum, Meeting, Organisation


def is_national_coordinator(actor: Actor) -> bool:
    return actor.has_role(Role.ADMIN) or (actor.has_role(Role.COORDINATOR) and not actor.centres)


def may_run(actor: Actor, forum: Forum) -> bool:
    """May write the forum's meetings, action items and referrals."""
    if forum.national:
        return is_national_coordinator(actor)
    return actor.has_role(Role.ADMIN) or (
        actor.has_role(Role.COORDINATOR)
        and forum.centre is not None
        and forum.centre.code in actor.centres
    )


def runs_some_forum(actor: Actor) -> bool:
    return actor.has_role(Role.ADMIN, Role.COORDINATOR)


def readable_forums(actor: Actor) -> QuerySet[Forum]:
    """The forums the actor may read (others are not found)."""
    qs = Forum.objects.select_related("centre")
    if is_national_coordinator(actor) or actor.has_role(Role.NATIONAL_READER, Role.DP_AUDITOR):
        return qs
    allowed = Q(centre__code__in=actor.centres)
    if actor.has_role(Role.COORDINATOR):
        allowed |= Q(national=True)
    return qs.filter(allowed)


def works_with(actor: Actor, forum: Forum) -> bool:
    """Runs the forum, or took part in one of its meetings as staff and may still read the
    forum: someone who has moved to another centre no longer sees its partners' contacts."""
    if may_run(actor, forum):
        return True
    return (
        actor.user_id is not None
        and readable_forums(actor).filter(pk=forum.pk).exists()
        and Meeting.objects.filter(forum=forum, staff__pk=actor.user_id).exists()
    )


def may_create_organisation(actor: Actor) -> bool:
    return actor.has_role(Role.ADMIN, Role.COORDINATOR)


def may_manage_organisation(actor: Actor, organisation: Organisation) -> bool:
    """Edit an organisation and its contacts: administrators, national coordinators, and
    coordinators of a centre the organisation works in (or of any centre, for a national
    organisation)."""
    if is_national_coordinator(actor):
        return True
    if not actor.has_role(Role.COORDINATOR):
        return False
    if organisation.scope == Organisation.Scope.NATIONAL:
        return True
    return organisation.centres.filter(code__in=actor.centres).exists()


def may_see_contacts(actor: Actor, organisation: Organisation) -> bool:
    """Those who manage the organisation, and those who work with a forum it takes part in."""
    if may_manage_organisation(actor, organisation):
        return True
    return any(works_with(actor, forum) for forum in organisation.forums.select_related("centre"))


def may_read_referrals(actor: Actor, forum: Forum) -> bool:
    """A forum's referrals (tip texts): those who run it, and auditors (read-only)."""
    return may_run(actor, forum) or actor.has_role(Role.DP_AUDITOR, Role.ADMIN)
