"""Django admin for staff support: competitions and their divisions are created here;
challenges, teams and boards are managed in the organiser area, where it is audited."""

from django.contrib import admin

from . import cached_state
from .models import Competition, Division


class DivisionInline(admin.TabularInline):
    model = Division
    extra = 0


@admin.register(Competition)
class CompetitionAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "starts_at", "ends_at", "freeze_at", "is_published"]
    prepopulated_fields = {"slug": ["title_en"]}
    inlines = [DivisionInline]

    # Changes made here bypass the services: the cached competitions and challenges
    # (`cached_state`) are told as the services tell them.
    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        cached_state.changed()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        cached_state.changed()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        cached_state.changed()
