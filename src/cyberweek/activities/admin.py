from django.contrib import admin

from .models import Activity, ActivityStep


class StepInline(admin.TabularInline):
    model = ActivityStep
    extra = 0
    can_delete = False
    readonly_fields = ["action", "from_status", "to_status", "actor", "comment", "created_at"]


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    """For staff support; state changes go through the organiser pages (services)."""

    list_display = ["id", "title", "region", "sector", "status", "starts_at"]
    list_filter = ["status", "sector", "format"]
    raw_id_fields = ["region", "edition", "themed_day", "created_by"]
    # Contact details are encrypted personal data: not shown or searched here.
    exclude = ["contact_name", "contact_phone", "description", "outcome_summary"]
    readonly_fields = ["status", "is_public", "region_path"]
    inlines = [StepInline]

    def has_add_permission(self, request):
        return False
