from django.contrib import admin

from cyberweek.privacy.services import log_access

from .models import OrganiserRole, User


class OrganiserRoleInline(admin.TabularInline):
    model = OrganiserRole
    fk_name = "user"
    extra = 0
    raw_id_fields = ["region", "granted_by"]


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = ["id", "masked_identifier", "display_name", "is_staff", "is_active"]
    list_filter = ["is_staff", "is_active"]
    # Personal fields are encrypted; staff find people through the privacy requests page.
    search_fields = []
    exclude = ["password", "user_permissions", "email_index", "mobile_index"]
    inlines = [OrganiserRoleInline]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # Opening an account in the admin shows its personal fields: that is an access.
        subject = self.get_object(request, object_id)
        if subject is not None:
            log_access(
                actor=request.user,
                subject=subject,
                what="account (Django admin)",
                why="staff support in the admin",
            )
        return super().change_view(request, object_id, form_url, extra_context)
