from django.apps import AppConfig
from django.core import checks
from django.db.models.signals import post_migrate, pre_migrate
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
        from .key_check import check_key_ring, create_key_ring_with_database, store_check_value
        from .pii_setup import configure_from_settings

        configure_from_settings()

        checks.register(check_key_ring, checks.Tags.security)
        pre_migrate.connect(create_key_ring_with_database, sender=self)
        post_migrate.connect(store_check_value, sender=self)
