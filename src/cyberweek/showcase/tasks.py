"""Celery tasks of the micro-video contest, defined next to what they run and imported
here so Celery's autodiscovery registers them."""

from .processing import check_video_task
from .uploads import expire_uploads_task

__all__ = ["check_video_task", "expire_uploads_task"]
