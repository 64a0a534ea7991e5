from django.contrib import admin

from akrim.audit.admin_log import AuditedModelAdmin
from akrim.organisation.models import (
    Agency,
    Centre,
    County,
    Membership,
    MembershipDeadline,
    Municipality,
    Staff,
)


@admin.register(Agency)
class AgencyAdmin(AuditedModelAdmin[Agency]):
    list_display = ["code", "name_sv", "name_en"]


class MembershipInline(admin.TabularInline[Membership, Centre]):
    model = Membership
    extra = 0


@admin.register(Centre)
class CentreAdmin(AuditedModelAdmin[Centre]):
    list_display = ["name", "city", "opened_on"]
    inlines = [MembershipInline]


@admin.register(County)
class CountyAdmin(AuditedModelAdmin[County]):
    list_display = ["code", "name", "centre"]


@admin.register(Municipality)
class MunicipalityAdmin(AuditedModelAdmin[Municipality]):
    list_display = ["code", "name", "county", "population"]
    search_fields = ["code", "name"]


@admin.register(MembershipDeadline)
class MembershipDeadlineAdmin(AuditedModelAdmin[MembershipDeadline]):
    list_display = ["deadline", "note", "set_at", "set_by"]


@admin.register(Staff)
class StaffAdmin(AuditedModelAdmin[Staff]):
    list_display = ["user", "agency", "title"]
    list_filter = ["agency", "centres"]
