"""The shipped data categories and legal bases (re-runnable)."""

from typing import Any

from django.db import migrations


def seed(apps: Any, schema_editor: Any) -> None:
    from akrim.access.seed import seed_access

    seed_access({name: apps.get_model("access", name) for name in ["DataCategory", "LegalBasis"]})


class Migration(migrations.Migration):
    dependencies = [("access", "0001_access_schema")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
