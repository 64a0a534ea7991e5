"""Retention: delete register rows whose data category's time has passed.

Each data category (``access.DataCategory``) may carry ``retention_days``. A row's age is
measured from the date that makes it old (a tip from when it came in, a control from its
day, a payroll month from its period, a permit from when it ended). Run nightly by the
scheduler (``akrim retention purge``); every purge writes one audit entry per category.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Model, Q

from akrim.access.models import DataCategory
from akrim.audit import services as audit
from akrim.core.actor import Actor, Role
from akrim.core.errors import Forbidden
from akrim.registry import models
from akrim.registry.policies import category_of

# model -> the field whose date starts the retention clock (payroll: "YYYY-MM" text)
AGE_FIELDS: dict[type[Model], str] = {
    models.TipRecord: "received_on",
    models.Encounter: "control__date",
    models.FindingRecord: "control__date",
    models.ControlRecord: "date",
    models.Payroll: "period",
    models.Permit: "valid_to",
}


@dataclass(frozen=True)
class PurgeResult:
    today: dt.date
    deleted: dict[str, int]  # model name -> rows deleted

    @property
    def total(self) -> int:
        return sum(self.deleted.values())


def _expired(model: type[Model], field: str, cutoff: dt.date) -> Q:
    if field == "period":
        return Q(period__lt=cutoff.strftime("%Y-%m"))
    return Q(**{f"{field}__lt": cutoff})


def purge_expired(*, actor: Actor, today: dt.date) -> PurgeResult:
    """Delete every row older than its category's retention. System or administrators.

    Raises Forbidden for anyone else. All or nothing, in one transaction.
    """
    if not (actor.is_system or actor.has_role(Role.ADMIN)):
        raise Forbidden()
    days = {c.code: c.retention_days for c in DataCategory.objects.all()}
    deleted: dict[str, int] = {}
    with transaction.atomic():
        for model, field in AGE_FIELDS.items():
            category = category_of(model)
            keep = days.get(category)
            if keep is None:
                continue
            cutoff = today - dt.timedelta(days=keep)
            expired = model._default_manager.filter(_expired(model, field, cutoff))
            if model is models.ControlRecord:
                # Its encounters (people met) have their own category and retention: the
                # record stays until they are gone, or the cascade would delete them early.
                expired = expired.filter(encounters__isnull=True)
            _total, by_model = expired.delete()
            count = by_model.get(model._meta.label, 0)
            deleted[model.__name__] = count
            audit.record(
                actor=actor,
                action="retention_purge",
                object_type=model.__name__,
                detail={
                    "category": category,
                    "retention_days": keep,
                    "cutoff": cutoff.isoformat(),
                    "deleted": count,
                },
            )
    return PurgeResult(today, deleted)
