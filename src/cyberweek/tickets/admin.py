from django.contrib import admin

from .models import Offering


@admin.register(Offering)
class OfferingAdmin(admin.ModelAdmin):
    """Staff support: the figures of an offering. Registrations (personal data) are seen
    through the organiser area, where each look is logged."""

    list_display = ["title", "source", "source_id", "starts_at", "capacity", "confirmed_seats"]
    list_filter = ["source", "is_open"]
    search_fields = ["title", "title_en"]
    readonly_fields = ["confirmed_seats", "waitlisted_seats", "checked_in_seats", "last_position"]
