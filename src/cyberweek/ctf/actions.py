"""The organiser actions of the CTF competition (registered in `CtfConfig.ready`)."""

from cyberweek.core.permissions import NATIONAL

# Challenges, teams, incidents and the board of a national competition are national.
MANAGE = "ctf.manage"

LEVELS = {MANAGE: frozenset({NATIONAL})}
