"""Accounts: signing up, organiser roles, the second factor."""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from cyberweek.core import audit
from cyberweek.core.errors import Conflict, PermissionDenied, ValidationFailed
from cyberweek.core.permissions import require_scope, roles_of
from cyberweek.core.transactions import service
from cyberweek.geo.models import Region

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


@service
def grant_role(
    *, actor, user: User, level: str, region: Region, sector: str = "", unit_name: str = ""
) -> OrganiserRole:
    """Give `user` an organiser role. The actor must cover the region and hold a higher
    level there than the role granted (a province appoints its prefectures, not peers)."""
    _validate_role_shape(level, region, unit_name)
    require_scope(actor, action="accounts.grant_role", region=region, sector=sector or None)
    actor_rank = min(
        (LEVEL_RANK[r.level] for r in roles_of(actor) if region.is_within(r.region)),
        default=len(LEVEL_RANK),
    )
    if LEVEL_RANK[level] <= actor_rank:
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


@service
def start_totp_enrolment(*, user: User) -> TOTPDevice:
    """An unconfirmed authenticator for `user`; replaces an earlier unconfirmed one."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


@service
def confirm_totp_enrolment(*, user: User, token: str) -> TOTPDevice:
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        raise ValidationFailed(_("Start the authenticator set-up again."))
    if not device.verify_token(token.strip()):
        raise ValidationFailed(_("That code is not right. Check the clock on your phone."))
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit.record(user, "accounts.totp_enrolled", device)
    return device
