from django.contrib import admin

from xinfang.screening.models import ScreeningRisk, ScreeningRound


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shown for reference only: every change is an action (xinfang.screening.actions)."""

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(ScreeningRound)
class ScreeningRoundAdmin(ReadOnlyAdmin):
    list_display = ["organisation", "period_kind", "period_start", "period_end", "status"]
    list_filter = ["period_kind", "status"]
    date_hierarchy = "period_start"


@admin.register(ScreeningRisk)
class ScreeningRiskAdmin(ReadOnlyAdmin):
    list_display = ["id", "place_region", "level", "responsible_org", "deadline", "status", "closed_at"]
    list_filter = ["status", "level", "reporter_kind"]
    date_hierarchy = "deadline"
    # The description may name people: it is shown on the record, not searched from the list.
    exclude = ["evidence_storage_name"]
