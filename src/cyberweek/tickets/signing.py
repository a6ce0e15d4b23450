"""Signed tickets: a door device holding only the public key can tell a real ticket from a
forged or altered one, without a network.

A ticket reads `CW1.<body>.<signature>`: `body` is base64url (no padding) of compact JSON
`{"t": ticket code, "o": offering id, "s": seats}`, and `signature` is base64url of the
Ed25519 signature of the ASCII text `CW1.<body>`. The QR code on the ticket holds exactly
this text; the check-in page verifies it with WebCrypto before queueing it.

The private key comes from `TICKET_SIGNING_KEY` (PEM, or base64 of the raw 32-byte seed).
Production refuses to start without it; the embedded runtime creates
`var/ticket-signing-key.pem` (mode 0600) while no ticket has been issued. Once tickets are
out, a missing key file is an error naming it (`cyberweek check`: `tickets.E001`), never a
new key: every ticket in people's hands would be turned away at the door.
"""

import base64
import binascii
import json
import os
import threading
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError
from django.utils.translation import gettext_lazy as _

from cyberweek.core.errors import ValidationFailed

PREFIX = "CW1"
MAX_LENGTH = 400  # A real ticket is about 150 characters; anything far longer is not one.


class InvalidTicket(ValidationFailed):
    """A payload that is not a valid ticket. `reason` is "malformed" or "forged"."""

    def __init__(self, message, *, reason: str):
        super().__init__(message, field="ticket")
        self.reason = reason


@dataclass(frozen=True)
class TicketClaim:
    code: str
    offering_id: int
    seats: int


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64decode(text: str) -> bytes:
    return base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True)


def parse_signing_key(value: str, *, source: str) -> Ed25519PrivateKey:
    """An Ed25519 private key from PEM text or base64 of its 32 raw bytes."""
    value = (value or "").strip()
    if value.startswith("-----BEGIN"):
        try:
            key = serialization.load_pem_private_key(value.encode("ascii"), password=None)
        except (ValueError, TypeError) as error:
            raise ImproperlyConfigured(f"{source}: not a readable PEM private key.") from error
        if not isinstance(key, Ed25519PrivateKey):
            raise ImproperlyConfigured(f"{source}: the PEM key must be an Ed25519 key.")
        return key
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError) as error:
        raise ImproperlyConfigured(f"{source}: neither PEM nor valid base64.") from error
    if len(raw) != 32:
        raise ImproperlyConfigured(
            f"{source}: a raw Ed25519 key is 32 bytes, not {len(raw)} (or give it as PEM)."
        )
    return Ed25519PrivateKey.from_private_bytes(raw)


def new_signing_key_pem() -> str:
    return (
        Ed25519PrivateKey.generate()
        .private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        .decode("ascii")
    )


_lock = threading.Lock()
_cached: tuple[tuple, Ed25519PrivateKey] | None = None


def _key_file() -> Path:
    default = Path(settings.VAR_DIR) / "ticket-signing-key.pem"
    return Path(getattr(settings, "TICKET_SIGNING_KEY_FILE", default) or default)


def _configured() -> str:
    # The setting, read from the environment by settings.py; the variable itself when the
    # settings module predates it.
    value = getattr(settings, "TICKET_SIGNING_KEY", None)
    return os.environ.get("TICKET_SIGNING_KEY", "") if value is None else value


def _load() -> Ed25519PrivateKey:
    configured = _configured()
    if configured:
        return parse_signing_key(configured, source="TICKET_SIGNING_KEY")
    if settings.PRODUCTION:
        raise ImproperlyConfigured(
            "TICKET_SIGNING_KEY must hold the Ed25519 ticket signing key when "
            "CYBERWEEK_ENV=production (see README, Configuration)."
        )
    path = _key_file()
    if not path.is_file():
        if _tickets_issued():
            raise ImproperlyConfigured(
                f"The ticket signing key {path} is missing, but tickets signed with it have "
                "been issued: restore the file from a backup, or set TICKET_SIGNING_KEY. A "
                "new key would turn every issued ticket away at the door."
            )
        # The embedded runtime makes its own key on first use, readable by its owner only.
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another thread or process made it first: read theirs
        else:
            with os.fdopen(fd, "w", encoding="ascii") as handle:
                handle.write(new_signing_key_pem())
    return parse_signing_key(path.read_text("ascii"), source=str(path))


def _tickets_issued() -> bool:
    # Imported here, not at the top: settings.py imports this module to check the key,
    # before Django has loaded any model.
    from .models import Registration

    try:
        return Registration.objects.exclude(status=Registration.Status.CANCELLED).exists()
    except DatabaseError:
        return False  # no database yet: nothing can have been signed


def check_signing_key(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """`cyberweek check`: the key that signed the tickets already out can be loaded."""
    try:
        signing_key()
    except ImproperlyConfigured as error:
        return [checks.Error(str(error), id="tickets.E001")]
    return []


def signing_key() -> Ed25519PrivateKey:
    global _cached
    marker = (_configured(), str(_key_file()))
    with _lock:
        if _cached is None or _cached[0] != marker:
            _cached = (marker, _load())
        return _cached[1]


def public_key() -> Ed25519PublicKey:
    return signing_key().public_key()


def public_key_raw_b64url() -> str:
    """The public key as WebCrypto imports it (`importKey("raw", …, "Ed25519")`)."""
    raw = public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return _b64encode(raw)


def public_key_pem() -> str:
    return (
        public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode("ascii")
    )


def sign_ticket(*, code: str, offering_id: int, seats: int) -> str:
    body = json.dumps({"t": code, "o": offering_id, "s": seats}, separators=(",", ":"))
    signed = f"{PREFIX}.{_b64encode(body.encode('utf-8'))}"
    return f"{signed}.{_b64encode(signing_key().sign(signed.encode('ascii')))}"


def looks_like_ticket(text: str) -> bool:
    return (text or "").strip().startswith(f"{PREFIX}.")


def verify_ticket(payload: str) -> TicketClaim:
    """The claim a genuine ticket makes; `InvalidTicket` with a specific message otherwise."""
    payload = (payload or "").strip()
    if len(payload) > MAX_LENGTH or not looks_like_ticket(payload):
        raise InvalidTicket(_("This is not a cyberweek ticket."), reason="malformed")
    parts = payload.split(".")
    if len(parts) != 3 or not parts[1] or not parts[2]:
        raise InvalidTicket(
            _("The ticket is incomplete: scan it again or type its code."), reason="malformed"
        )
    try:
        signature = _b64decode(parts[2])
        body = _b64decode(parts[1])
    except (binascii.Error, ValueError) as error:
        raise InvalidTicket(
            _("The ticket is damaged: scan it again or type its code."), reason="malformed"
        ) from error
    try:
        public_key().verify(signature, f"{parts[0]}.{parts[1]}".encode("ascii"))
    except (InvalidSignature, UnicodeEncodeError) as error:
        raise InvalidTicket(
            _("The ticket's signature does not match: it was altered or forged."),
            reason="forged",
        ) from error
    try:
        data = json.loads(body)
        claim = TicketClaim(code=str(data["t"]), offering_id=int(data["o"]), seats=int(data["s"]))
    except (ValueError, KeyError, TypeError) as error:
        # Signed by us yet unreadable: only a key compromise or a bug would do this.
        raise InvalidTicket(_("The ticket's content is unreadable."), reason="malformed") from error
    return claim


def reset_signing_key_cache() -> None:
    global _cached
    with _lock:
        _cached = None
