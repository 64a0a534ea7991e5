"""The demo handbook: four methods, linked to the shipped checklists, re-runnable."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

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
    # A handbook with a history: established before the adoptions were recorded, so a
    # report for a past period finds the methods as they were then.
    now = timezone.now()
    for method in Method.objects.filter(status=MethodStatus.ESTABLISHED):
        assert method.tested_at is not None
        assert method.established_at is not None
        assert method.created_at < method.tested_at < method.established_at < now
        recorded = [a.recorded_at for a in Adoption.objects.filter(method=method)]
        assert all(method.established_at < moment for moment in recorded)
    a_year_ago = now - dt.timedelta(days=365)
    assert plan.status_at(now) == MethodStatus.ESTABLISHED
    assert Method.objects.get(pk=plan.pk).status_at(a_year_ago) == MethodStatus.ESTABLISHED
    interpreter = Method.objects.get(title="Interviewing a worker through an interpreter")
    assert interpreter.status_at(a_year_ago) == MethodStatus.TESTED
    assert interpreter.status_at(interpreter.created_at) == MethodStatus.DRAFT
