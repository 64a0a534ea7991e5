"""Referral summaries are the text of a tip: encrypt those stored before, as tips are."""

from typing import Any

from django.db import migrations

FIELD = "partners.referral_summary"


def seal_summaries(apps: Any, schema_editor: Any) -> None:
    from akrim.tips.crypto import LEGACY_VERSION, VERSION, seal

    Referral = apps.get_model("partners", "Referral")
    for referral in Referral.objects.exclude(summary="").exclude(summary__startswith=VERSION).exclude(
        summary__startswith=LEGACY_VERSION
    ):
        referral.summary = seal(referral.summary, field=FIELD, owner=f"forum:{referral.forum_id}")
        referral.save(update_fields=["summary"])


class Migration(migrations.Migration):
    dependencies = [("partners", "0002_referral_tip_set_null")]
    operations = [migrations.RunPython(seal_summaries, migrations.RunPython.noop)]
