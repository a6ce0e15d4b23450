"""The organiser actions of the knowledge contest (registered in `QuizConfig.ready`)."""

from cyberweek.core.permissions import NATIONAL, PREFECTURAL, PROVINCIAL

MANAGE = "quiz.manage"
STATS = "quiz.stats"
FLAGS = "quiz.flags"

LEVELS = {
    # The question bank and the contests are national.
    MANAGE: frozenset({NATIONAL}),
    FLAGS: frozenset({NATIONAL}),
    # Provinces and prefectures watch participation in their own regions.
    STATS: frozenset({NATIONAL, PROVINCIAL, PREFECTURAL}),
}
