from celery import shared_task

from .services import purge_expired


@shared_task
def purge_expired_personal_data() -> int:
    """Run daily by Celery beat in production (see README, production topology)."""
    return purge_expired(dry_run=False).total
