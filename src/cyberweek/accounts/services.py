"""Accounts: signing up, organiser roles, the second factor."""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from cyberweek.core import audit
from cyberweek.core.errors import Conflict, PermissionDenied, ValidationFailed
from cyberweek.core.permissions import held_roles, require_scope, roles_of
from cyberweek.core.transactions import service
from cyberweek.geo.models import Region

from . import delivery
from .identifiers import normalise_email, normalise_mobile
from .models import OrganiserRole, User

LEVEL_RANK = {level: rank for rank, level in enumerate(OrganiserRole.Level.values)}


@service
def sign_up(*, email: str = "", mobile: str = "", password: str) -> User:
    """Create a participant account. Needs an email address or a mobile number, and a
    password that passes the validators; nothing else."""
    if not email and not mobile:
        raise ValidationFailed(_("Enter an email address or a mobile number."))
    try:
        email = normalise_email(email) if email else None
        mobile = normalise_mobile(mobile) if mobile else None
    except ValidationError as error:
        raise ValidationFailed(error.messages[0]) from error
    if email and User.objects.by_email(email).exists():
        raise Conflict(_("An account with this email address already exists."), field="email")
    if mobile and User.objects.by_mobile(mobile).exists():
        raise Conflict(_("An account with this mobile number already exists."), field="mobile")
    user = User(email=email, mobile=mobile)
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise ValidationFailed(" ".join(error.messages), field="password") from error
    user.set_password(password)
    user.save()
    return user


def _validate_role_shape(level: str, region: Region, unit_name: str) -> None:
    wanted = OrganiserRole.REGION_LEVEL.get(level)
    if level not in OrganiserRole.Level.values:
        raise ValidationFailed(_("Unknown organiser level."))
    if wanted and region.level != wanted:
        raise ValidationFailed(
            _("A %(level)s role must be given for a region of level %(region_level)s.")
            % {
                "level": OrganiserRole.Level(level).label,
                "region_level": Region.Level(wanted).label,
            }
        )
    if level == OrganiserRole.Level.UNIT and not unit_name.strip():
        raise ValidationFailed(_("Name the unit for a unit-level role."), field="unit_name")


def _rank_over(actor, region: Region) -> int:
    """The highest level (lowest rank) the actor holds over `region`."""
    return min(
        (LEVEL_RANK[r.level] for r in roles_of(actor) if region.is_within(r.region)),
        default=len(LEVEL_RANK),
    )


@service
def grant_role(
    *, actor, user: User, level: str, region: Region, sector: str = "", unit_name: str = ""
) -> OrganiserRole:
    """Give `user` an organiser role. The actor must cover the region and hold a higher
    level there than the role granted (a province appoints its prefectures, not peers)."""
    _validate_role_shape(level, region, unit_name)
    require_scope(actor, action="accounts.grant_role", region=region, sector=sector or None)
    if LEVEL_RANK[level] <= _rank_over(actor, region):
        raise PermissionDenied(_("You can only grant roles below your own level."))
    role, created = OrganiserRole.objects.get_or_create(
        user=user,
        level=level,
        region=region,
        sector=sector,
        unit_name=unit_name.strip(),
        defaults={"granted_by": actor},
    )
    if not created:
        raise Conflict(_("This person already holds that role."))
    audit.record(actor, "accounts.role_granted", role, region=region, level=level)
    return role


@service
def bootstrap_national_organiser(*, user: User) -> OrganiserRole:
    """The first national role, given from the command line by whoever runs the platform."""
    country = Region.objects.get(level=Region.Level.COUNTRY)
    role, _created = OrganiserRole.objects.get_or_create(
        user=user, level=OrganiserRole.Level.NATIONAL, region=country, sector="", unit_name=""
    )
    audit.record(None, "accounts.national_role_bootstrapped", role)
    return role


def _require_may_enrol(user: User, *, session_verified: bool) -> None:
    """Who may set up an authenticator: an organiser with none yet (on first sign-in, with
    the password alone), or one whose session has passed the second factor with the device
    it replaces. Anything else would let a stolen password enrol a device of its own."""
    if not held_roles(user):
        raise PermissionDenied(_("Only organisers sign in with an authenticator app."))
    has_device = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    if has_device and not session_verified:
        raise PermissionDenied(
            _("Enter the code from your authenticator app before setting up another one.")
        )


@service
def start_totp_enrolment(*, user: User, session_verified: bool) -> TOTPDevice:
    """An unconfirmed authenticator for `user`; replaces an earlier unconfirmed one."""
    User.objects.select_for_update().filter(pk=user.pk).first()
    _require_may_enrol(user, session_verified=session_verified)
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


@service
def confirm_totp_enrolment(*, user: User, token: str, session_verified: bool) -> TOTPDevice:
    """Turn the unconfirmed authenticator on with its first code. It replaces any earlier
    one (one authenticator per account); the enrolment is audited and the holder told."""
    # The user's row serialises enrolments: two sessions cannot both pass the "no device
    # yet" rule.
    User.objects.select_for_update().filter(pk=user.pk).first()
    _require_may_enrol(user, session_verified=session_verified)
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        raise ValidationFailed(_("Start the authenticator set-up again."))
    if not device.verify_token(token.strip()):
        raise ValidationFailed(_("That code is not right. Check the clock on your phone."))
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    replaced, _by_model = TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    audit.record(user, "accounts.totp_enrolled", device, replaced=replaced)
    delivery.send_to_account_holder(
        user,
        subject=_("An authenticator app was set up for your cyberweek account"),
        body=_(
            "Someone signed in to your cyberweek organiser account and set up an "
            "authenticator app for its two-factor sign-in; it replaces any earlier one. If "
            "this was not you, tell the organiser who appointed you at once: they can reset "
            "it, and change your password."
        ),
    )
    return device


@service
def reset_second_factor(*, actor, user: User) -> int:
    """Remove every authenticator of `user` (a lost phone), so that they enrol again at
    their next sign-in. Only an organiser above every role `user` holds may do it (the one
    who could appoint them); audited, and the holder is told. Returns the devices removed."""
    roles = held_roles(user)
    if not roles or user.pk == getattr(actor, "pk", None):
        raise PermissionDenied(_("Only a higher organiser can reset someone's authenticator."))
    for role in roles:
        require_scope(
            actor,
            action="accounts.grant_role",
            region=role.region,
            sector=role.sector or None,
        )
        if _rank_over(actor, role.region) >= LEVEL_RANK[role.level]:
            raise PermissionDenied(_("Only a higher organiser can reset someone's authenticator."))
    removed, _by_model = TOTPDevice.objects.filter(user=user).delete()
    audit.record(actor, "accounts.second_factor_reset", user, removed=removed)
    delivery.send_to_account_holder(
        user,
        subject=_("The two-factor sign-in of your cyberweek account was reset"),
        body=_(
            "A higher organiser reset the authenticator app of your cyberweek organiser "
            "account. At your next sign-in you will set up an authenticator again. If you "
            "did not ask for this, tell them at once."
        ),
    )
    return removed
