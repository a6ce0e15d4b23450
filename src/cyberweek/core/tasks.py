"""Background jobs of the core: delivering the outbox (Celery; inline in the embedded runtime)."""

from celery import shared_task

from . import outbox


@shared_task(name="core.deliver_outbox_message")
def deliver_outbox_message(message_id: int) -> str | None:
    """Asked for after the commit that wrote the message."""
    return outbox.deliver(message_id)


@shared_task(name="core.deliver_due_outbox")
def deliver_due_outbox() -> int:
    """Every minute (Celery beat): whatever the broker lost or a failure postponed."""
    return outbox.deliver_due()


@shared_task(name="core.purge_outbox")
def purge_outbox() -> int:
    """Daily: delivered messages past their retention period."""
    return outbox.purge_finished()
