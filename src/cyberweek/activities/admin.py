from django import forms
from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _

from .models import Activity, ActivityStep


class StepInline(admin.TabularInline):
    model = ActivityStep
    extra = 0
    can_delete = False
    # Who took a step is named by account number: a name would be a look at personal data.
    fields = readonly_fields = [
        "action",
        "from_status",
        "to_status",
        "actor_ref",
        "comment",
        "created_at",
    ]

    @admin.display(description=_("by"))
    def actor_ref(self, step):
        return f"#{step.actor_id}" if step.actor_id else "—"


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    """For staff support; state changes go through the organiser pages (services)."""

    list_display = ["id", "title", "region", "sector", "status", "starts_at"]
    # A link typed without a scheme is taken as https, as the organiser form does.
    formfield_overrides = {
        models.URLField: {"form_class": forms.URLField, "assume_scheme": "https"},
    }
    list_filter = ["status", "sector", "format"]
    raw_id_fields = ["region", "edition", "themed_day"]
    # Contact details, texts as written, hand masks (names) and the registrant's name are
    # personal data: not shown or searched here; the organiser area shows them with a reason.
    exclude = [
        "contact_name",
        "contact_phone",
        "description",
        "outcome_summary",
        "hand_masks",
        "created_by",
    ]
    readonly_fields = ["status", "is_public", "region_path"]
    inlines = [StepInline]

    def has_add_permission(self, request):
        return False
