"""Agencies, centres, counties, municipalities, memberships and the deadline (re-runnable)."""

from typing import Any

from django.db import migrations


def seed(apps: Any, schema_editor: Any) -> None:
    from akrim.organisation.seed import seed_organisation

    names = ["Agency", "Centre", "County", "Municipality", "Membership", "MembershipDeadline"]
    seed_organisation({name: apps.get_model("organisation", name) for name in names})


class Migration(migrations.Migration):
    dependencies = [("organisation", "0001_organisation_schema")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
