from celery import shared_task

from .checkpoints import checkpoint_access_log
from .services import purge_expired

__all__ = ["checkpoint_access_log", "purge_expired_personal_data"]


@shared_task
def purge_expired_personal_data() -> int:
    """Run daily by Celery beat in production (see README, production topology)."""
    return purge_expired(dry_run=False).total
