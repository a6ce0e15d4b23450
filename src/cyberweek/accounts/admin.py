from django.contrib import admin

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
    exclude = ["password", "user_permissions"]
    inlines = [OrganiserRoleInline]
