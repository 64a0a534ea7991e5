"""Sealed values bound to their tip, and org-number digests with a key of their own.

The first version sealed each value with its field name alone as associated data and keyed
the org-number digest with the sealing key. Every value of that format (``v1:`` texts and
messages; attachments, which carry no prefix, are told by not opening as bound ones) is
sealed again bound to its tip, and every digest is computed again with the matching key
(``akrim.tips.crypto``), so duplicates are still found. Re-runnable: bound values are left
as they are.
"""

from typing import Any

from django.db import migrations

TEXTS = ("what", "where_name", "where_address", "org_no", "since", "contact")


def reseal_and_rekey(apps: Any, schema_editor: Any) -> None:
    from cryptography.exceptions import InvalidTag

    from akrim.tips.crypto import (
        digest,
        open_bytes,
        open_first_version,
        reseal_first_version,
        seal_bytes,
        unseal,
    )

    Tip = apps.get_model("tips", "Tip")
    Message = apps.get_model("tips", "Message")
    TipAttachment = apps.get_model("tips", "TipAttachment")
    for tip in Tip.objects.all().iterator():
        for name in TEXTS:
            value = getattr(tip, f"{name}_sealed")
            setattr(
                tip,
                f"{name}_sealed",
                reseal_first_version(value, field=f"tips.{name}", owner=tip.lookup_id),
            )
        org_no = unseal(tip.org_no_sealed, field="tips.org_no", owner=tip.lookup_id)
        tip.org_no_digest = digest(org_no, purpose="org_no")
        tip.save(update_fields=[*(f"{name}_sealed" for name in TEXTS), "org_no_digest"])
    for message in Message.objects.filter(body_sealed__startswith="v1:").select_related("tip"):
        message.body_sealed = reseal_first_version(
            message.body_sealed, field="tips.message", owner=message.tip.lookup_id
        )
        message.save(update_fields=["body_sealed"])
    for attachment in TipAttachment.objects.select_related("tip").iterator():
        data, owner = bytes(attachment.data), attachment.tip.lookup_id
        try:
            open_bytes(data, field="tips.attachment", owner=owner)
            continue  # bound already
        except InvalidTag:
            plain = open_first_version(data, field="tips.attachment")
        attachment.data = seal_bytes(plain, field="tips.attachment", owner=owner)
        attachment.save(update_fields=["data"])


class Migration(migrations.Migration):
    dependencies = [("tips", "0001_initial")]
    operations = [migrations.RunPython(reseal_and_rekey, migrations.RunPython.noop)]
