"""Public voting: verifying a voter's mobile number, the network and device digests a vote
keeps, and voiding a vote. Casting a vote is a hot path of its own, in `casting.py`.

The rule "one verified person, one vote per entry per day (or per contest)" holds in the
database: a verified number is unique among verified numbers, and `Vote` is unique on
(voter, entry, day). Redis (the shared cache) only sheds load in front of it: a voter who
already voted for an entry today is answered from the cache without a database write, and
a per-voter rate limit stops a script before the database sees it. If the cache forgets,
the constraint still answers; if the insert fails for another reason, the cache mark is
removed again so the voter is not locked out.
"""

import hashlib
import hmac
import ipaddress
import re
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cyberweek.accounts import delivery
from cyberweek.accounts.identifiers import normalise_mobile
from cyberweek.core import audit, rate_limits
from cyberweek.core.crypto import key_ring
from cyberweek.core.errors import (
    Conflict,
    InvalidTransition,
    LimitReached,
    NotAuthenticated,
    NotFound,
    ValidationFailed,
)
from cyberweek.core.permissions import require_scope
from cyberweek.core.transactions import service

from .actions import FRAUD
from .models import PhoneVerification, Vote

CODE_MINUTES = 10
MAX_WRONG_CODES = 5
CODES_PER_HOUR = 5


def _signed_in(actor) -> None:
    if not getattr(actor, "is_authenticated", False):
        raise NotAuthenticated()


def _code_digest(user_id: int, code: str) -> str:
    return hmac.new(
        settings.SECRET_KEY.encode(), f"showcase-code:{user_id}:{code}".encode(), hashlib.sha256
    ).hexdigest()


# --- Verification ---------------------------------------------------------------------------
@service
def request_code(*, actor, mobile: str, now=None) -> PhoneVerification:
    """Send a one-time code to `mobile` through the platform's SMS sender (accounts'
    delivery, after the commit). A number that already verifies another person is refused."""
    _signed_in(actor)
    now = now or timezone.now()
    try:
        mobile = normalise_mobile(mobile)
    except DjangoValidationError as error:
        raise ValidationFailed(_("Enter a valid mobile number."), field="mobile") from error
    if not rate_limits.hit(
        "showcase-code", str(actor.pk), limit=CODES_PER_HOUR, window=3600
    ).allowed:
        raise LimitReached(_("Too many codes requested; try again in an hour."))
    verification = PhoneVerification.objects.select_for_update().filter(user=actor).first()
    if verification is not None and verification.verified_at is not None:
        raise InvalidTransition(_("Your mobile number is already verified."))
    digest = PhoneVerification._meta.get_field("mobile_index").digest(mobile)
    if PhoneVerification.objects.filter(mobile_index=digest, verified_at__isnull=False).exists():
        raise Conflict(_("This number already verifies another account."), field="mobile")
    code = f"{secrets.randbelow(10**6):06d}"
    if verification is None:
        verification = PhoneVerification(user=actor)
    verification.mobile = mobile
    verification.code_digest = _code_digest(actor.pk, code)
    verification.code_expires_at = now + timedelta(minutes=CODE_MINUTES)
    verification.attempts = 0
    verification.save()
    delivery.send_to(
        mobile=mobile,
        subject=_("Micro-video contest"),
        body=_("Your voting code is %(code)s. It is valid for 10 minutes.") % {"code": code},
        user_id=actor.pk,
    )
    return verification


def confirm_code(*, actor, code: str, now=None) -> PhoneVerification:
    """The code sent by `request_code`: right, and the number verifies the actor."""
    _signed_in(actor)
    now = now or timezone.now()
    with transaction.atomic():
        verification = PhoneVerification.objects.select_for_update().filter(user=actor).first()
        if verification is None or (not verification.code_digest and not verification.verified_at):
            raise InvalidTransition(_("Ask for a code first."))
        if verification.verified_at is not None:
            return verification
        if verification.code_expires_at is None or verification.code_expires_at <= now:
            raise InvalidTransition(_("The code has expired; ask for a new one."))
        if verification.attempts >= MAX_WRONG_CODES:
            raise LimitReached(_("Too many wrong codes; ask for a new one."))
        right = hmac.compare_digest(
            verification.code_digest, _code_digest(actor.pk, (code or "").strip())
        )
        if not right:
            # Committed with this block: the refusal below must not undo the count.
            verification.attempts += 1
            verification.save(update_fields=["attempts", "updated_at"])
    if not right:
        raise ValidationFailed(_("The code is not right."), field="code")
    try:
        with transaction.atomic():
            verification.verified_at = now
            verification.code_digest = ""
            verification.save()
            audit.record(actor, "showcase.phone_verified", verification)
    except IntegrityError as error:
        raise Conflict(_("This number already verifies another account.")) from error
    return verification


def is_verified(user) -> bool:
    return PhoneVerification.objects.filter(user=user, verified_at__isnull=False).exists()


# --- Votes ----------------------------------------------------------------------------------
# A random token in a first-party cookie names the browser a vote comes from, so that
# several accounts voting from one browser show as a fraud signal. It is a security cookie
# (fraud prevention), HttpOnly, and only its keyed digest is kept with a vote.
DEVICE_COOKIE = "cw_device"
DEVICE_COOKIE_SECONDS = 400 * 24 * 3600  # browsers cap a cookie's life at 400 days
_DEVICE_TOKEN = re.compile(r"[A-Za-z0-9_-]{22}")


def device_token(request) -> tuple[str, bool]:
    """The browser's device token, and whether it is new (to be set on the response)."""
    token = request.COOKIES.get(DEVICE_COOKIE, "")
    if _DEVICE_TOKEN.fullmatch(token):
        return token, False
    return secrets.token_urlsafe(16), True


def remember_device(response, token: str) -> None:
    response.set_cookie(
        DEVICE_COOKIE,
        token,
        max_age=DEVICE_COOKIE_SECONDS,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )


def device_digest(token: str) -> str:
    if not _DEVICE_TOKEN.fullmatch(token or ""):
        return ""
    return key_ring().blind_index(token, purpose="showcase.vote.device")


def network_digest(address: str) -> str:
    """A keyed digest of the address's /24 (IPv4) or /48 (IPv6): groups votes from one
    network without keeping any address."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return ""
    prefix = 24 if ip.version == 4 else 48
    network = ipaddress.ip_network(f"{ip}/{prefix}", strict=False)
    return key_ring().blind_index(str(network), purpose="showcase.vote.network")


@service
def void_vote(*, actor, vote_id: int, reason: str, now=None) -> Vote:
    """An organiser voids a vote they judge fraudulent; the reason is kept and audited."""
    require_scope(actor, action=FRAUD)
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationFailed(_("Say why the vote is void."), field="reason")
    if len(reason) > 200:
        raise ValidationFailed(_("At most %(limit)d characters.") % {"limit": 200}, field="reason")
    vote = Vote.objects.select_for_update().filter(pk=vote_id).first()
    if vote is None:
        raise NotFound(_("No such vote."))
    if vote.voided_at is not None:
        raise InvalidTransition(_("This vote is already void."))
    vote.voided_at = now or timezone.now()
    vote.void_reason = reason
    vote.save(update_fields=["voided_at", "void_reason"])
    audit.record(actor, "showcase.vote_voided", vote, reason=reason)
    return vote
