"""Writes to joint controls: plan, staff, move through the lifecycle, close, cancel.

Every service: authorize → validate → write in one transaction → audit entry. A change
that depends on the current state locks the control's row first (``select_for_update``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from akrim.audit import services as audit
from akrim.controls import policies
from akrim.controls.models import (
    IN_FORCE,
    MOVES,
    TEAM_OPEN,
    Control,
    ControlTip,
    ControlWorkplace,
    Participation,
    Status,
    TeamMember,
)
from akrim.controls.services.common import CONTROL_CHARACTERS, locked, state, states, text, when
from akrim.core.actor import Actor
from akrim.core.errors import Conflict, InvalidInput
from akrim.core.reference import sni_section
from akrim.engines.exchange.opening_hours import parse_opening_hours
from akrim.organisation.models import Agency, Centre, Membership, Staff
from akrim.registry.models import Workplace

MAX_WORKPLACES = 50
MAX_PURPOSE = 2000
MAX_REASON = 500
MAX_TIPS = 20
TIP_KEY = re.compile(r"[A-Za-z0-9_.:-]{1,40}")
MAX_DURATION = dt.timedelta(days=7)

# What each move is called in messages: "it can be <verb> only when it is <status>".
VERBS: dict[str, str] = {
    Status.PLANNED: "planned",
    Status.PREPARED: "marked prepared",
    Status.CARRIED_OUT: "marked carried out",
    Status.IN_FOLLOW_UP: "moved to follow-up",
    Status.CLOSED: "closed",
    Status.CANCELLED: "cancelled",
}


# --- planning --------------------------------------------------------------------------


def _centre(code: str) -> Centre:
    centre = Centre.objects.filter(code=code.lower()).first()
    if centre is None:
        raise InvalidInput("Unknown centre %(centre)s.", centre=code[:20])
    return centre


def _agencies(codes: Sequence[str]) -> list[Agency]:
    wanted = sorted({code.upper() for code in codes})
    found = {a.code: a for a in Agency.objects.filter(code__in=wanted)}
    unknown = [code[:8] for code in wanted if code not in found]
    if unknown:
        raise InvalidInput("Unknown agency %(agencies)s.", agencies=", ".join(unknown))
    return [found[code] for code in wanted]


def _check_times(starts_at: dt.datetime, ends_at: dt.datetime) -> None:
    if timezone.is_naive(starts_at) or timezone.is_naive(ends_at):
        raise InvalidInput("Give the start and end with their time zone.")
    if ends_at <= starts_at:
        raise InvalidInput("The control must end after it starts.")
    if ends_at - starts_at > MAX_DURATION:
        raise InvalidInput("A control lasts at most %(days)s days.", days=MAX_DURATION.days)


def _check_purpose(purpose: str) -> str:
    purpose = purpose.strip()
    if not 0 < len(purpose) <= MAX_PURPOSE or CONTROL_CHARACTERS.search(purpose):
        raise InvalidInput(
            "Describe the purpose in 1 to %(max)s characters (no control characters).",
            max=MAX_PURPOSE,
        )
    return purpose


def _check_members(centre: Centre, agencies: list[Agency], day: dt.date) -> None:
    """Only agencies that are members of the centre on the control's day take part."""
    memberships = Membership.objects.filter(centre=centre, agency__in=agencies)
    members = {m.agency_id for m in memberships if m.active_on(day)}
    outside = [a.code for a in agencies if a.pk not in members]
    if outside:
        raise InvalidInput(
            "%(agencies)s not a member of %(centre)s on %(day)s and cannot take part.",
            agencies=", ".join(outside) + (" is" if len(outside) == 1 else " are"),
            centre=centre.name,
            day=day.isoformat(),
        )


