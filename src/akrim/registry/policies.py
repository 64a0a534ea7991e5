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


# What break-the-glass on one record opens: the record and what hangs on it.
KEY_PATHS: dict[str, dict[str, str]] = {
    "company": {
        "Company": "org_no",
        "Role": "company__org_no",
        "Workplace": "company__org_no",
        "Payroll": "company__org_no",
        "Permit": "company__org_no",
    },
    "person": {
        "Person": "person_id",
        "Role": "person__person_id",
        "Payroll": "person__person_id",
        "Permit": "person__person_id",
    },
    "workplace": {
        "Workplace": "workplace_id",
        "ControlRecord": "workplace__workplace_id",
        "FindingRecord": "control__workplace__workplace_id",
    },
}


def _finder(model_name: str, field: str) -> policy.RecordFinder:
    def owners(key: str) -> set[str]:
        from akrim.registry import models

        model = getattr(models, model_name)
        return set(model.objects.filter(**{field: key}).values_list("owner__code", flat=True))

    return owners


def register_with_access() -> None:
    """Tell the access policy how to find and open registry records (called at start-up)."""
    for object_type, paths in KEY_PATHS.items():
        policy.register_key_paths(object_type, paths)
        model_name = next(iter(paths))
        policy.register_record_finder(object_type, _finder(model_name, paths[model_name]))
