"""Retention of tips: a finished tip is deleted when its data category's time has passed.

The category "tip" (``access.DataCategory``) may carry ``retention_days``, counted from when
the tip came in. Only finished tips go (handled, duplicate or closed): a tip still being
worked on stays however old. Its messages and attachments go with it; a control that
followed it up keeps the tip's number (``ControlTip``), not its text. Used form tokens past
their expiry and throttle windows older than a day are cleared at the same time. Run
nightly with the register purge (``akrim retention purge``); one audit entry per purge.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from akrim.access.models import DataCategory
from akrim.audit import services as audit
from akrim.core.actor import Actor, Role
from akrim.core.errors import Forbidden
from akrim.tips.models import RateWindow, Status, Tip, UsedFormToken

FINISHED = (Status.HANDLED, Status.DUPLICATE, Status.CLOSED)


@dataclass(frozen=True)
class TipPurge:
    retention_days: int | None  # None: no retention set, no tip deleted
    tips_deleted: int
    tokens_deleted: int
    windows_deleted: int


def purge_tips(*, actor: Actor, today: dt.date) -> TipPurge:
    """Delete finished tips past the retention, and expired tokens and old throttle
    windows. The system and administrators only (raises Forbidden); one transaction."""
    if not (actor.is_system or actor.has_role(Role.ADMIN)):
        raise Forbidden()
    days = DataCategory.objects.filter(code="tip").values_list("retention_days", flat=True).first()
    now = timezone.now()
    with transaction.atomic():
        tips = 0
        if days is not None:
            cutoff = dt.datetime.combine(
                today - dt.timedelta(days=days), dt.time(), tzinfo=ZoneInfo(settings.TIME_ZONE)
            )
            old = Tip.objects.filter(received_at__lt=cutoff, status__in=FINISHED)
            # a duplicate's original is kept while a newer duplicate points at it
            old = old.exclude(duplicates__received_at__gte=cutoff)
            tips = old.delete()[1].get(Tip._meta.label, 0)
        tokens = UsedFormToken.objects.filter(expires_at__lt=now).delete()[0]
        windows = RateWindow.objects.filter(window_start__lt=now - dt.timedelta(days=1)).delete()[0]
        audit.record(
            actor=actor,
            action="retention_purge",
            object_type="tip",
            detail={
                "retention_days": days,
                "tips_deleted": tips,
                "tokens_deleted": tokens,
                "windows_deleted": windows,
            },
        )
    return TipPurge(days, tips, tokens, windows)
