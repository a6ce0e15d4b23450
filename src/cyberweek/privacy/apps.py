from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "cyberweek.privacy"
    label = "privacy"
    verbose_name = _("Privacy")
    organiser_card = "privacy/organiser/_card.html"
    public_nav = [("privacy:self_check", _("Self-check"))]

    def ready(self):
        from cyberweek.core.permissions import NATIONAL, register_actions
        from cyberweek.core.reveal import set_access_log

        from .services import log_access

        # Every page that reveals personal data (core.reveal) writes through this log.
        set_access_log(log_access)

        register_actions(
            {
                "privacy.manage": frozenset({NATIONAL}),
                # Requests come from anywhere and are answered nationally: a provincial role
                # could neither update nor carry one out, so it does not read them either.
                "privacy.handle_requests": frozenset({NATIONAL}),
            }
        )
