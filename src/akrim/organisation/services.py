"""Writes to the organisation: staff, memberships, the membership deadline."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from akrim.audit import services as audit
from akrim.core.actor import Actor, Role
from akrim.core.errors import Conflict, InvalidInput, NotFound
from akrim.organisation.models import Agency, Centre, MembershipDeadline, Staff
from akrim.organisation.policies import check_may_administer


def _agency(code: str) -> Agency:
    agency = Agency.objects.filter(code=code.upper()).first()
    if agency is None:
        raise InvalidInput("Unknown agency %(code)s.", code=code)
    return agency


def _centre(name: str) -> Centre:
    centre = (
        Centre.objects.filter(name__iexact=name).first()
        or Centre.objects.filter(code=name.lower()).first()
    )
    if centre is None:
        raise InvalidInput("Unknown centre %(name)s.", name=name)
    return centre


def create_staff(
    *,
    actor: Actor,
    username: str,
    password: str,
    agency: str,
    centres: list[str],
    roles: list[str],
    email: str = "",
) -> Staff:
    """Create a user with their agency, centre(s) and roles. Administrators only.

    Raises InvalidInput (unknown agency, centre or role; weak password), Conflict (taken).
    """
    check_may_administer(actor=actor)
    agency_row = _agency(agency)
    centre_rows = [_centre(name) for name in centres]
    unknown = sorted(set(roles) - {r.value for r in Role})
    if unknown or not roles:
        raise InvalidInput("Unknown or missing role: %(roles)s.", roles=", ".join(unknown))
    if not username or len(username) > 150:
        raise InvalidInput("A username of 1 to 150 characters is needed.")
    try:
        validate_password(password, User(username=username))
    except ValidationError as error:
        raise InvalidInput("; ".join(error.messages)) from error
    with transaction.atomic():
        if User.objects.filter(username=username).exists():
            raise Conflict("The username %(username)s is taken.", username=username)
        user = User.objects.create_user(username=username, password=password, email=email)
        staff = Staff.objects.create(user=user, agency=agency_row, roles=sorted(set(roles)))
        staff.centres.set(centre_rows)
        audit.record(
            actor=actor,
            action="create_staff",
            object_type="user",
            object_id=str(user.pk),
            detail={
                "agency": agency_row.code,
                "centres": [c.code for c in centre_rows],
                "roles": sorted(set(roles)),
            },
        )
    return staff


def deactivate_user(*, actor: Actor, username: str) -> None:
    """Deactivate a user; takes effect on their next request. Administrators only."""
    check_may_administer(actor=actor)
    with transaction.atomic():
        updated = User.objects.filter(username=username).update(is_active=False)
        if not updated:
            raise NotFound()
        audit.record(actor=actor, action="deactivate_user", object_type="user", object_id=username)


def set_membership_deadline(
    *, actor: Actor, deadline: dt.date, note: str = ""
) -> MembershipDeadline:
    """Set the date by which every agency should be a member of every centre."""
    check_may_administer(actor=actor)
    if not dt.date(2017, 1, 1) <= deadline <= dt.date(2100, 1, 1):
        raise InvalidInput("The deadline %(deadline)s is out of range.", deadline=deadline)
    with transaction.atomic():
        row = MembershipDeadline.objects.create(
            deadline=deadline, note=note[:200], set_by_id=actor.user_id
        )
        audit.record(
            actor=actor,
            action="set_membership_deadline",
            object_type="membership_deadline",
            object_id=str(row.pk),
            detail={"deadline": deadline.isoformat()},
        )
    return row
