"""The organiser actions of the dashboards and reports (registered in `InsightsConfig.ready`)."""

from cyberweek.core.permissions import ALL_LEVELS

# Every organiser sees the figures of the regions their roles cover, and may have the
# end-of-week report of those regions built and mailed to them.
VIEW = "insights.view"

LEVELS = {VIEW: ALL_LEVELS}
