from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "cyberweek.campaigns"
    label = "campaigns"
    verbose_name = _("Campaigns")
    organiser_card = "campaigns/organiser/_card.html"
    public_nav = [("campaigns:list", _("Campaigns"))]

    def ready(self):
        from cyberweek.core.permissions import register_actions

        from .actions import LEVELS

        register_actions(LEVELS)