def _workplaces(workplace_ids: Sequence[str], actor: Actor) -> list[tuple[str, Workplace]]:
    """The register row of each workplace key: the actor's own agency's copy first, then
    any other register's. Only the key and the row's id are used; nothing is shown."""
    keys = sorted({key.strip() for key in workplace_ids if key.strip()})
    if not keys:
        raise InvalidInput("Choose at least one workplace.")
    if len(keys) > MAX_WORKPLACES or any(len(key) > 40 for key in keys):
        raise InvalidInput("Choose at most %(max)s workplaces.", max=MAX_WORKPLACES)
    rows: dict[str, Workplace] = {}
    for row in Workplace.objects.filter(workplace_id__in=keys).select_related("owner"):
        best = rows.get(row.workplace_id)
        if best is None or _preference(row, actor) < _preference(best, actor):
            rows[row.workplace_id] = row
    unknown = [key for key in keys if key not in rows]
    if unknown:
        raise InvalidInput("No register knows workplace %(ids)s.", ids=", ".join(unknown))
    return [(key, rows[key]) for key in keys]


def _preference(row: Workplace, actor: Actor) -> tuple[bool, str]:
    return (row.owner.code != actor.agency, row.owner.code)


def _check_workplaces_free(control: Control, keys: Sequence[str]) -> None:
    """A workplace already planned by another centre at an overlapping time is a conflict
    (the two centres must agree first). The same centre's own plans are its own calendar."""
    clash = (
        ControlWorkplace.objects.filter(
            workplace_id__in=keys,
            control__status__in=IN_FORCE,
            control__starts_at__lt=control.ends_at,
            control__ends_at__gt=control.starts_at,
        )
        .exclude(control__centre_id=control.centre_id)
        .exclude(control_id=control.pk)
        .select_related("control__centre")
        .order_by("control__starts_at", "control_id")
        .first()
    )
    if clash is not None:
        other = clash.control
        raise Conflict(
            "Workplace %(workplace)s is already planned by %(centre)s in control %(control)s "
            "(%(start)s to %(end)s).",
            workplace=clash.workplace_id,
            centre=other.centre.name,
            control=other.pk,
            start=when(other.starts_at),
            end=when(other.ends_at),
        )


def _check_not_double_booked(control: Control, user_id: int, username: str) -> None:
    """A person is in at most one control in force at any time."""
    clash = (
        Control.objects.filter(
            team__user_id=user_id,
            status__in=IN_FORCE,
            starts_at__lt=control.ends_at,
            ends_at__gt=control.starts_at,
        )
        .exclude(pk=control.pk)
        .order_by("starts_at", "pk")
        .first()
    )
    if clash is not None:
        raise Conflict(
            "%(username)s is already in the team of control %(control)s at that time "
            "(%(start)s to %(end)s).",
            username=username,
            control=clash.pk,
            start=when(clash.starts_at),
            end=when(clash.ends_at),
        )


def closed_sites(
    sites: Sequence[tuple[str, Workplace]], starts_at: dt.datetime
) -> list[tuple[str, str]]:
    """The workplaces that are closed when the control starts, by the register's
    ``opening_hours`` (key, opening hours). A site whose hours cannot be read is not
    counted as closed: the register is not a reason to block a plan."""
    local = timezone.localtime(starts_at)
    closed = []
    for key, row in sites:
        try:
            hours = parse_opening_hours(row.opening_hours)
        except ValueError:
            continue
        if not hours.is_open(local):
            closed.append((key, row.opening_hours))
    return closed


def _check_opening_hours(
    sites: Sequence[tuple[str, Workplace]], starts_at: dt.datetime, accepted: bool
) -> list[str]:
    """A control that starts while a site is closed is a conflict unless the planner
    accepts it (an evening control of a restaurant's back office, say). Returns the keys
    accepted as closed, for the audit entry."""
    closed = closed_sites(sites, starts_at)
    if closed and not accepted:
        key, hours = closed[0]
        raise Conflict(
            "Workplace %(workplace)s is closed at %(start)s (opening hours: %(hours)s). "
            "Choose another time or confirm that the control is planned outside the "
            "opening hours.",
            workplace=key,
            start=when(starts_at),
            hours=hours,
        )
    return [key for key, _ in closed]


