"""Where the evaluation data lives, and valid values made with the engine's own check-digit
functions (so a test never depends on a hand-computed check digit)."""

from pathlib import Path

from cyberweek.pii.checksums import id_check_char, luhn_check_digit

REPO = Path(__file__).resolve().parents[2]
EVAL = REPO / "eval" / "pii"


def make_id(body17: str) -> str:
    return body17 + id_check_char(body17)


def make_luhn(body: str) -> str:
    return body + luhn_check_digit(body)
