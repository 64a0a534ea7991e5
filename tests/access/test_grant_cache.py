"""Grants are read once per request and never outlive it: a revoked rule takes effect on
the next request."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from django.utils import timezone

from akrim.access import policy
from akrim.access.models import DataCategory, LegalBasis, SharingRule
from akrim.core.actor import Purpose
from akrim.organisation.models import Agency
from tests.cast import Cast

pytestmark = pytest.mark.django_db


def test_within_a_request_the_rules_are_read_once_and_a_revocation_applies_next_time(
    cast: Cast, django_assert_num_queries: Any
) -> None:
    rule = SharingRule.objects.create(
        owner=Agency.objects.get(code="SKV"),
        recipient=Agency.objects.get(code="POL"),
        category=DataCategory.objects.get(code="company"),
        purpose=Purpose.ANALYSIS,
        legal_basis=LegalBasis.objects.get(code="joint_control_duty"),
    )
    pol = dataclasses.replace(cast.actor("pol_inspector"), purpose=Purpose.ANALYSIS)
    with policy.request_scope():
        first = policy.grants(actor=pol, category="company")
        with django_assert_num_queries(0):
            again = policy.grants(actor=pol, category="company")
        assert again == first
        assert [g.owner for g in first] == ["POL", "SKV"]
        # another purpose is another question
        planning = dataclasses.replace(pol, purpose=Purpose.PLANNING)
        assert [g.owner for g in policy.grants(actor=planning, category="company")] == ["POL"]
    rule.revoked_at = timezone.now()
    rule.save()
    with policy.request_scope():
        assert [g.owner for g in policy.grants(actor=pol, category="company")] == ["POL"]
    # outside a request nothing is cached
    assert [g.owner for g in policy.grants(actor=pol, category="company")] == ["POL"]
