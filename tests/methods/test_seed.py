"""The demo handbook: four methods, linked to the shipped checklists, re-runnable."""

from __future__ import annotations

import pytest

from akrim.core.actor import Actor
from akrim.methods.models import Adoption, Method, MethodStatus
from akrim.methods.seed import seed_demo_methods
from akrim.organisation.services import create_staff
from tests.cast import PASSWORD

pytestmark = pytest.mark.django_db

USERS = [
    ("samordnare.av", "AV", ["Stockholm"], ["coordinator"]),
    ("inspektor.pol", "POL", ["Stockholm"], ["inspector"]),
    ("inspektor.skv", "SKV", ["Stockholm"], ["inspector"]),
    ("admin", "AV", [], ["admin"]),
]


def test_the_demo_handbook_is_seeded_once() -> None:
    assert seed_demo_methods() == 0  # no demo users yet: nothing to write as
    for username, agency, centres, roles in USERS:
        create_staff(
            actor=Actor.system(),
            username=username,
            password=PASSWORD,
            agency=agency,
            centres=centres,
            roles=roles,
        )
    assert seed_demo_methods() == 4
    assert seed_demo_methods() == 0
    methods = {m.title: m for m in Method.objects.all()}
    assert len(methods) == 4
    plan = methods["How to plan a joint control"]
    assert plan.status == MethodStatus.ESTABLISHED
    checklists = {c.code for c in plan.versions.get().checklists.all()}
    assert checklists == {"arbetsmiljo", "personalliggare", "inre-utlanningskontroll"}
    assert methods["Interviewing a worker through an interpreter"].status == MethodStatus.TESTED
    ledger = methods["Staff-ledger check"]
    assert ledger.owner.username == "inspektor.skv"
    assert ledger.versions.count() == 2
    assert "each exit" in ledger.versions.get(number=2).body
    assert Adoption.objects.filter(method=plan).count() == 3
    assert not Adoption.objects.filter(
        method=methods["Interviewing a worker through an interpreter"]
    ).exists()
