from django.contrib import admin

from portal.outbox.models import OutboxMessage, OutboxSettings


@admin.register(OutboxSettings)
class OutboxSettingsAdmin(admin.ModelAdmin):
    list_display = ["__str__", "quiet_hours_start", "quiet_hours_end"]


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    """What was sent to whom: read only, the outbox alone writes these rows."""

    list_display = ["subject", "kind", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["status", "kind"]
    search_fields = ["subject", "to"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
