"""The Celery application. In the embedded default tasks run inline (see settings)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cyberweek.settings")

app = Celery("cyberweek")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
