"""Every state change of the CTF competition, one module per family: teams (register,
join, review, ban, leave, captaincy), play (flags and hints), setup (competitions,
divisions, attachments), organisers (challenges, hints, the board) and write-ups."""

from .organisers import publish_board, rebuild_board, save_challenge, save_hint
from .play import Outcome, submit_flag, team_of, unlock_hint
from .setup import add_attachment, remove_attachment, save_competition, save_division
from .teams import (
    ban_team,
    clean_team_name,
    hand_over_captaincy,
    join_team,
    leave_team,
    register_team,
    reinstate_team,
    review_team,
)
from .writeups import review_writeup, submit_writeup, writeup_file_text

__all__ = [
    "Outcome",
    "add_attachment",
    "ban_team",
    "clean_team_name",
    "hand_over_captaincy",
    "join_team",
    "leave_team",
    "publish_board",
    "rebuild_board",
    "register_team",
    "reinstate_team",
    "remove_attachment",
    "review_team",
    "review_writeup",
    "save_challenge",
    "save_competition",
    "save_division",
    "save_hint",
    "submit_flag",
    "submit_writeup",
    "team_of",
    "unlock_hint",
    "writeup_file_text",
]