def _industry(sites: Sequence[tuple[str, Workplace]]) -> str:
    """The SNI section of the first workplace's industry, or blank."""
    for _key, row in sites:
        section = sni_section(row.sni)
        if section:
            return section
    return ""


def _create(
    *,
    actor: Actor,
    status: Status,
    action: str,
    centre: str,
    lead_agency: str,
    agencies: Sequence[str],
    workplaces: Sequence[str],
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    purpose: str,
    outside_opening_hours: bool = False,
    tips: Sequence[str] = (),
) -> Control:
    policies.check_may_plan(actor=actor, centre=centre.lower())
    centre_row = _centre(centre)
    _check_times(starts_at, ends_at)
    purpose = _check_purpose(purpose)
    agency_rows = _agencies(agencies)
    lead = lead_agency.upper()
    if lead not in {a.code for a in agency_rows}:
        raise InvalidInput("The lead agency %(lead)s must take part in the control.", lead=lead)
    _check_members(centre_row, agency_rows, timezone.localdate(starts_at))
    sites = _workplaces(workplaces, actor)
    tip_ids = _tips(tips)
    _check_centre_tips(tip_ids, centre_row)
    closed = _check_opening_hours(sites, starts_at, outside_opening_hours)
    with transaction.atomic():
        control = Control.objects.create(
            centre=centre_row,
            lead_agency=next(a for a in agency_rows if a.code == lead),
            starts_at=starts_at,
            ends_at=ends_at,
            purpose=purpose,
            status=status,
            industry=_industry(sites),
            created_by_id=actor.user_id,
        )
        ControlTip.objects.bulk_create(ControlTip(control=control, tip_id=t) for t in tip_ids)
        if status in IN_FORCE:
            _check_workplaces_free(control, [key for key, _ in sites])
        ControlWorkplace.objects.bulk_create(
            ControlWorkplace(control=control, register_workplace=row, workplace_id=key)
            for key, row in sites
        )
        Participation.objects.bulk_create(
            Participation(control=control, agency=agency) for agency in agency_rows
        )
        audit.record(
            actor=actor,
            action=action,
            object_type="control",
            object_id=str(control.pk),
            detail={
                "status": control.status,
                "centre": centre_row.code,
                "lead_agency": lead,
                "agencies": [a.code for a in agency_rows],
                "workplaces": [key for key, _ in sites],
                "starts_at": starts_at.isoformat(),
                "ends_at": ends_at.isoformat(),
                "tips": tip_ids,
                "planned_while_closed": closed,
            },
        )
    return control


def _tips(tips: Sequence[str]) -> list[str]:
    """Tip keys the control follows up: at most 20, each a key of at most 40 characters
    of letters, digits and - _ . : (the key is kept, not looked up: tips may belong to
    another agency's register or to the tips module)."""
    keys = sorted({t.strip() for t in tips if t.strip()})
    if len(keys) > MAX_TIPS or any(not TIP_KEY.fullmatch(k) for k in keys):
        raise InvalidInput(
            "Give at most %(max)s tip numbers of up to 40 letters, digits or - _ . :",
            max=MAX_TIPS,
        )
    return keys


def _check_centre_tips(keys: Sequence[str], centre: Centre) -> None:
    """A key of the tips module (``TIP-<number>``) must name a tip of the planning centre
    (or one not yet routed): a control elsewhere cannot mark another centre's tip as
    followed up, nor count in its statistics. Other agencies' register keys are kept as
    given."""
    numbers = {key: key[4:] for key in keys if key.upper().startswith("TIP-")}
    if not numbers:
        return
    from akrim.tips.models import Tip  # the centres' own tips: checked, not only kept

    known = dict(
        Tip.objects.filter(
            pk__in=[int(n) for n in numbers.values() if n.isascii() and n.isdigit()]
        ).values_list("pk", "centre_id")
    )
    for key, number in numbers.items():
        tip = int(number) if number.isascii() and number.isdigit() else None
        if tip not in known or known[tip] not in (None, centre.pk):
            raise InvalidInput("There is no tip %(key)s at this centre.", key=key)


