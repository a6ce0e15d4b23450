"""The organiser actions of the micro-video contest (registered in `ShowcaseConfig.ready`)."""

from cyberweek.core.permissions import NATIONAL

MANAGE = "showcase.manage"
SCREEN = "showcase.screen"
FRAUD = "showcase.fraud"

LEVELS = {
    # The contest is national: its organisers define it, screen entries, watch the judging
    # and void fraudulent votes. Judges are not organisers: they are assigned per category.
    MANAGE: frozenset({NATIONAL}),
    SCREEN: frozenset({NATIONAL}),
    FRAUD: frozenset({NATIONAL}),
}
