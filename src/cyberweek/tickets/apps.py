from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TicketsConfig(AppConfig):
    name = "cyberweek.tickets"
    label = "tickets"
    verbose_name = _("Registration and check-in")
    organiser_card = "tickets/organiser/_card.html"
    public_nav = [("tickets:mine", _("My tickets"))]

    def ready(self):
        from django.core import checks

        from . import signing

        checks.register(signing.check_signing_key, checks.Tags.security)

        from cyberweek.core.permissions import (
            ALL_LEVELS,
            COUNTY,
            NATIONAL,
            PREFECTURAL,
            PROVINCIAL,
            UNIT,
            register_actions,
        )

        register_actions(
            {
                # Whoever runs an event opens its registration and sees who registered ...
                "tickets.manage": frozenset({NATIONAL, PROVINCIAL, PREFECTURAL, COUNTY, UNIT}),
                # ... and every organiser level, down to a unit's volunteers, staffs the door.
                "tickets.check_in": ALL_LEVELS,
            }
        )
