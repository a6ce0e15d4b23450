"""Encryption of personal fields at rest, and keyed blind indexes for exact lookups.

Keys never live in the database. They come from the environment (`CYBERWEEK_KEYS`) or a
key file (`CYBERWEEK_KEY_FILE`), as a key ring: several data keys, one of them active for
new writes, each with its algorithm, so data written under an old key stays readable
while `cyberweek privacy rotate-key` re-encrypts it. The algorithms:

- `aes-256-gcm` (default): AES-256 in GCM mode, a fresh 96-bit nonce per value;
- `sm4-gcm`: SM4 in GCM mode, for deployments that must use China's national algorithms.

A ciphertext reads `cw1:<key id>:<base64url(nonce ‖ ciphertext ‖ tag)>`. The column it
belongs to is bound in as associated data, so a value copied into another column does not
decrypt. Blind indexes are HMAC-SHA256 (or HMAC-SM3) of a normalised value under a
separate index key, so a database dump alone neither decrypts nor confirms a guess.
Keyed MACs for other purposes (the access log's chain and its checkpoints) use a key derived
from one data key and named by its id, so they keep verifying after a rotation for as long as
that key stays in the ring.

The ring is created once, together with an empty database (`core.key_check`); after that a
missing, unreadable or different ring is an error that names the file or the variable, never
a reason to make a new one (that would silently make every stored value unreadable).

Key-ring JSON (the file, or the variable's value):

    {"active": "2026a",
     "keys": {"2026a": {"algorithm": "aes-256-gcm", "key": "<base64 of 32 bytes>"},
              "2019": {"algorithm": "sm4-gcm", "key": "<base64 of 16 bytes>"}},
     "index": {"algorithm": "hmac-sha256", "key": "<base64 of 32 bytes>"}}
"""

import base64
import binascii
import hmac as std_hmac
import json
import os
import secrets
import threading
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as crypto_hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

PREFIX = "cw1"
KEY_SIZES = {"aes-256-gcm": 32, "sm4-gcm": 16}
INDEX_ALGORITHMS = {"hmac-sha256", "hmac-sm3"}
NONCE_SIZE = 12
TAG_SIZE = 16


class DecryptionError(ValueError):
    """A stored value that no key in the ring can open: wrong key, or tampered data."""


@dataclass(frozen=True)
class DataKey:
    key_id: str
    algorithm: str
    secret: bytes

    def encrypt(self, plaintext: bytes, aad: bytes) -> bytes:
        nonce = os.urandom(NONCE_SIZE)
        if self.algorithm == "aes-256-gcm":
            return nonce + AESGCM(self.secret).encrypt(nonce, plaintext, aad)
        encryptor = Cipher(algorithms.SM4(self.secret), modes.GCM(nonce)).encryptor()
        encryptor.authenticate_additional_data(aad)
        body = encryptor.update(plaintext) + encryptor.finalize()
        return nonce + body + encryptor.tag

    def decrypt(self, blob: bytes, aad: bytes) -> bytes:
        nonce, body = blob[:NONCE_SIZE], blob[NONCE_SIZE:]
        if self.algorithm == "aes-256-gcm":
            return AESGCM(self.secret).decrypt(nonce, body, aad)
        ciphertext, tag = body[:-TAG_SIZE], body[-TAG_SIZE:]
        decryptor = Cipher(algorithms.SM4(self.secret), modes.GCM(nonce, tag)).decryptor()
        decryptor.authenticate_additional_data(aad)
        return decryptor.update(ciphertext) + decryptor.finalize()


