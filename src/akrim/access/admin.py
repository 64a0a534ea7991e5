from django.contrib import admin

from akrim.access.models import DataCategory, LegalBasis, SharingRule
from akrim.audit.admin_log import AuditedModelAdmin


@admin.register(DataCategory)
class DataCategoryAdmin(AuditedModelAdmin[DataCategory]):
    list_display = ["code", "name_sv", "name_en", "personal", "sensitive", "retention_days"]


@admin.register(LegalBasis)
class LegalBasisAdmin(AuditedModelAdmin[LegalBasis]):
    list_display = ["code", "title_sv", "citation", "citation_status", "in_force_from"]


@admin.register(SharingRule)
class SharingRuleAdmin(AuditedModelAdmin[SharingRule]):
    list_display = [
        "owner",
        "recipient",
        "category",
        "purpose",
        "condition",
        "legal_basis",
        "revoked_at",
    ]
    list_filter = ["owner", "recipient", "category", "purpose", "condition"]
