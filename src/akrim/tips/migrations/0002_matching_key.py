"""Org-number digests are now keyed with their own key (``crypto.digest``): recompute the
digests stored before from the sealed org numbers, so duplicates are still found."""

from typing import Any

from django.db import migrations


def recompute(apps: Any, schema_editor: Any) -> None:
    from akrim.tips.crypto import digest, unseal

    Tip = apps.get_model("tips", "Tip")
    for tip in Tip.objects.exclude(org_no_sealed="").only("pk", "lookup_id", "org_no_sealed"):
        org_no = unseal(tip.org_no_sealed, field="tips.org_no", owner=tip.lookup_id)
        Tip.objects.filter(pk=tip.pk).update(org_no_digest=digest(org_no, purpose="org_no"))


class Migration(migrations.Migration):
    dependencies = [("tips", "0001_initial")]
    operations = [migrations.RunPython(recompute, migrations.RunPython.noop)]
