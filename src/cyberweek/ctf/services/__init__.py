"""Every state change of the CTF competition, one module per family: teams (register,
join, review, ban), play (flags and hints) and organisers (challenges, hints, the board)."""

from .organisers import publish_board, rebuild_board, save_challenge, save_hint
from .play import Outcome, submit_flag, team_of, unlock_hint
from .teams import (
    ban_team,
    clean_team_name,
    join_team,
    register_team,
    reinstate_team,
    review_team,
)

__all__ = [
    "Outcome",
    "ban_team",
    "clean_team_name",
    "join_team",
    "publish_board",
    "rebuild_board",
    "register_team",
    "reinstate_team",
    "review_team",
    "save_challenge",
    "save_hint",
    "submit_flag",
    "team_of",
    "unlock_hint",
]
