"""Every state change of the knowledge contest, one function per use case:

- `bank`: the question bank (import, revise, retire);
- `contests`: contests and their papers;
- `attempts`: entering, starting or resuming, answering, submitting, scoring.

Callers import from here: `services.start_attempt(...)`.
"""

from ..actions import FLAGS, MANAGE, STATS
from .attempts import (
    ANSWER_GRACE,
    MIN_SECONDS_PER_ANSWER,
    MIN_SECONDS_PER_QUESTION_OVERALL,
    check_choice,
    current_attempt,
    enter_contest,
    rebuild_leaderboards,
    save_answer,
    start_attempt,
    submit_attempt,
    timing_flags,
)
from .bank import ImportRejected, import_questions, revise_question, set_question_active
from .contests import RESERVED_SLUGS, save_contest, set_paper
from .flags import clear_flag, void_attempt

__all__ = [
    "ANSWER_GRACE",
    "FLAGS",
    "MANAGE",
    "MIN_SECONDS_PER_ANSWER",
    "MIN_SECONDS_PER_QUESTION_OVERALL",
    "RESERVED_SLUGS",
    "STATS",
    "ImportRejected",
    "check_choice",
    "clear_flag",
    "current_attempt",
    "enter_contest",
    "import_questions",
    "rebuild_leaderboards",
    "revise_question",
    "save_answer",
    "save_contest",
    "set_paper",
    "set_question_active",
    "start_attempt",
    "submit_attempt",
    "timing_flags",
    "void_attempt",
]
