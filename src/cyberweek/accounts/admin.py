"""The admin for staff support. A person's account is personal data: the list shows only
masked names, and opening one (change, history, delete) asks for a reason first, written to
the access log with each look (`core.reveal`)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

from cyberweek.core.reveal import AdminRevealMixin, Look

from .models import OrganiserRole, User


class OrganiserRoleInline(admin.TabularInline):
    model = OrganiserRole
    fk_name = "user"
    extra = 0
    raw_id_fields = ["region", "granted_by"]


@admin.register(User)
class UserAdmin(AdminRevealMixin, admin.ModelAdmin):
    list_display = ["id", "masked_identifier", "masked_name", "is_staff", "is_active"]
    list_filter = ["is_staff", "is_active"]
    # Personal fields are encrypted; staff find people through the privacy requests page.
    search_fields = []
    # Bulk actions label each row with the account's name and list them on a confirmation
    # page, outside the reason form.
    actions = None
    exclude = ["password", "user_permissions", "email_index", "mobile_index"]
    inlines = [OrganiserRoleInline]

    def personal_data_looks_for(self, obj):
        return [Look(obj, "account (Django admin)")]


# django-otp's own admin lists each device with its owner's display name: the owner is
# shown masked here, and the device's page (which names the owner) asks for a reason.
admin.site.unregister(TOTPDevice)


@admin.register(TOTPDevice)
class MaskedTOTPDeviceAdmin(AdminRevealMixin, TOTPDeviceAdmin):
    list_display = ["owner", "name", "created_at", "last_used_at", "confirmed"]
    search_fields = []
    actions = None

    @admin.display(description=_("user"))
    def owner(self, device):
        return device.user.masked_name

    def personal_data_looks_for(self, obj):
        return [Look(obj.user, "two-factor device (Django admin)")]
