from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightsConfig(AppConfig):
    name = "cyberweek.insights"
    label = "insights"
    verbose_name = _("Insights")
    organiser_card = "insights/organiser/_card.html"
    public_nav = [("insights:open_data", _("Open data"))]

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from cyberweek.core.permissions import register_actions
        from cyberweek.programme.models import Edition

        from .actions import LEVELS
        from .queries import editions_changed

        register_actions(LEVELS)
        # Editions are written by programme's services and by the admin: a receiver is the
        # one place both pass, for the dashboards' cached edition look-up.
        for signal in (post_save, post_delete):
            signal.connect(editions_changed, sender=Edition, dispatch_uid=f"insights-{signal}")
