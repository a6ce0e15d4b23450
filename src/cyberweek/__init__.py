"""cyberweek: the platform that runs a national cybersecurity awareness week."""

from .celery import app as celery_app

__all__ = ["celery_app"]
