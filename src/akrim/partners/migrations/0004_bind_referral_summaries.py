"""Referral summaries sealed by the first version (bound to the field name alone) are
sealed again, bound to their forum, as tips are (``tips 0002``)."""

from typing import Any

from django.db import migrations

FIELD = "partners.referral_summary"


def bind(apps: Any, schema_editor: Any) -> None:
    from akrim.tips.crypto import reseal_first_version

    Referral = apps.get_model("partners", "Referral")
    for referral in Referral.objects.filter(summary__startswith="v1:").iterator():
        referral.summary = reseal_first_version(
            referral.summary, field=FIELD, owner=f"forum:{referral.forum_id}"
        )
        referral.save(update_fields=["summary"])


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0003_seal_referral_summaries"),
        ("tips", "0002_bound_values_and_matching_key"),
    ]
    operations = [migrations.RunPython(bind, migrations.RunPython.noop)]
