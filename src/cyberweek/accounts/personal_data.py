"""What the accounts app holds about a person (see core/personal_data.py)."""

from django.contrib.auth.hashers import make_password
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from cyberweek.core.personal_data import PersonalDataSource, Retention, field_label, iso

from .models import OrganiserRole, SignUpCode, User
from .queries import staff_role_label


def export_account(user) -> list[dict]:
    user = User.objects.get(pk=user.pk)

    def label(model, name):
        return field_label(model, name)

    record = {
        label(User, "email"): user.email or "",
        label(User, "mobile"): user.mobile or "",
        label(User, "display_name"): user.display_name,
        label(User, "date_joined"): iso(user.date_joined),
        label(User, "last_login"): iso(user.last_login),
        label(User, "verified_at"): iso(user.verified_at),
        label(User, "is_active"): user.is_active,
        label(User, "is_staff"): user.is_staff,
        label(User, "is_superuser"): user.is_superuser,
        str(_("two-factor sign-in")): TOTPDevice.objects.filter(user=user, confirmed=True).exists(),
    }
    roles = [
        {
            label(OrganiserRole, "level"): role.get_level_display(),
            label(OrganiserRole, "region"): str(role.region),
            label(OrganiserRole, "sector"): role.get_sector_display() if role.sector else "",
            label(OrganiserRole, "unit_name"): role.unit_name,
            label(OrganiserRole, "granted_at"): iso(role.granted_at),
            label(OrganiserRole, "granted_by"): staff_role_label(role.granted_by_id)
            if role.granted_by_id
            else "",
        }
        for role in OrganiserRole.objects.filter(user=user).select_related("region")
    ]
    devices = [
        {
            label(TOTPDevice, "name"): device.name,
            label(TOTPDevice, "confirmed"): device.confirmed,
            label(TOTPDevice, "created_at"): iso(device.created_at),
            label(TOTPDevice, "last_used_at"): iso(device.last_used_at),
            label(TOTPDevice, "throttling_failure_count"): device.throttling_failure_count,
            label(TOTPDevice, "throttling_failure_timestamp"): iso(
                device.throttling_failure_timestamp
            ),
        }
        for device in TOTPDevice.objects.filter(user=user).order_by("pk")
    ]
    return [record, *roles, *devices]


_AUTHENTICATOR = (
    "A setting of your authenticator app, the same for everyone, or the secret it shares "
    "with the platform: shown, it would let someone copy your second factor."
)
NOT_EXPORTED = {
    "accounts.user.password": "Stored only as a one-way hash, which tells nothing.",
    "accounts.user.email_index": "A keyed digest of the email address above, for sign-in.",
    "accounts.user.mobile_index": "A keyed digest of the mobile number above, for sign-in.",
    "accounts.user.erased_at": "Set only when the account is deleted.",
    "accounts.organiserrole.user": "You.",
    "otp_totp.totpdevice.user": "You.",
    "accounts.signupcode.user": "You.",
    "accounts.signupcode.code_digest": "A keyed digest of the code we sent you; it tells nothing.",
    "accounts.signupcode.expires_at": "When that code stops working (minutes after it was sent).",
    "accounts.signupcode.attempts": "How many wrong codes were typed, to stop guessing.",
    "accounts.signupcode.password": "The password you chose, as a one-way hash, until confirmed.",
    **{
        f"otp_totp.totpdevice.{name}": _AUTHENTICATOR
        for name in ("key", "step", "t0", "digits", "tolerance", "drift", "last_t")
    },
}


def erase_account(user) -> int:
    """Keep an anonymous row, so counts (participants, attempts) stay right; remove every
    identifier, the password, roles and authenticators."""
    user = User.objects.get(pk=user.pk)
    changed = OrganiserRole.objects.filter(user=user).delete()[0]
    changed += TOTPDevice.objects.filter(user=user).delete()[0]
    changed += SignUpCode.objects.filter(user=user).delete()[0]
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
        models=(
            "accounts.user",
            "accounts.organiserrole",
            "otp_totp.totpdevice",
            "accounts.signupcode",
        ),
        export=export_account,
        erase=erase_account,
        purpose=_("Signing in, and organiser responsibilities."),
        exempt_fields=NOT_EXPORTED,
    )
]