def plan_control(
    *,
    actor: Actor,
    centre: str,
    lead_agency: str,
    agencies: Sequence[str],
    workplaces: Sequence[str],
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    purpose: str,
    outside_opening_hours: bool = False,
    tips: Sequence[str] = (),
) -> Control:
    """Plan a joint control (status planned): it enters the calendar at once.

    Callable by a coordinator of ``centre`` or an administrator. ``agencies`` are agency
    codes and must all be members of the centre on the control's day; the lead agency is
    one of them; ``workplaces`` are workplace keys known in any agency's register.
    ``tips`` are keys of tips the control follows up. A site closed at the start (by its
    register ``opening_hours``) is a Conflict unless ``outside_opening_hours`` confirms it.
    Raises Forbidden, InvalidInput, or Conflict (a workplace planned by another centre at
    an overlapping time; a site closed at the start).
    """
    return _create(
        actor=actor,
        status=Status.PLANNED,
        action="plan_control",
        centre=centre,
        lead_agency=lead_agency,
        agencies=agencies,
        workplaces=workplaces,
        starts_at=starts_at,
        ends_at=ends_at,
        purpose=purpose,
        outside_opening_hours=outside_opening_hours,
        tips=tips,
    )


def draft_control(
    *,
    actor: Actor,
    centre: str,
    lead_agency: str,
    agencies: Sequence[str],
    workplaces: Sequence[str],
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    purpose: str,
    outside_opening_hours: bool = False,
    tips: Sequence[str] = (),
) -> Control:
    """Save a control as a draft: checked as ``plan_control`` does, but it books no
    workplace or person and opens no register data until ``mark_planned``.

    Same callers and errors as ``plan_control``, except no Conflict.
    """
    return _create(
        actor=actor,
        status=Status.DRAFT,
        action="draft_control",
        centre=centre,
        lead_agency=lead_agency,
        agencies=agencies,
        workplaces=workplaces,
        starts_at=starts_at,
        ends_at=ends_at,
        purpose=purpose,
        outside_opening_hours=outside_opening_hours,
        tips=tips,
    )


# --- the lifecycle ---------------------------------------------------------------------


def _check_move(control: Control, to: Status) -> None:
    if not control.may_move_to(to):
        raise Conflict(
            "Control %(control)s is %(status)s; it can be %(verb)s only when it is %(allowed)s.",
            control=control.pk,
            status=state(control.status),
            verb=VERBS[to],
            allowed=states(MOVES[to]),
        )


Check = Callable[..., None]


def _move(
    *,
    actor: Actor,
    control_id: int,
    to: Status,
    action: str,
    check: Check,
    before: Callable[[Control], None] | None = None,
    detail: dict[str, Any] | None = None,
) -> Control:
    with transaction.atomic():
        control = locked(actor, control_id)
        check(actor=actor, control=control)
        _check_move(control, to)
        if before is not None:
            before(control)
        previous = control.status
        control.status = to
        control.save(update_fields=["status", "updated_at"])
        audit.record(
            actor=actor,
            action=action,
            object_type="control",
            object_id=str(control.pk),
            detail={"from": previous, "to": to.value, **(detail or {})},
        )
    return control


