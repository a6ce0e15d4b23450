"""The Celery application. In the embedded default tasks run inline (see settings)."""

import os

from celery import Celery
from celery.signals import worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cyberweek.settings")

app = Celery("cyberweek")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_init.connect
def refuse_to_start_without_a_usable_key_ring(**kwargs):
    # Imported here because this module is loaded before Django's apps are ready.
    from cyberweek.core.key_check import require_usable_key_ring

    require_usable_key_ring()
