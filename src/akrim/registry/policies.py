"""Which data category each register record belongs to, and where it lies; the decision
itself is made in ``akrim.access.policy``."""

from __future__ import annotations

from typing import TypeVar

from django.db.models import Model, QuerySet

from akrim.access import policy
from akrim.access.policy import Grant
from akrim.core.actor import Actor

M = TypeVar("M", bound=Model)

# model name -> (data category, the row's municipality field for the same-centre condition)
CATEGORIES: dict[str, tuple[str, str | None]] = {
    "Company": ("company", "municipality"),
    "Workplace": ("company", "municipality"),
    "Role": ("company", "company__municipality"),
    "Person": ("identity", "municipality"),
    "Payroll": ("payroll", "company__municipality"),
    "Permit": ("permit", "company__municipality"),
    "ControlRecord": ("control", "workplace__municipality"),
    "FindingRecord": ("control", "control__workplace__municipality"),
    "TipRecord": ("tip", None),
    "Encounter": ("right_to_work", "control__workplace__municipality"),
}


def category_of(model: type[Model]) -> str:
    return CATEGORIES[model.__name__][0]


def scoped(queryset: QuerySet[M], *, actor: Actor) -> QuerySet[M]:
    """Only the rows the actor may see, by the rules for the model's data category."""
    category, place = CATEGORIES[queryset.model.__name__]
    return policy.scope(queryset, actor=actor, category=category, place=place)


def grant_for(record: Model, *, actor: Actor) -> Grant | None:
    category, place = CATEGORIES[type(record).__name__]
    return policy.grant_for(record, actor=actor, category=category, place=place)
