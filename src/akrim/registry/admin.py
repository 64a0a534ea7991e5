from django.contrib import admin

from akrim.registry.models import ImportBatch


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin[ImportBatch]):
    """Imports are visible to administrators; register rows (personal data) are not in the
    admin at all, so every read of them goes through the audited queries."""

    list_display = ["started_at", "owner", "source", "status", "username"]
    readonly_fields = [f.name for f in ImportBatch._meta.fields]