def reschedule_control(
    *,
    actor: Actor,
    control_id: int,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    outside_opening_hours: bool = False,
) -> Control:
    """Move a control that has not been carried out (draft, planned, prepared) to another
    time, e.g. a draft made from the selection list. Coordinators of the centre. Checked as
    planning is: the times, the workplaces not planned by another centre then, the team
    not booked elsewhere, the sites open at the start (unless confirmed). Raises NotFound,
    Forbidden, InvalidInput, Conflict."""
    _check_times(starts_at, ends_at)
    with transaction.atomic():
        control = locked(actor, control_id)
        policies.check_may_coordinate(actor=actor, control=control)
        if control.status not in (Status.DRAFT, Status.PLANNED, Status.PREPARED):
            raise Conflict("Only a control that has not been carried out can be moved.")
        before = (control.starts_at, control.ends_at)
        control.starts_at, control.ends_at = starts_at, ends_at
        _check_still_free(control)
        sites = [
            (row.workplace_id, row.register_workplace)
            for row in control.workplaces.select_related("register_workplace")
            if row.register_workplace is not None
        ]
        accepted = _check_opening_hours(sites, starts_at, outside_opening_hours)
        control.save(update_fields=["starts_at", "ends_at", "updated_at"])
        audit.record(
            actor=actor,
            action="reschedule_control",
            object_type="control",
            object_id=str(control.pk),
            fields=["starts_at", "ends_at"],
            detail={
                "from": [before[0].isoformat(), before[1].isoformat()],
                "to": [starts_at.isoformat(), ends_at.isoformat()],
                "planned_while_closed": accepted,
            },
        )
    return control


def _check_still_free(control: Control) -> None:
    """Conflicts are checked again when a draft becomes a plan: time has passed."""
    _check_workplaces_free(control, list(control.workplaces.values_list("workplace_id", flat=True)))
    for member in control.team.select_related("user"):
        _check_not_double_booked(control, member.user_id, member.user.username)


def mark_planned(*, actor: Actor, control_id: int) -> Control:
    """A draft becomes a plan. Coordinators of the centre. Raises NotFound, Forbidden,
    Conflict (not a draft; a workplace or a team member is booked elsewhere)."""
    return _move(
        actor=actor,
        control_id=control_id,
        to=Status.PLANNED,
        action="plan_control",
        check=policies.check_may_coordinate,
        before=_check_still_free,
    )


def mark_prepared(*, actor: Actor, control_id: int) -> Control:
    """Planned → prepared. Coordinators of the centre or the lead agency's team."""
    return _move(
        actor=actor,
        control_id=control_id,
        to=Status.PREPARED,
        action="mark_control_prepared",
        check=policies.check_may_advance,
    )


def mark_carried_out(*, actor: Actor, control_id: int) -> Control:
    """Prepared → carried out. Coordinators of the centre or the lead agency's team."""
    return _move(
        actor=actor,
        control_id=control_id,
        to=Status.CARRIED_OUT,
        action="mark_control_carried_out",
        check=policies.check_may_advance,
    )


def start_follow_up(*, actor: Actor, control_id: int) -> Control:
    """Carried out → in follow-up. Coordinators of the centre or the lead agency's team."""
    return _move(
        actor=actor,
        control_id=control_id,
        to=Status.IN_FOLLOW_UP,
        action="start_control_follow_up",
        check=policies.check_may_advance,
    )


def _check_every_part_closed(control: Control) -> None:
    still_open = list(
        control.participations.filter(status=Participation.PartStatus.OPEN)
        .order_by("agency__code")
        .values_list("agency__code", flat=True)
    )
    if still_open:
        raise Conflict(
            "Control %(control)s cannot be closed: the part of %(agencies)s is still open.",
            control=control.pk,
            agencies=", ".join(still_open),
        )


def close_control(*, actor: Actor, control_id: int) -> Control:
    """In follow-up → closed, once every participating agency has closed its part.
    Coordinators of the centre. Raises NotFound, Forbidden, Conflict (naming the open
    parts)."""
    return _move(
        actor=actor,
        control_id=control_id,
        to=Status.CLOSED,
        action="close_control",
        check=policies.check_may_coordinate,
        before=_check_every_part_closed,
    )


