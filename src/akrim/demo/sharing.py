"""The demo's sharing rules: what Arbetsmiljöverket, the Police and Skatteverket share
with each other for the joint controls they are assigned to.

A real installation's rules are set by each agency's administrator with the legal basis
their lawyers confirm; these exist so that the demo shows sharing at work (and where it
stops). Every rule holds only while the recipient is in the control's team
(``assigned_to_control``), under the proposed duty to provide information for joint
controls, for planning, carrying out and following up — never for analysis or statistics.
"""

from __future__ import annotations

from itertools import permutations

from akrim.access.models import Condition, DataCategory, LegalBasis, SharingRule
from akrim.audit import services as audit
from akrim.core.actor import Actor, Purpose
from akrim.organisation.models import Agency

AGENCIES = ["AV", "POL", "SKV"]
CATEGORIES = ["company", "control", "tax", "work_environment", "right_to_work", "possible_victim"]
PURPOSES = [Purpose.PLANNING, Purpose.EXECUTION, Purpose.FOLLOW_UP]


def seed_demo_rules() -> int:
    """Create the demo's rules that do not exist yet; returns how many were created."""
    agencies = {a.code: a for a in Agency.objects.filter(code__in=AGENCIES)}
    categories = {c.code: c for c in DataCategory.objects.filter(code__in=CATEGORIES)}
    basis = LegalBasis.objects.get(code="joint_control_duty")
    created = 0
    for owner, recipient in permutations(AGENCIES, 2):
        for category in CATEGORIES:
            for purpose in PURPOSES:
                _, made = SharingRule.objects.get_or_create(
                    owner=agencies[owner],
                    recipient=agencies[recipient],
                    category=categories[category],
                    purpose=purpose,
                    condition=Condition.ASSIGNED_TO_CONTROL,
                    revoked_at=None,
                    defaults={"legal_basis": basis},
                )
                created += made
    if created:
        audit.record(
            actor=Actor.system(),
            action="seed_demo_sharing_rules",
            object_type="sharing_rule",
            detail={"created": created, "agencies": AGENCIES, "categories": CATEGORIES},
        )
    return created
