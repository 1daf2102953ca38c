from django.contrib import admin

from xinfang.notifications.models import Delivery


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    """Read-only: deliveries are written by the jobs. The encrypted address is never shown."""

    list_display = [
        "case",
        "event",
        "channel",
        "recipient_mask",
        "status",
        "attempts",
        "sent_at",
        "created_at",
    ]
    list_filter = ["status", "channel", "event"]
    exclude = ["recipient_cipher", "recipient_digest", "idempotency_key", "lease_until"]
    raw_id_fields = ["case", "case_event", "deadline", "petitioner", "requested_by"]

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
