"""The one place that decides who may see whose records, for which purpose.

Deny by default. An actor in a reading role (inspector, analyst, coordinator) sees their
own agency's records; another agency's records only through an active ``SharingRule``
for the actor's agency, the record's data category and the actor's current purpose, and
only where the rule's condition holds. Rules are read on every request, so revoking a
rule or deactivating a user takes effect on the next one.

Queries narrow querysets with ``scope``; detail reads ask ``grant_for`` which fields of
one record may be shown and on what legal basis.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from django.db.models import Model, Q, QuerySet
from django.utils import timezone

from akrim.access.models import Condition, SharingRule
from akrim.core.actor import Actor, Role

M = TypeVar("M", bound=Model)

READER_ROLES = (Role.INSPECTOR, Role.ANALYST, Role.COORDINATOR)
OWN_RECORDS = "own_records"

# Other apps register how a condition narrows their records, e.g. controls registers
# ASSIGNED_TO_CONTROL: (actor, model) -> Q of the rows the actor's controls concern, or
# None when the condition cannot hold. Without a provider a condition never holds.
ConditionProvider = Callable[[Actor, type[Model], str], Q | None]
_PROVIDERS: dict[str, ConditionProvider] = {}


def register_condition(condition: str, provider: ConditionProvider) -> None:
    _PROVIDERS[condition] = provider


@dataclass(frozen=True)
class Grant:
    """Why an actor may see records of ``owner``: own agency, or a rule with its basis."""

    owner: str
    fields: frozenset[str] | None  # None = every field
    legal_basis: str
    rule_id: int | None = None
    condition: str = Condition.NONE

    @property
    def is_own(self) -> bool:
        return self.rule_id is None

    def allows(self, field: str) -> bool:
        return self.fields is None or field in self.fields


def grants(*, actor: Actor, category: str) -> list[Grant]:
    """Every grant the actor holds for ``category`` under the current purpose."""
    if actor.agency is None or not actor.has_role(*READER_ROLES):
        return []
    found = [Grant(owner=actor.agency, fields=None, legal_basis=OWN_RECORDS)]
    today = timezone.localdate()
    rules = (
        SharingRule.objects.filter(
            recipient__code=actor.agency,
            category__code=category,
            purpose=actor.purpose,
            revoked_at__isnull=True,
        )
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=today))
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today))
        .select_related("owner", "legal_basis")
        .order_by("pk")
    )
    for rule in rules:
        fields = frozenset(rule.fields) if rule.fields else None
        found.append(
            Grant(
                owner=rule.owner.code,
                fields=fields,
                legal_basis=rule.legal_basis.code,
                rule_id=rule.pk,
                condition=rule.condition,
            )
        )
    return found


def _condition_q(grant: Grant, actor: Actor, model: type[Model], place: str | None) -> Q | None:
    if grant.condition == Condition.NONE:
        return Q()
    if grant.condition == Condition.SAME_CENTRE:
        if place is None or not actor.centres:
            return None
        return Q(**{f"{place}__in": _municipalities_of(actor.centres)})
    provider = _PROVIDERS.get(grant.condition)
    return provider(actor, model, place or "") if provider else None


def _municipalities_of(centres: frozenset[str]) -> list[str]:
    from akrim.organisation.models import Municipality

    return list(
        Municipality.objects.filter(county__centre__code__in=centres).values_list("code", flat=True)
    )


def _grant_q(grant: Grant, actor: Actor, model: type[Model], place: str | None) -> Q | None:
    condition = _condition_q(grant, actor, model, place)
    return None if condition is None else Q(owner__code=grant.owner) & condition


def scope(
    queryset: QuerySet[M], *, actor: Actor, category: str, place: str | None = None
) -> QuerySet[M]:
    """Only the rows the actor may see in ``category``. ``place`` names the row's
    municipality field (for the same-centre condition)."""
    combined: Q | None = None
    for grant in grants(actor=actor, category=category):
        q = _grant_q(grant, actor, queryset.model, place)
        if q is not None:
            combined = q if combined is None else combined | q
    return queryset.none() if combined is None else queryset.filter(combined)


def grant_for(
    record: Model, *, actor: Actor, category: str, place: str | None = None
) -> Grant | None:
    """Under which grant ``record`` may be shown to the actor, or None.

    Own agency: every field. Otherwise every rule whose condition holds for this record
    counts; the fields shown are the union of theirs (a rule without a field list: all).
    """
    owner = record.owner.code  # type: ignore[attr-defined]  # every owned record has one
    holding: list[Grant] = []
    for grant in grants(actor=actor, category=category):
        if grant.owner != owner:
            continue
        q = _grant_q(grant, actor, type(record), place)
        if q is None or not type(record)._default_manager.filter(q, pk=record.pk).exists():
            continue
        if grant.is_own:
            return grant
        holding.append(grant)
    if not holding:
        return None
    unrestricted = any(g.fields is None for g in holding)
    fields = None if unrestricted else frozenset().union(*(g.fields or () for g in holding))
    return Grant(
        owner=owner,
        fields=fields,
        legal_basis=",".join(sorted({g.legal_basis for g in holding})),
        rule_id=holding[0].rule_id,
        condition=holding[0].condition,
    )


def readable_owner_codes(*, actor: Actor, category: str) -> frozenset[str]:
    """Owner agencies of which the actor may see at least some ``category`` records."""
    return frozenset(g.owner for g in grants(actor=actor, category=category))


def may_read_registers(*, actor: Actor) -> bool:
    return actor.agency is not None and actor.has_role(*READER_ROLES)
