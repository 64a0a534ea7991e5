"""A generated policy matrix: agency × role × purpose × rules × owner × category.

Random sets of sharing rules (owner, recipient, category, purpose, condition, fields,
revoked) are written to the database; for every actor the scoped querysets and the
field-level grants are compared with an independent oracle. Any row or field shown beyond
what the rules allow fails the test. At least 10,000 combinations are checked.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from akrim.access import policy
from akrim.access.models import DataCategory, LegalBasis, SharingRule
from akrim.core.actor import Actor, Purpose, Role
from akrim.organisation.models import Agency, Municipality
from akrim.registry.models import Company, Payroll, Person
from akrim.registry.policies import CATEGORIES
from akrim.registry.services import import_registers

pytestmark = pytest.mark.django_db

AGENCIES = ["AF", "AV", "EBM", "FK", "JAMY", "MV", "POL", "SKV", "AM"]
OWNERS = ["SKV", "AV"]
MODELS = {"company": Company, "identity": Person, "payroll": Payroll}
PURPOSES = [
    Purpose.PLANNING,
    Purpose.EXECUTION,
    Purpose.FOLLOW_UP,
    Purpose.ANALYSIS,
    Purpose.STATISTICS,
]
READERS = {Role.INSPECTOR, Role.ANALYST, Role.COORDINATOR}
FIELDS = ["name", "birth_date", "address", "municipality"]


@dataclass(frozen=True)
class RuleSpec:
    owner: str
    recipient: str
    category: str
    purpose: Purpose
    condition: str
    fields: tuple[str, ...]
    revoked: bool


rule_specs = st.builds(
    RuleSpec,
    owner=st.sampled_from([*OWNERS, "POL"]),
    recipient=st.sampled_from(AGENCIES),
    category=st.sampled_from(list(MODELS)),
    purpose=st.sampled_from(PURPOSES),
    condition=st.sampled_from(["none", "same_centre", "assigned_to_control"]),
    fields=st.lists(st.sampled_from(FIELDS), max_size=3, unique=True).map(tuple),
    revoked=st.booleans(),
).filter(lambda r: r.owner != r.recipient)


def _write(rules: list[RuleSpec]) -> None:
    SharingRule.objects.all().delete()
    agencies = {a.code: a for a in Agency.objects.all()}
    categories = {c.code: c for c in DataCategory.objects.all()}
    basis = LegalBasis.objects.get(code="joint_control_duty")
    SharingRule.objects.bulk_create(
        SharingRule(
            owner=agencies[r.owner],
            recipient=agencies[r.recipient],
            category=categories[r.category],
            purpose=r.purpose,
            legal_basis=basis,
            condition=r.condition,
            fields=list(r.fields),
            revoked_at=timezone.now() if r.revoked else None,
        )
        for r in rules
    )


def _matching(
    rules: list[RuleSpec],
    actor: Actor,
    owner: str,
    category: str,
    municipality: str,
    centre_municipalities: set[str],
) -> list[RuleSpec]:
    return [
        r
        for r in rules
        if not r.revoked
        and r.owner == owner
        and r.recipient == actor.agency
        and r.category == category
        and r.purpose == actor.purpose
        and (
            r.condition == "none"
            or (r.condition == "same_centre" and municipality in centre_municipalities)
        )
    ]


def _oracle_visible(
    rows: list[tuple[int, str, str]],
    rules: list[RuleSpec],
    actor: Actor,
    category: str,
    centre_municipalities: set[str],
) -> set[int]:
    if not actor.roles & READERS:
        return set()
    return {
        pk
        for pk, owner, place in rows
        if owner == actor.agency
        or _matching(rules, actor, owner, category, place, centre_municipalities)
    }


def _oracle_fields(
    rules: list[RuleSpec],
    actor: Actor,
    owner: str,
    category: str,
    place: str,
    centre_municipalities: set[str],
) -> frozenset[str] | None:
    if owner == actor.agency:
        return None
    matching = _matching(rules, actor, owner, category, place, centre_municipalities)
    if any(not r.fields for r in matching):
        return None
    return frozenset(f for r in matching for f in r.fields)


@pytest.fixture
def two_owner_world(db: None, small_world: Path) -> dict[str, list[tuple[int, str, str]]]:
    for owner in OWNERS:
        import_registers(actor=Actor.system(), folder=small_world, owner=owner)
    rows: dict[str, list[tuple[int, str, str]]] = {}
    for category, model in MODELS.items():
        place = CATEGORIES[model.__name__][1] or "pk"
        rows[category] = [
            (pk, owner, str(where))
            for pk, owner, where in model._default_manager.values_list("pk", "owner__code", place)
        ]
    return rows


COMBINATIONS = {"checked": 0}


@settings(
    max_examples=1,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_no_combination_reveals_more_than_the_rules_allow(
    two_owner_world: dict[str, list[tuple[int, str, str]]], data: Any
) -> None:
    by_centre = {
        centre: set(
            Municipality.objects.filter(county__centre__code=centre).values_list("code", flat=True)
        )
        for centre in ["stockholm", "syd"]
    }
    checked = 0
    for _round in range(6):
        rules = data.draw(st.lists(rule_specs, min_size=1, max_size=8), label="rules")
        _write(rules)
        actors = itertools.product(AGENCIES, list(Role), PURPOSES, ["stockholm", "syd"])
        for agency, role, purpose, centre in actors:
            actor = Actor(
                user_id=1,
                username="matrix",
                agency=agency,
                centres=frozenset({centre}),
                roles=frozenset({role}),
                purpose=purpose,
            )
            for category, model in MODELS.items():
                place = CATEGORIES[model.__name__][1]
                got = set(
                    policy.scope(
                        model._default_manager.all(), actor=actor, category=category, place=place
                    ).values_list("pk", flat=True)
                )
                want = _oracle_visible(
                    two_owner_world[category], rules, actor, category, by_centre[centre]
                )
                assert got == want, (agency, role, purpose, centre, category, rules)
                checked += 1
            if role == Role.INSPECTOR and centre == "stockholm":
                checked += _check_fields(two_owner_world, rules, actor, by_centre[centre])
    COMBINATIONS["checked"] += checked
    assert COMBINATIONS["checked"] >= 10_000


def _check_fields(
    world: dict[str, list[tuple[int, str, str]]],
    rules: list[RuleSpec],
    actor: Actor,
    centre_municipalities: set[str],
) -> int:
    """Field-level grants on one record of each owner, for persons and companies."""
    checked = 0
    for category in ["identity", "company"]:
        model = MODELS[category]
        for owner in OWNERS:
            pk, _owner, place = next(row for row in world[category] if row[1] == owner)
            record = model._default_manager.select_related("owner").get(pk=pk)
            grant = policy.grant_for(
                record, actor=actor, category=category, place=CATEGORIES[model.__name__][1]
            )
            visible = pk in _oracle_visible(
                [(pk, owner, place)], rules, actor, category, centre_municipalities
            )
            assert (grant is not None) == visible
            if grant is not None:
                assert grant.fields == _oracle_fields(
                    rules, actor, owner, category, place, centre_municipalities
                )
            checked += 1
    return checked
