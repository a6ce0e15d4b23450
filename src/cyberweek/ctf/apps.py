from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CtfConfig(AppConfig):
    name = "cyberweek.ctf"
    label = "ctf"
    verbose_name = _("Innovation competition (CTF)")
    organiser_card = "ctf/organiser/_card.html"
    public_nav = [("ctf:competitions", _("CTF"))]

    def ready(self):
        from cyberweek.core.permissions import register_actions

        from .actions import LEVELS

        register_actions(LEVELS)
