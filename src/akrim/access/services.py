"""Writes of the access app: the purpose one acts under, break-the-glass, reviews."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from akrim.access import policy
from akrim.access.models import BreakGlassAccess, ReviewTask
from akrim.audit import services as audit
from akrim.core.actor import Actor, Purpose, Role
from akrim.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from akrim.core.text import looks_like_key
from akrim.organisation.models import Agency

CHOOSABLE = (
    Purpose.PLANNING,
    Purpose.EXECUTION,
    Purpose.FOLLOW_UP,
    Purpose.ANALYSIS,
    Purpose.STATISTICS,
)
REASON_MIN, REASON_MAX = 20, 2000


def choose_purpose(*, actor: Actor, purpose: str) -> Purpose:
    """Validate and audit a change of purpose; the caller keeps it in the session.

    Any signed-in member of staff may choose among the working purposes.
    Raises InvalidInput for anything else.
    """
    try:
        chosen = Purpose(purpose)
    except ValueError as error:
        raise InvalidInput("Unknown purpose %(purpose)s.", purpose=purpose[:40]) from error
    if chosen not in CHOOSABLE:
        raise InvalidInput("Unknown purpose %(purpose)s.", purpose=purpose[:40])
    audit.record(actor=actor, action="choose_purpose", detail={"purpose": chosen.value})
    return chosen


def _check_second_factor(actor: Actor, code: str) -> None:
    device = TOTPDevice.objects.filter(user_id=actor.user_id, confirmed=True).first()
    if device is None:
        raise InvalidInput("Set up two-factor authentication before using emergency access.")
    if not (len(code) == 6 and code.isdigit() and device.verify_token(code)):
        raise InvalidInput("The code from your authenticator app is wrong or has expired.")


def break_the_glass(
    *,
    actor: Actor,
    object_type: str,
    key: str,
    reason: str,
    code: str,
    minutes: int = BreakGlassAccess.MAX_MINUTES,
) -> list[BreakGlassAccess]:
    """Open one record of other agencies outside every rule, for at most 60 minutes.

    Callable by staff in a reading role with a confirmed second factor, who re-enter a
    current code and write a reason. Each owning agency gets a review task; the opening
    and every read under it are audited and flagged. Raises Forbidden, InvalidInput or
    NotFound (no record of another agency with that key).
    """
    if not policy.may_read_registers(actor=actor) or actor.user_id is None:
        raise Forbidden()
    if object_type not in policy.break_glass_types():
        raise InvalidInput("Unknown kind of record %(kind)s.", kind=object_type[:20])
    key = key.strip().replace("-", "") if object_type == "company" else key.strip()
    if not looks_like_key(key, max_length=40):
        raise InvalidInput("Enter the record's number or id.")
    reason = reason.strip()
    if not REASON_MIN <= len(reason) <= REASON_MAX:
        raise InvalidInput(
            "Write the reason in %(min)s to %(max)s characters.", min=REASON_MIN, max=REASON_MAX
        )
    if not 1 <= minutes <= BreakGlassAccess.MAX_MINUTES:
        raise InvalidInput("Emergency access lasts 1 to 60 minutes.")
    _check_second_factor(actor, code)
    owners = sorted(policy.owners_holding(object_type, key) - {actor.agency or ""})
    if not owners:
        raise NotFound()
    now = timezone.now()
    opened = []
    with transaction.atomic():
        for owner in owners:
            access = BreakGlassAccess.objects.create(
                user_id=actor.user_id,
                agency=Agency.objects.get(code=actor.agency),
                owner=Agency.objects.get(code=owner),
                object_type=object_type,
                object_key=key,
                reason=reason,
                started_at=now,
                expires_at=now + dt.timedelta(minutes=minutes),
            )
            ReviewTask.objects.create(access=access, owner=access.owner)
            audit.record(
                actor=actor,
                action="break_the_glass",
                object_type=object_type,
                object_id=key,
                object_owner=owner,
                detail={
                    "reason": reason,
                    "access": access.pk,
                    "expires_at": access.expires_at.isoformat(),
                },
            )
            opened.append(access)
    return opened


def review_break_glass(*, actor: Actor, task_id: int, verdict: str, note: str) -> ReviewTask:
    """The owning agency's data-protection auditor judges one emergency access
    (``verdict``: justified or unjustified).

    Raises Forbidden (not an auditor), NotFound (another agency's task), Conflict (done),
    InvalidInput (unknown verdict).
    """
    if not actor.has_role(Role.DP_AUDITOR) or not actor.agency:
        raise Forbidden()
    verdicts = {ReviewTask.Status.JUSTIFIED, ReviewTask.Status.UNJUSTIFIED}
    if verdict not in verdicts:
        raise InvalidInput("Choose justified or unjustified.")
    with transaction.atomic():
        task = (
            ReviewTask.objects.select_for_update()
            .filter(pk=task_id, owner__code=actor.agency)
            .first()
        )
        if task is None:
            raise NotFound()
        if task.status != ReviewTask.Status.OPEN:
            raise Conflict("This access has already been reviewed.")
        task.status = ReviewTask.Status(verdict)
        task.note = note.strip()[:2000]
        task.reviewed_by_id = actor.user_id
        task.reviewed_at = timezone.now()
        task.save()
        audit.record(
            actor=actor,
            action="review_break_the_glass",
            object_type="review_task",
            object_id=str(task.pk),
            object_owner=actor.agency,
            detail={"status": task.status},
        )
    return task
