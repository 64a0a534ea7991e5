"""Changes made in the Django admin to who-may-see-what are audited."""

from __future__ import annotations

import pytest
from django.test import Client

from akrim.access.models import SharingRule
from akrim.audit.models import AuditEntry
from tests.cast import PASSWORD, Cast

pytestmark = pytest.mark.django_db


def test_adding_and_deleting_a_sharing_rule_in_the_admin_is_audited(cast: Cast) -> None:
    admin_user = cast.user("admin")
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    client = Client()
    assert (
        client.post("/en/accounts/login/", {"username": "admin", "password": PASSWORD}).status_code
        == 302
    )
    from akrim.access.models import DataCategory, LegalBasis
    from akrim.organisation.models import Agency

    response = client.post(
        "/en/admin/access/sharingrule/add/",
        {
            "owner": Agency.objects.get(code="SKV").pk,
            "recipient": Agency.objects.get(code="POL").pk,
            "category": DataCategory.objects.get(code="company").pk,
            "purpose": "planning",
            "legal_basis": LegalBasis.objects.get(code="joint_control_duty").pk,
            "condition": "assigned_to_control",
            "fields": "[]",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    rule = SharingRule.objects.get()
    added = AuditEntry.objects.get(action="admin_add")
    assert added.object_type == "access.sharingrule"
    assert added.object_id == str(rule.pk)
    assert added.username == "admin"
    assert "condition" in added.fields
    client.post(f"/en/admin/access/sharingrule/{rule.pk}/delete/", {"post": "yes"})
    assert not SharingRule.objects.exists()
    assert AuditEntry.objects.filter(action="admin_delete", object_id=str(rule.pk)).count() == 1


def test_a_yearly_target_set_in_the_admin_is_audited_and_counted(cast: Cast) -> None:
    from akrim.controls.models import Target
    from akrim.controls.stats import control_statistics
    from akrim.core.actor import Actor, Purpose

    admin_user = cast.user("admin")
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    client = Client()
    client.post("/en/accounts/login/", {"username": "admin", "password": PASSWORD})
    response = client.post(
        "/en/admin/controls/target/add/", {"year": "2025", "controls": "3200", "note": "Goal"}
    )
    assert response.status_code == 302, response.content[:2000]
    target = Target.objects.get()
    assert AuditEntry.objects.filter(action="admin_add", object_id=str(target.pk)).count() == 1
    figures = control_statistics(actor=Actor.system(purpose=Purpose.STATISTICS), year=2025)
    assert figures.to_json()["target"]["controls"] == 3200
    # a second national target for the same year is refused
    again = client.post(
        "/en/admin/controls/target/add/", {"year": "2025", "controls": "1", "note": ""}
    )
    assert again.status_code == 200
    assert Target.objects.count() == 1