@dataclass(frozen=True)
class KeyRing:
    active: DataKey
    keys: dict[str, DataKey]
    index_algorithm: str
    index_secret: bytes

    def encrypt(self, plaintext: str, *, context: str) -> str:
        blob = self.active.encrypt(plaintext.encode("utf-8"), context.encode())
        encoded = base64.urlsafe_b64encode(blob).decode("ascii")
        return f"{PREFIX}:{self.active.key_id}:{encoded}"

    def decrypt(self, token: str, *, context: str) -> str:
        try:
            prefix, key_id, encoded = token.split(":", 2)
            blob = base64.urlsafe_b64decode(encoded.encode("ascii"))
        except (ValueError, binascii.Error) as error:
            raise DecryptionError("not an encrypted value") from error
        if prefix != PREFIX:
            raise DecryptionError("not an encrypted value")
        key = self.keys.get(key_id)
        if key is None:
            raise DecryptionError(f"key {key_id!r} is not in the key ring")
        try:
            return key.decrypt(blob, context.encode()).decode("utf-8")
        except (InvalidTag, ValueError) as error:
            raise DecryptionError("the value does not authenticate under its key") from error

    def key_id_of(self, token: str) -> str | None:
        parts = token.split(":", 2)
        return parts[1] if len(parts) == 3 and parts[0] == PREFIX else None

    def mac(self, message: bytes, *, purpose: str, key_id: str | None = None) -> tuple[str, str]:
        """(key id, hex MAC) of `message` under a key derived for `purpose` from the data key
        `key_id` (the active key by default): HMAC-SM3 for an SM4 key, HMAC-SHA256 otherwise.
        Raises `DecryptionError` when `key_id` is not in the ring."""
        key = self.active if key_id is None else self.keys.get(key_id)
        if key is None:
            raise DecryptionError(f"key {key_id!r} is not in the key ring")
        algorithm = hashes.SM3() if key.algorithm == "sm4-gcm" else hashes.SHA256()
        derived = crypto_hmac.HMAC(key.secret, algorithm)
        derived.update(b"cyberweek derived key\x00" + purpose.encode())
        mac = crypto_hmac.HMAC(derived.finalize(), algorithm)
        mac.update(message)
        return key.key_id, mac.finalize().hex()

    def verify_mac(self, message: bytes, mac: str, *, purpose: str, key_id: str) -> bool:
        _key_id, expected = self.mac(message, purpose=purpose, key_id=key_id)
        return std_hmac.compare_digest(expected, mac)

    def blind_index(self, normalised: str, *, purpose: str) -> str:
        """A stable keyed digest of `normalised` for equality lookups in one `purpose`."""
        message = f"{purpose}\x00{normalised}".encode()
        if self.index_algorithm == "hmac-sm3":
            mac = crypto_hmac.HMAC(self.index_secret, hashes.SM3())
            mac.update(message)
            return mac.finalize().hex()
        return std_hmac.new(self.index_secret, message, "sha256").hexdigest()


def _decode_key(value: str, *, what: str, size: int | None) -> bytes:
    try:
        secret = base64.b64decode(value, validate=True)
    except (binascii.Error, TypeError) as error:
        raise ImproperlyConfigured(f"{what}: the key is not valid base64.") from error
    if size is not None and len(secret) != size:
        raise ImproperlyConfigured(f"{what}: the key must be {size} bytes, not {len(secret)}.")
    if size is None and len(secret) < 32:
        raise ImproperlyConfigured(f"{what}: the index key must be at least 32 bytes.")
    return secret


def parse_key_ring(raw: str, *, source: str) -> KeyRing:
    """Read a key ring from JSON text; every mistake names what is wrong and where."""
    try:
        spec = json.loads(raw)
        active_id = spec["active"]
        key_specs = spec["keys"]
        index_spec = spec["index"]
    except (json.JSONDecodeError, KeyError, TypeError) as error:
        raise ImproperlyConfigured(
            f"{source}: a key ring is JSON with 'active', 'keys' and 'index' ({error})."
        ) from error
    keys = {}
    for key_id, key_spec in key_specs.items():
        algorithm = key_spec.get("algorithm", "aes-256-gcm")
        if algorithm not in KEY_SIZES:
            raise ImproperlyConfigured(
                f"{source}: key {key_id!r} has unknown algorithm {algorithm!r} "
                f"(use one of {', '.join(KEY_SIZES)})."
            )
        if ":" in key_id:
            raise ImproperlyConfigured(f"{source}: key id {key_id!r} may not contain ':'.")
        secret = _decode_key(
            key_spec.get("key", ""), what=f"{source} key {key_id!r}", size=KEY_SIZES[algorithm]
        )
        keys[key_id] = DataKey(key_id, algorithm, secret)
    if active_id not in keys:
        raise ImproperlyConfigured(f"{source}: the active key {active_id!r} is not in 'keys'.")
    index_algorithm = index_spec.get("algorithm", "hmac-sha256")
    if index_algorithm not in INDEX_ALGORITHMS:
        raise ImproperlyConfigured(
            f"{source}: unknown index algorithm {index_algorithm!r} "
            f"(use one of {', '.join(sorted(INDEX_ALGORITHMS))})."
        )
    index_secret = _decode_key(index_spec.get("key", ""), what=f"{source} index", size=None)
    return KeyRing(keys[active_id], keys, index_algorithm, index_secret)


