from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "cyberweek.privacy"
    label = "privacy"
    verbose_name = _("Privacy")
    organiser_card = "privacy/organiser/_card.html"
    public_nav = [("privacy:self_check", _("Personal information self-check"))]

    def ready(self):
        from cyberweek.core.permissions import NATIONAL, PROVINCIAL, register_actions

        register_actions(
            {
                "privacy.manage": frozenset({NATIONAL}),
                "privacy.handle_requests": frozenset({NATIONAL, PROVINCIAL}),
            }
        )
