from django.contrib import admin

from xinfang.leaders.models import LeaderCase, ReceptionDay


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shown for reference only: every change is an action with history (xinfang.leaders.actions)."""

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(ReceptionDay)
class ReceptionDayAdmin(ReadOnlyAdmin):
    list_display = ["date", "day_part", "leader", "organisation", "place", "status"]
    list_filter = ["status", "day_part"]
    date_hierarchy = "date"


@admin.register(LeaderCase)
class LeaderCaseAdmin(ReadOnlyAdmin):
    list_display = ["case", "leader", "target_date", "settled", "settled_at"]
    list_filter = ["settled"]
    search_fields = ["case__number"]