def new_key_ring_spec(*, algorithm: str = "aes-256-gcm", key_id: str | None = None) -> dict:
    """A fresh key ring (what `cyberweek privacy new-keys` prints)."""
    key_id = key_id or secrets.token_hex(4)
    index_algorithm = "hmac-sm3" if algorithm == "sm4-gcm" else "hmac-sha256"
    return {
        "active": key_id,
        "keys": {key_id: {"algorithm": algorithm, "key": _random_b64(KEY_SIZES[algorithm])}},
        "index": {"algorithm": index_algorithm, "key": _random_b64(32)},
    }


def _random_b64(size: int) -> str:
    return base64.b64encode(secrets.token_bytes(size)).decode("ascii")


_lock = threading.Lock()
_cached: tuple[tuple, KeyRing] | None = None


class KeyRingMissing(ImproperlyConfigured):
    """No key ring where the settings say it is."""


def _key_file() -> Path | None:
    value = getattr(settings, "CYBERWEEK_KEY_FILE", None)
    return Path(value) if value else None


def _load_spec() -> tuple[str, str]:
    if settings.CYBERWEEK_KEYS:
        return settings.CYBERWEEK_KEYS, "CYBERWEEK_KEYS"
    path = _key_file()
    if path is None:
        raise KeyRingMissing(
            "CYBERWEEK_KEYS or CYBERWEEK_KEY_FILE must hold the encryption key ring when "
            "CYBERWEEK_ENV=production (see README, Configuration)."
        )
    if not path.is_file():
        raise KeyRingMissing(
            f"The encryption key ring {path} (CYBERWEEK_KEY_FILE) does not exist. It is made "
            "only together with a new, empty database; without it nothing encrypted can be "
            "read. Restore the file from your backup, or set CYBERWEEK_KEYS or "
            "CYBERWEEK_KEY_FILE to where the ring is (see README, Keys and the access log)."
        )
    try:
        return path.read_text("utf-8"), key_ring_source()
    except (OSError, UnicodeDecodeError) as error:
        raise ImproperlyConfigured(
            f"The encryption key ring {path} (CYBERWEEK_KEY_FILE) cannot be read: {error}."
        ) from error


def key_ring_source() -> str:
    """Where the ring is read from, as an operator would look for it."""
    if settings.CYBERWEEK_KEYS:
        return "CYBERWEEK_KEYS"
    return f"{_key_file()} (CYBERWEEK_KEY_FILE)"


def create_key_file(path: Path) -> None:
    """Write a fresh key ring to `path`, readable by its owner only. Called only when a new,
    empty database is created (`core.key_check`); refuses to overwrite an existing file."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(json.dumps(new_key_ring_spec(), indent=2))


def key_ring() -> KeyRing:
    """The configured key ring; re-read when the settings that point at it change."""
    global _cached
    # A changed key file is picked up without a restart, so every node starts writing
    # under a new active key soon after it is added (see `privacy rotate-key`).
    path = _key_file()
    mtime = path.stat().st_mtime_ns if path is not None and path.is_file() else None
    marker = (settings.CYBERWEEK_KEYS, str(path), mtime)
    with _lock:
        if _cached is None or _cached[0] != marker:
            raw, source = _load_spec()
            mtime = path.stat().st_mtime_ns if path is not None and path.is_file() else None
            marker = (settings.CYBERWEEK_KEYS, str(path), mtime)
            _cached = (marker, parse_key_ring(raw, source=source))
        return _cached[1]


def reset_key_ring_cache() -> None:
    global _cached
    with _lock:
        _cached = None
