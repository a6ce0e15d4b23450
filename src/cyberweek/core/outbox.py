"""The transactional outbox: side effects after a commit are never lost and never fail the
request that caused them.

A service calls `enqueue(handler, **payload)` inside its transaction; the message is a row
written (or rolled back) with the change. After the commit a Celery task is asked to deliver
it; when the broker is down the request still succeeds and the message waits for the sweep
that Celery beat runs every minute (`deliver_due`). Delivery is at least once: a message is
claimed by one conditional UPDATE (so two workers never send it together), the handler runs
outside any transaction, and the outcome is written back with the attempt count, the last
error (screened: mail servers quote addresses) and the next try, backing off exponentially.
After `MAX_ATTEMPTS` the message is `failed`, and a national organiser sees it and may retry.

A handler is a function decorated with `@outbox.handler`, named in the row by its dotted
path; only decorated functions are ever called. It returns False when there is nothing left
to deliver (the registration was cancelled meanwhile), and raises to have the try counted
as failed.
"""

import logging
from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from . import audit, personal_data
from .errors import InvalidTransition, NotFound
from .models import OutboxMessage
from .permissions import NATIONAL, register_actions, require_scope
from .screening import screen_text

logger = logging.getLogger(__name__)
Status = OutboxMessage.Status

MANAGE = "core.outbox_manage"
register_actions({MANAGE: frozenset({NATIONAL})})

MAX_ATTEMPTS = 8  # 1, 2, 4 … 64 minutes apart: about two hours of trying in all
FIRST_BACKOFF = timedelta(minutes=1)
MAX_BACKOFF = timedelta(hours=6)
# A worker that claimed a message and died gives it back after this long.
CLAIM_FOR = timedelta(minutes=5)
ERROR_LENGTH = 500
# The task that asks for a delivery is only a nudge (the sweep finds every due message), so
# it expires instead of piling up in the broker while no worker runs.
KICK_EXPIRES_SECONDS = 600

_handlers: set[str] = set()


def handler(func):
    """Mark a function as deliverable from the outbox (see the module's docstring)."""
    _handlers.add(f"{func.__module__}.{func.__qualname__}")
    return func


def enqueue(func, *, private: str = "", **payload) -> OutboxMessage:
    """Write a message for `func` in the current transaction; it is delivered after the
    commit. `payload` is stored as JSON and must hold no personal data; `private` is
    stored encrypted and blanked after delivery."""
    kind = f"{func.__module__}.{func.__qualname__}"
    if kind not in _handlers:
        raise ValueError(f"{kind} is not an outbox handler: decorate it with @outbox.handler")
    message = OutboxMessage.objects.create(kind=kind, payload=payload, private_payload=private)
    transaction.on_commit(lambda: _kick(message.pk))
    return message


def _kick(message_id: int) -> None:
    # Imported here: tasks import this module, and the broker may well be down.
    from .tasks import deliver_outbox_message

    try:
        deliver_outbox_message.apply_async((message_id,), expires=KICK_EXPIRES_SECONDS)
    except Exception:
        # The broker is down (or, inline, delivery hit a bug): the row is safe and the
        # minute sweep delivers it. The request that caused it must not fail.
        logger.warning("outbox message %s left for the sweep", message_id, exc_info=True)


def _due() -> Q:
    return Q(status__in=[Status.PENDING, Status.SENDING], next_attempt_at__lte=timezone.now())


def _claim(message_id: int) -> bool:
    now = timezone.now()
    claimed = OutboxMessage.objects.filter(_due(), pk=message_id).update(
        status=Status.SENDING, next_attempt_at=now + CLAIM_FOR
    )
    return claimed == 1


def deliver(message_id: int) -> str | None:
    """Deliver one message if it is due and no one else has it; returns its new status."""
    if not _claim(message_id):
        return None
    message = OutboxMessage.objects.get(pk=message_id)
    attempts = message.attempts + 1
    try:
        if message.kind not in _handlers:
            import_string(message.kind)  # importing the module registers its handlers
        if message.kind not in _handlers:
            raise LookupError(f"{message.kind} is not an outbox handler")
        func = import_string(message.kind)
        kwargs = dict(message.payload)
        if message.private_payload:
            kwargs["private"] = message.private_payload
        delivered = func(**kwargs)
    except Exception as error:  # any failure is recorded and retried, never raised
        return _failed(message, attempts, error)
    status = Status.SKIPPED if delivered is False else Status.SENT
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=status,
        attempts=attempts,
        private_payload="",
        last_error="",
        finished_at=timezone.now(),
    )
    return status


def _failed(message: OutboxMessage, attempts: int, error: Exception) -> str:
    text = screen_text(f"{type(error).__name__}: {error}").public_text[:ERROR_LENGTH]
    logger.warning("outbox message %s (%s) failed, try %s", message.pk, message.kind, attempts)
    if attempts >= MAX_ATTEMPTS:
        status, next_at = Status.FAILED, timezone.now()
    else:
        backoff = min(FIRST_BACKOFF * 2 ** (attempts - 1), MAX_BACKOFF)
        status, next_at = Status.PENDING, timezone.now() + backoff
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=status, attempts=attempts, last_error=text, next_attempt_at=next_at
    )
    return status


def deliver_due(*, limit: int = 500) -> int:
    """The sweep: deliver every due message (oldest first); returns how many were tried."""
    ids = list(
        OutboxMessage.objects.filter(_due())
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(deliver(pk) is not None for pk in ids)


@transaction.atomic
def retry(*, actor, message_id: int) -> OutboxMessage:
    """A national organiser sends a failed message again, from the first try."""
    require_scope(actor, action=MANAGE)
    message = OutboxMessage.objects.select_for_update().filter(pk=message_id).first()
    if message is None:
        raise NotFound(_("No such message."))
    if message.status != Status.FAILED:
        raise InvalidTransition(_("Only a failed message can be sent again."))
    message.status, message.attempts = Status.PENDING, 0
    message.next_attempt_at = timezone.now()
    message.save(update_fields=["status", "attempts", "next_attempt_at"])
    audit.record(actor, "outbox.retried", message)
    transaction.on_commit(lambda: _kick(message.pk))
    return message


def purge_finished() -> int:
    """Delivered and skipped messages are kept as a record for the `delivery` retention
    period (30 days unless RETENTION_DAYS says otherwise), then deleted."""
    return personal_data.purge_delivered_mail(today=timezone.localdate(), dry_run=False)
