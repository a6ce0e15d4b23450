from django.contrib import admin

from . import casting
from .models import Criterion, JudgeAssignment, VideoContest


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 1


class JudgeInline(admin.TabularInline):
    model = JudgeAssignment
    extra = 1
    raw_id_fields = ["judge"]


@admin.register(VideoContest)
class VideoContestAdmin(admin.ModelAdmin):
    """Staff set up a contest here: windows, limits, weights, criteria and judges. Entries
    and votes (personal data) are seen through the organiser area, not the admin."""

    list_display = ["title", "slug", "is_published", "submission_closes_at", "voting_closes_at"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [CriterionInline, JudgeInline]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        casting.votable_changed()  # as `contest_setup.save_contest` does
