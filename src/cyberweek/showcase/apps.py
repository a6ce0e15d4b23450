from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShowcaseConfig(AppConfig):
    name = "cyberweek.showcase"
    label = "showcase"
    verbose_name = _("Micro-video contest")
    organiser_card = "showcase/organiser/_card.html"
    public_nav = [("showcase:contests", _("Micro-video contest"))]

    def ready(self):
        from cyberweek.core.permissions import register_actions

        from .actions import LEVELS

        register_actions(LEVELS)
