from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from xinfang.orgs.models import Organisation, User


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "region_code", "area_code", "parent", "case_number_prefix"]
    list_filter = ["kind"]
    search_fields = ["name", "region_code", "area_code"]
    ordering = ["path"]


@admin.register(User)
class StaffUserAdmin(UserAdmin):
    list_display = ["username", "full_name", "organisation", "role", "is_active"]
    list_filter = ["role", "is_active"]
    fieldsets = (
        *(UserAdmin.fieldsets or ()),
        ("单位与角色", {"fields": ("full_name", "organisation", "role")}),
    )
