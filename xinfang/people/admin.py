from django.contrib import admin

from xinfang.people.models import PersonalDataView


@admin.register(PersonalDataView)
class PersonalDataViewAdmin(admin.ModelAdmin):
    """The audit log of full personal-data views; read-only for everyone."""

    list_display = ["at", "user", "case", "petitioner_id", "ip_address", "purpose"]
    list_filter = ["purpose"]
    search_fields = ["user__username", "case__number"]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
