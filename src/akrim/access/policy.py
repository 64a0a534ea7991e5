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

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TypeVar

from django.db.models import Model, Q, QuerySet
from django.utils import timezone

from akrim.access.models import BreakGlassAccess, Condition, SharingRule
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


# Break-the-glass opens one record and what hangs on it: for an object type (company,
# person, workplace) the app that owns the models says, per model name, which field path
# holds the record's key, e.g. ("company", "Payroll") -> "company__org_no".
_KEY_PATHS: dict[tuple[str, str], str] = {}
BREAK_THE_GLASS = "break_the_glass"


def register_key_paths(object_type: str, paths: dict[str, str]) -> None:
    for model_name, path in paths.items():
        _KEY_PATHS[(object_type, model_name)] = path


@dataclass(frozen=True)
class Grant:
    """Why an actor may see records of ``owner``: own agency, or a rule with its basis."""

    owner: str
    fields: frozenset[str] | None  # None = every field
    legal_basis: str
    rule_id: int | None = None
    condition: str = Condition.NONE
    break_glass_id: int | None = None
    record: tuple[str, str] | None = None  # (object type, key) opened by break-the-glass

    @property
    def is_own(self) -> bool:
        return self.rule_id is None and self.break_glass_id is None

    def allows(self, field: str) -> bool:
        return self.fields is None or field in self.fields


# Within one request the rules are read once per (actor, category): a page that narrows
# many querysets asks the same question many times. The cache lives only as long as the
# request (``request_scope``, opened by ``GrantCacheMiddleware``), so a revoked rule or a
# deactivated user still takes effect on the next request. Outside a request (commands,
# services called directly) nothing is cached.
_REQUEST_GRANTS: ContextVar[dict[tuple[Actor, str], list[Grant]] | None] = ContextVar(
    "akrim_request_grants", default=None
)


@contextmanager
def request_scope() -> Iterator[None]:
    """Cache grants for the duration of one request."""
    token = _REQUEST_GRANTS.set({})
    try:
        yield
    finally:
        _REQUEST_GRANTS.reset(token)


def grants(*, actor: Actor, category: str) -> list[Grant]:
    """Every grant the actor holds for ``category`` under the current purpose."""
    cache = _REQUEST_GRANTS.get()
    if cache is None:
        return _grants(actor=actor, category=category)
    key = (actor, category)
    if key not in cache:
        cache[key] = _grants(actor=actor, category=category)
    return list(cache[key])


def _grants(*, actor: Actor, category: str) -> list[Grant]:
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
    return found + _break_glass_grants(actor)


def _break_glass_grants(actor: Actor) -> list[Grant]:
    """Emergency accesses of this user that are running now (at most 60 minutes each)."""
    if actor.user_id is None:
        return []
    now = timezone.now()
    active = (
        BreakGlassAccess.objects.filter(
            user_id=actor.user_id,
            agency__code=actor.agency,
            started_at__lte=now,
            expires_at__gt=now,
        )
        .select_related("owner")
        .order_by("pk")
    )
    return [
        Grant(
            owner=access.owner.code,
            fields=None,
            legal_basis=BREAK_THE_GLASS,
            condition=BREAK_THE_GLASS,
            break_glass_id=access.pk,
            record=(access.object_type, access.object_key),
        )
        for access in active
    ]


def _condition_q(grant: Grant, actor: Actor, model: type[Model], place: str | None) -> Q | None:
    if grant.condition == Condition.NONE:
        return Q()
    if grant.record is not None:
        path = _KEY_PATHS.get((grant.record[0], model.__name__))
        return None if path is None else Q(**{path: grant.record[1]})
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
    glass = next((g for g in holding if g.break_glass_id is not None), None)
    return Grant(
        owner=owner,
        fields=fields,
        legal_basis=",".join(sorted({g.legal_basis for g in holding})),
        rule_id=holding[0].rule_id,
        condition=holding[0].condition,
        break_glass_id=glass.break_glass_id if glass else None,
        record=glass.record if glass else None,
    )


def may_read_registers(*, actor: Actor) -> bool:
    return actor.agency is not None and actor.has_role(*READER_ROLES)


# Finders name the owner agencies that hold a record with a given key, per object type;
# registered by the app that owns the records (used only by break-the-glass).
RecordFinder = Callable[[str], set[str]]
_FINDERS: dict[str, RecordFinder] = {}


def register_record_finder(object_type: str, finder: RecordFinder) -> None:
    _FINDERS[object_type] = finder


def owners_holding(object_type: str, key: str) -> set[str]:
    finder = _FINDERS.get(object_type)
    return finder(key) if finder else set()


def break_glass_types() -> list[str]:
    return sorted(_FINDERS)
