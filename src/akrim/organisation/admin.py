from django.contrib import admin

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
class AgencyAdmin(admin.ModelAdmin[Agency]):
    list_display = ["code", "name_sv", "name_en"]


class MembershipInline(admin.TabularInline[Membership, Centre]):
    model = Membership
    extra = 0


@admin.register(Centre)
class CentreAdmin(admin.ModelAdmin[Centre]):
    list_display = ["name", "city", "opened_on"]
    inlines = [MembershipInline]


@admin.register(County)
class CountyAdmin(admin.ModelAdmin[County]):
    list_display = ["code", "name", "centre"]


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin[Municipality]):
    list_display = ["code", "name", "county", "population"]
    search_fields = ["code", "name"]


@admin.register(MembershipDeadline)
class MembershipDeadlineAdmin(admin.ModelAdmin[MembershipDeadline]):
    list_display = ["deadline", "note", "set_at", "set_by"]


@admin.register(Staff)
class StaffAdmin(admin.ModelAdmin[Staff]):
    list_display = ["user", "agency", "title"]
    list_filter = ["agency", "centres"]