def cancel_control(*, actor: Actor, control_id: int, reason: str) -> Control:
    """Cancel a control that has not been carried out, with a reason (kept in the audit
    log). Coordinators of the centre. Raises NotFound, Forbidden, InvalidInput, Conflict."""
    reason = text(reason, field="the reason for cancelling", max_length=MAX_REASON, required=True)
    return _move(
        actor=actor,
        control_id=control_id,
        to=Status.CANCELLED,
        action="cancel_control",
        check=policies.check_may_coordinate,
        detail={"reason": reason},
    )


# --- team and agency parts -------------------------------------------------------------


def assign_team_member(*, actor: Actor, control_id: int, username: str) -> TeamMember:
    """Put a member of staff in the control's team, for their agency.

    Coordinators of the centre, before the control is carried out. The person must be an
    active member of staff of a participating agency and not in another control in force
    at an overlapping time. Raises NotFound, Forbidden, InvalidInput, Conflict.
    """
    with transaction.atomic():
        control = locked(actor, control_id)
        policies.check_may_coordinate(actor=actor, control=control)
        if control.status not in TEAM_OPEN:
            raise Conflict(
                "Control %(control)s is %(status)s; its team can change only before it is "
                "carried out.",
                control=control.pk,
                status=state(control.status),
            )
        # Lock the person's staff row so that two plans cannot book them at once.
        staff = (
            Staff.objects.select_for_update(of=("self",))
            .select_related("user", "agency")
            .filter(user__username=username, user__is_active=True)
            .first()
        )
        if staff is None:
            raise InvalidInput(
                "No active member of staff is called %(username)s.", username=username[:150]
            )
        if not control.participations.filter(agency_id=staff.agency_id).exists():
            raise InvalidInput(
                "%(username)s works for %(agency)s, which does not take part in control "
                "%(control)s.",
                username=staff.user.username,
                agency=staff.agency.code,
                control=control.pk,
            )
        if control.team.filter(user_id=staff.user_id).exists():
            raise Conflict(
                "%(username)s is already in the team of control %(control)s.",
                username=staff.user.username,
                control=control.pk,
            )
        if control.status in IN_FORCE:
            _check_not_double_booked(control, staff.user_id, staff.user.username)
        member = TeamMember.objects.create(control=control, user=staff.user, agency=staff.agency)
        audit.record(
            actor=actor,
            action="assign_team_member",
            object_type="control",
            object_id=str(control.pk),
            detail={"user": staff.user.username, "agency": staff.agency.code},
        )
    return member


def close_agency_part(*, actor: Actor, control_id: int, agency: str) -> Participation:
    """An agency closes its part of the follow-up. Inspectors and coordinators of that
    agency, while the control is in follow-up. Raises NotFound, Forbidden, Conflict."""
    code = agency.upper()
    with transaction.atomic():
        control = locked(actor, control_id)
        policies.check_may_close_part(actor=actor, agency=code)
        part = (
            control.participations.select_for_update(of=("self",))
            .select_related("agency")
            .filter(agency__code=code)
            .first()
        )
        if part is None:
            raise InvalidInput(
                "%(agency)s does not take part in control %(control)s.",
                agency=code[:8],
                control=control.pk,
            )
        if control.status != Status.IN_FOLLOW_UP:
            raise Conflict(
                "Control %(control)s is %(status)s; an agency closes its part only during "
                "follow-up.",
                control=control.pk,
                status=state(control.status),
            )
        if part.status == Participation.PartStatus.CLOSED:
            raise Conflict(
                "The part of %(agency)s in control %(control)s is already closed.",
                agency=code,
                control=control.pk,
            )
        part.status = Participation.PartStatus.CLOSED
        part.closed_at = timezone.now()
        part.closed_by_id = actor.user_id
        part.save(update_fields=["status", "closed_at", "closed_by"])
        audit.record(
            actor=actor,
            action="close_agency_part",
            object_type="control",
            object_id=str(control.pk),
            detail={"agency": code},
        )
    return part
