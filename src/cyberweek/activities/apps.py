from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    name = "cyberweek.activities"
    label = "activities"
    verbose_name = _("Local activities")
    organiser_card = "activities/organiser/_card.html"
    public_nav = [("activities:list", _("Activities")), ("activities:map", _("Map"))]

    def ready(self):
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
                # The responsibility system: the organisers of a county (or of a unit in it)
                # run its activities and report their outcomes ...
                "activities.create": frozenset({COUNTY, UNIT}),
                "activities.report": frozenset({COUNTY, UNIT}),
                # ... and the organisers of the region above review and verify them.
                "activities.review": frozenset({NATIONAL, PROVINCIAL, PREFECTURAL}),
                "activities.verify": frozenset({NATIONAL, PROVINCIAL, PREFECTURAL}),
                "activities.view": ALL_LEVELS,
            }
        )
