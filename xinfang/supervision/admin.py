from django.contrib import admin

from xinfang.supervision.models import DeadlineAlert, Supervision


@admin.register(Supervision)
class SupervisionAdmin(admin.ModelAdmin):
    """Read-only: notices are written by the actions, with their document and case history."""

    list_display = ["case", "kind", "escalation", "target_org", "issued_at", "answer_due", "answered_at"]
    list_filter = ["kind", "escalation"]
    raw_id_fields = ["case", "deadline", "document", "escalated_from"]

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(DeadlineAlert)
class DeadlineAlertAdmin(admin.ModelAdmin):
    """Read-only: alerts are written by the sweep."""

    list_display = ["deadline", "level", "responsible_org", "created_at", "acknowledged_at"]
    list_filter = ["level"]
    raw_id_fields = ["deadline"]

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
