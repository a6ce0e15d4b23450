"""Accounts: signing up, organiser roles, the second factor."""

import datetime as dt
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from cyberweek.core import audit, rate_limits
from cyberweek.core.errors import Conflict, LimitReached, PermissionDenied, ValidationFailed
from cyberweek.core.permissions import held_roles, require_scope, roles_of
from cyberweek.core.transactions import service
from cyberweek.geo.models import Region

from . import delivery
from .identifiers import normalise_email, normalise_mobile, sign_in_key
from .models import OrganiserRole, SignUpCode, User
from .queries import user_by_identifier

LEVEL_RANK = {level: rank for rank, level in enumerate(OrganiserRole.Level.values)}


@dataclass(frozen=True)
class PendingSignUp:
    """What a sign-up answers, the same whether or not the address had an account."""

    identifier: str  # the normalised address or number the code went to


def sign_up(*, email: str = "", mobile: str = "", password: str, nonce: str) -> PendingSignUp:
    """Start a participant account: an email address or a mobile number, and a password that
    passes the validators. The account can sign in once the code sent to the address is
    entered (`confirm_sign_up`) in the browser that holds `nonce` (a secret of its session,
    kept across its sign-ups, so signing up twice in a minute still works).

    The answer never tells whether the address already has an account: a confirmed one gets
    a message saying someone tried to sign up with it (and no code); an unconfirmed one gets
    the new password and a fresh code, so nobody can hold an address they cannot read."""
    if not email and not mobile:
        raise ValidationFailed(_("Enter an email address or a mobile number."))
    try:
        email = normalise_email(email) if email else None
        mobile = normalise_mobile(mobile) if mobile else None
    except ValidationError as error:
        raise ValidationFailed(error.messages[0]) from error
    try:
        validate_password(password, User(email=email, mobile=mobile))
    except ValidationError as error:
        raise ValidationFailed(" ".join(error.messages), field="password") from error
    identifier = email or mobile
    try:
        with transaction.atomic():
            _start_sign_up(email=email, mobile=mobile, password=password, nonce=nonce)
    except IntegrityError:
        # Someone signed up with the same address at the same moment: their code is on its
        # way to the address, which is all this answer promises.
        pass
    return PendingSignUp(identifier=identifier)


def _start_sign_up(*, email, mobile, password, nonce) -> None:
    users = User.objects.by_email(email) if email else User.objects.by_mobile(mobile)
    user = users.select_for_update().first()
    # Hashed in every case: the same work either way, so timing tells nothing either.
    password_hash = make_password(password)
    if user is None:
        user = User(email=email, mobile=mobile, verified_at=None)
        user.set_unusable_password()
        user.save()
        _send_code(user, password_hash=password_hash, nonce=nonce)
    elif user.verified_at is None:
        _send_code(user, password_hash=password_hash, nonce=nonce)
    else:
        if _may_send(email or mobile):
            delivery.send_to_account_holder(
                user,
                subject=_("Someone tried to sign up with your address"),
                body=_(
                    "Someone tried to make a new cyberweek account with this address or "
                    "number, which already has one. Nothing was changed. If it was you, sign "
                    "in with your password instead. If not, you need not do anything."
                ),
            )


def _may_send(identifier: str) -> bool:
    """One message a minute and a few an hour per address or number: sign-up cannot be used
    to flood someone's inbox or phone."""
    return (
        rate_limits.hit_all(
            [("signup-send", identifier, 1)], window=settings.SIGNUP_CODE_RESEND_SECONDS
        ).allowed
        and rate_limits.hit_all(
            [("signup-send-hour", identifier, settings.SIGNUP_CODES_PER_HOUR)], window=3600
        ).allowed
    )


def _code_digest(user_id: int, nonce: str, code: str) -> str:
    return salted_hmac("cyberweek.accounts.sign-up-code", f"{user_id}:{nonce}:{code}").hexdigest()


def _send_code(user: User, *, password_hash: str, nonce: str) -> None:
    if not _may_send(user.email or user.mobile):
        return
    code = f"{secrets.randbelow(10**6):06d}"
    SignUpCode.objects.update_or_create(
        user=user,
        defaults={
            "code_digest": _code_digest(user.pk, nonce, code),
            "expires_at": timezone.now() + dt.timedelta(seconds=settings.SIGNUP_CODE_TTL),
            "attempts": 0,
            "password": password_hash,
        },
    )
    minutes = settings.SIGNUP_CODE_TTL // 60
    delivery.send_to_account_holder(
        user,
        subject=_("Your cyberweek sign-up code: %(code)s") % {"code": code},
        body=_(
            "Enter %(code)s to finish making your cyberweek account. The code works for "
            "%(minutes)s minutes. If you did not sign up, ignore this message."
        )
        % {"code": code, "minutes": minutes},
    )


def resend_sign_up_code(*, identifier: str, nonce: str) -> None:
    """Send a fresh code for the sign-up this browser started (within the sending limits).
    Answers nothing, so it tells nothing about the address."""
    user = user_by_identifier(identifier)
    if user is None or user.verified_at is not None:
        return
    with transaction.atomic():
        pending = SignUpCode.objects.select_for_update().filter(user=user).first()
        if pending is not None:
            _send_code(user, password_hash=pending.password, nonce=nonce)


def confirm_sign_up(*, identifier: str, nonce: str, code: str) -> User:
    """Confirm the account at `identifier` with the code sent there; it can sign in from
    now on. A wrong, expired or used-up code, and an address without a pending sign-up, all
    get the same refusal; tries are limited per code and per address."""
    refusal = ValidationFailed(
        _("That code is not right, or it has expired. Ask for a new code."), field="code"
    )
    tries = rate_limits.hit(
        "signup-verify",
        sign_in_key(identifier),
        limit=settings.SIGNUP_CODE_ATTEMPTS,
        window=settings.SIGNUP_CODE_TTL,
    )
    if not tries.allowed:
        raise LimitReached(_("Too many wrong codes. Ask for a new code."), field="code")
    user = user_by_identifier(identifier)
    pending = (
        SignUpCode.objects.filter(user=user, expires_at__gt=timezone.now()).first()
        if user is not None and user.verified_at is None
        else None
    )
    if pending is None or pending.attempts >= settings.SIGNUP_CODE_ATTEMPTS:
        raise refusal
    digest = _code_digest(user.pk, nonce, code.strip())
    if not constant_time_compare(pending.code_digest, digest):
        # Counted outside any transaction: the refusal must not roll the count back.
        SignUpCode.objects.filter(pk=pending.pk).update(attempts=F("attempts") + 1)
        raise refusal
    with transaction.atomic():
        if not SignUpCode.objects.filter(pk=pending.pk).delete()[0]:
            raise refusal  # used by a parallel request a moment ago
        user.verified_at = timezone.now()
        user.password = pending.password
        user.save(update_fields=["verified_at", "password"])
        audit.record(user, "accounts.signed_up", user)
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
    if user.verified_at is None:
        raise ValidationFailed(
            _("This person has not confirmed their address yet."), field="identifier"
        )
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
    if not (held_roles(user) or user.is_staff):
        raise PermissionDenied(_("Only organisers and staff sign in with an authenticator app."))
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
