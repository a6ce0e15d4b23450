from django.contrib import admin

from .models import Edition, Event, Room, Speaker, ThemedDay


@admin.register(Edition)
class EditionAdmin(admin.ModelAdmin):
    list_display = ["year", "theme", "host_city", "starts_on", "ends_on", "is_published"]


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "edition", "starts_at", "ends_at", "room"]
    list_filter = ["edition", "kind"]
    search_fields = ["title", "title_en", "slug"]


admin.site.register([ThemedDay, Room, Speaker])
