"""The key ring and the database belong together: made once, checked at every start.

Before migrations create a new, empty database, the embedded runtime writes a fresh key ring
(`var/keys.json`); afterwards the database stores a known value encrypted and blind-indexed
under it (`KeyRingCheck`). From then on a ring that is missing, unreadable or not the one the data
was written with is an error naming the file or variable: `cyberweek check` reports it
(`core.E001`), `runserver` and `migrate` refuse to run, and the WSGI/ASGI application and
Celery workers refuse to start (`require_usable_key_ring`). Making a new ring instead, as
the embedded runtime once did, silently made every stored value unreadable: the privacy
centre failed, nobody could sign in and the same address could sign up again.
"""

from django.apps import apps
from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, connections

from .crypto import (
    DecryptionError,
    KeyRing,
    KeyRingMissing,
    create_key_file,
    key_ring,
    key_ring_source,
    reset_key_ring_cache,
)
from .fields import BlindIndexField, EncryptedTextField
from .models import KeyRingCheck

CHECK_VALUE = "cyberweek key ring check v1"
PURPOSE = "core.key_check"


def check_row(ring: KeyRing) -> dict:
    """The check value's columns under `ring` (its active key and its index key)."""
    return {
        "ciphertext": ring.encrypt(CHECK_VALUE, context=PURPOSE),
        "blind_index": ring.blind_index(CHECK_VALUE, purpose=PURPOSE),
    }


def _holds_encrypted_data(using: str) -> bool:
    """True when any table with encrypted or blind-indexed columns has a row."""
    tables = set(connections[using].introspection.table_names())
    for model in apps.get_models():
        if model is KeyRingCheck or model._meta.db_table not in tables:
            continue
        fields = model._meta.concrete_fields
        protected = any(isinstance(f, EncryptedTextField | BlindIndexField) for f in fields)
        if protected and model._default_manager.using(using).exists():
            return True
    return False


def _check_table_exists(using: str) -> bool:
    return KeyRingCheck._meta.db_table in connections[using].introspection.table_names()


def _is_new_database(using: str) -> bool:
    if _check_table_exists(using) and KeyRingCheck.objects.using(using).exists():
        return False
    return not _holds_encrypted_data(using)


def create_key_ring_with_database(sender, using="default", **kwargs) -> None:
    """pre_migrate: before migrations create a new, empty database, the embedded runtime
    makes its key ring (`CYBERWEEK_KEY_FILE`). Anywhere else a missing ring stops
    `migrate`: a new ring would hide that the real one is lost."""
    try:
        key_ring()
    except KeyRingMissing:
        if settings.PRODUCTION or settings.CYBERWEEK_KEYS or not _is_new_database(using):
            raise
        create_key_file(settings.CYBERWEEK_KEY_FILE)
        reset_key_ring_cache()


def store_check_value(sender, using="default", **kwargs) -> None:
    """post_migrate: a database without a check value gets one under the current ring (a
    new database, or one created before the check existed); `key_ring_problem` compares
    against it from then on."""
    if _check_table_exists(using) and not KeyRingCheck.objects.using(using).exists():
        KeyRingCheck.objects.using(using).create(**check_row(key_ring()))


def key_ring_problem(using: str = "default") -> str | None:
    """What is wrong with the configured key ring for this database, or None."""
    try:
        ring = key_ring()
    except ImproperlyConfigured as error:
        try:
            if _is_new_database(using):
                return None  # not created yet: migrate makes the ring with the database
        except DatabaseError:
            pass
        return str(error)
    try:
        if not _check_table_exists(using):
            return None
        stored = list(KeyRingCheck.objects.using(using).values_list("ciphertext", "blind_index"))
    except DatabaseError:
        return None  # the database cannot be reached; Django reports that on its own
    for ciphertext, index in stored:
        try:
            value = ring.decrypt(ciphertext, context=PURPOSE)
        except DecryptionError as error:
            return (
                f"The encryption key ring from {key_ring_source()} does not open the check "
                f"value the database stored when it was created ({error}): it is not the ring "
                "this data was written with, so no personal information could be read and "
                "nobody could sign in. Set CYBERWEEK_KEYS or CYBERWEEK_KEY_FILE to the right "
                "ring (see README, Keys and the access log)."
            )
        if value != CHECK_VALUE:
            return f"The database's key ring check value is not {CHECK_VALUE!r}."
        if index != ring.blind_index(CHECK_VALUE, purpose=PURPOSE):
            return (
                f"The index key of the encryption key ring from {key_ring_source()} is not "
                "the one the database was written with: sign-in and every lookup by email "
                "or mobile number would miss, and the same address could sign up twice. "
                "Set CYBERWEEK_KEYS or CYBERWEEK_KEY_FILE to the right ring "
                "(see README, Keys and the access log)."
            )
    return None


def rewrite_check_value(*, reindex: bool) -> int:
    """Key rotation: the check value under the active key (and, with `reindex`, the new
    index key), so the old key can leave the ring. Raises `DecryptionError` when the ring
    cannot open it, exactly as the rotation of any other value would."""
    ring = key_ring()
    rows = [
        row
        for row in KeyRingCheck.objects.select_for_update()
        if reindex or ring.key_id_of(row.ciphertext) != ring.active.key_id
    ]
    for row in rows:
        ring.decrypt(row.ciphertext, context=PURPOSE)
        fresh = check_row(ring)
        row.ciphertext = fresh["ciphertext"]
        if reindex:
            row.blind_index = fresh["blind_index"]
        row.save(update_fields=["ciphertext", "blind_index"])
    return len(rows)


def check_key_ring(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    problem = key_ring_problem()
    if problem is None:
        return []
    return [
        checks.Error(
            problem,
            hint="The key ring is made only with a new, empty database; never replace it.",
            id="core.E001",
        )
    ]


def require_usable_key_ring() -> None:
    """Refuse to start (WSGI, ASGI, Celery worker) with a ring that cannot read the data."""
    try:
        problem = key_ring_problem()
    finally:
        # No connection opened at import time may survive into forked workers.
        connections.close_all()
    if problem is not None:
        raise ImproperlyConfigured(problem)
