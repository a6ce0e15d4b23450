"""What the accounts app holds about a person (see core/personal_data.py)."""

from django.contrib.auth.hashers import make_password
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from cyberweek.core.personal_data import PersonalDataSource, Retention

from .models import OrganiserRole, User


def export_account(user) -> list[dict]:
    user = User.objects.get(pk=user.pk)
    record = {
        str(_("email address")): user.email or "",
        str(_("mobile number")): user.mobile or "",
        str(_("display name")): user.display_name,
        str(_("joined")): user.date_joined.isoformat(),
        str(_("last sign-in")): user.last_login.isoformat() if user.last_login else "",
        str(_("two-factor sign-in")): TOTPDevice.objects.filter(user=user, confirmed=True).exists(),
    }
    roles = [
        {str(_("organiser role")): str(role), str(_("granted")): role.granted_at.isoformat()}
        for role in OrganiserRole.objects.filter(user=user).select_related("region")
    ]
    return [record, *roles]


def erase_account(user) -> int:
    """Keep an anonymous row, so counts (participants, attempts) stay right; remove every
    identifier, the password, roles and authenticators."""
    user = User.objects.get(pk=user.pk)
    changed = OrganiserRole.objects.filter(user=user).delete()[0]
    changed += TOTPDevice.objects.filter(user=user).delete()[0]
    if user.erased_at is None:
        user.email = user.mobile = None
        user.display_name = ""
        user.password = make_password(None)
        user.is_active = user.is_staff = user.is_superuser = False
        user.erased_at = timezone.now()
        user.save()
        user.groups.clear()
        user.user_permissions.clear()
        changed += 1
    return changed


SOURCES = [
    PersonalDataSource(
        key="accounts.account",
        label=_("Your account"),
        origin=_("You gave it when you signed up or edited your account."),
        retention=Retention.ACCOUNT,
        models=("accounts.user", "accounts.organiserrole", "otp_totp.totpdevice"),
        export=export_account,
        erase=erase_account,
        purpose=_("Signing in, and organiser responsibilities."),
    )
]
