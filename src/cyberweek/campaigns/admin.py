from django.contrib import admin

from .models import Campaign


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ("title", "edition", "region", "starts_on", "ends_on", "is_published")
    list_filter = ("edition", "kind", "is_published")
    search_fields = ("title", "title_en", "slug")
    raw_id_fields = ("region", "created_by")
    readonly_fields = ("region_path",)
