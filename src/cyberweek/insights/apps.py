from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightsConfig(AppConfig):
    name = "cyberweek.insights"
    label = "insights"
    verbose_name = _("Insights")
    organiser_card = "insights/organiser/_card.html"
    public_nav = [("insights:open_data", _("Open data"))]

    def ready(self):
        from cyberweek.core.permissions import register_actions

        from .actions import LEVELS

        register_actions(LEVELS)
