from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TiplineConfig(AppConfig):
    name = "cyberweek.tipline"
    label = "tipline"
    verbose_name = _("Tip line")
    organiser_card = "tipline/organiser/_card.html"
    public_nav = [("tipline:home", _("Report fraud"))]

    def ready(self):
        from cyberweek.core.permissions import register_actions

        from .actions import LEVELS

        register_actions(LEVELS)
