"""Django admin for staff support: competitions and their divisions are created here;
challenges, teams and boards are managed in the organiser area, where it is audited."""

from django.contrib import admin

from .models import Competition, Division


class DivisionInline(admin.TabularInline):
    model = Division
    extra = 0


@admin.register(Competition)
class CompetitionAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "starts_at", "ends_at", "freeze_at", "is_published"]
    prepopulated_fields = {"slug": ["title_en"]}
    inlines = [DivisionInline]
