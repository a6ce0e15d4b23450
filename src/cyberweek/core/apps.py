from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "cyberweek.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        # Binds @shared_task to our configured app (eager in the embedded runtime).
        from cyberweek.celery import app  # noqa: F401

        # Names the outbox's organiser action; times every database statement from the
        # first connection on.
        from . import metrics, outbox  # noqa: F401
