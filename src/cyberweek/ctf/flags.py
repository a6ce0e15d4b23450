"""Checking a submitted flag: what may be submitted at all, how each kind of flag matches,
and which team a per-team flag belongs to.

Per-team flags are `prefix{t<team id>_<20 hex>}` where the hex is an HMAC-SHA256 of the
team id under the challenge's own secret: no table of flags to leak, and a flag sent by
the wrong team names the team it was given to, which the HMAC proves.
"""

import hashlib
import hmac
import unicodedata

import regex
from django.utils.translation import gettext as _

from cyberweek.core.errors import ValidationFailed

MAX_FLAG_LENGTH = 256
# The time a regular-expression flag may take on one submission; the pattern is the
# organiser's, the input the public's, so a pathological pair is cut off, not waited for.
REGEX_TIMEOUT_SECONDS = 0.05
_PER_TEAM = regex.compile(r"\{t([0-9]{1,18})_([0-9a-f]{20})\}\Z")


def clean_submission(text: str) -> str:
    """The flag as it will be compared, or `ValidationFailed` saying what is wrong with it.

    Flags are printable ASCII. A character outside it is refused by name rather than
    compared, because a fullwidth letter or a Cyrillic 'а' that looks like a Latin 'a'
    would otherwise fail silently and read like a wrong flag."""
    if not isinstance(text, str):
        raise ValidationFailed(_("Send the flag as text."), field="flag")
    if len(text) > MAX_FLAG_LENGTH:
        raise ValidationFailed(
            _("A flag has at most %(n)d characters.") % {"n": MAX_FLAG_LENGTH}, field="flag"
        )
    text = text.strip()
    if not text:
        raise ValidationFailed(_("Enter a flag."), field="flag")
    for char in text:
        if " " <= char <= "~":
            continue
        folded = unicodedata.normalize("NFKC", char)
        name = unicodedata.name(char, "") or f"U+{ord(char):04X}"
        if folded != char and folded.isascii() and folded.isprintable():
            message = _(
                "The flag contains %(name)s, which stands in for “%(ascii)s”; type the "
                "plain character instead."
            ) % {"name": name, "ascii": folded}
        else:
            message = _(
                "The flag contains %(name)s (U+%(code)04X); flags use plain ASCII letters, "
                "digits and symbols only, so look-alike letters from other scripts are refused."
            ) % {"name": name, "code": ord(char)}
        raise ValidationFailed(message, field="flag")
    return text


def team_flag(challenge, team_id: int) -> str:
    """The per-team flag of `team_id` for `challenge`."""
    return f"{challenge.flag}{{t{team_id}_{_team_mac(challenge, team_id)}}}"


def _team_mac(challenge, team_id: int) -> str:
    key = challenge.flag_secret.encode()
    return hmac.new(key, f"{challenge.pk}:{team_id}".encode(), hashlib.sha256).hexdigest()[:20]


def _same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


def matches(challenge, team_id: int, text: str) -> bool:
    """Whether `text` (already cleaned) is `team_id`'s right flag for `challenge`."""
    kind = challenge.flag_kind
    if kind == "static":
        expected = challenge.flag
        if challenge.case_insensitive:
            return _same(text.casefold(), expected.casefold())
        return _same(text, expected)
    if kind == "regex":
        flags = regex.IGNORECASE if challenge.case_insensitive else 0
        try:
            return (
                regex.fullmatch(challenge.flag, text, flags, timeout=REGEX_TIMEOUT_SECONDS)
                is not None
            )
        except TimeoutError:
            return False
    if kind == "per_team":
        return _same(text, team_flag(challenge, team_id))
    raise ValueError(f"unknown flag kind {kind!r}")


def owner_of(challenge, text: str) -> int | None:
    """The team a per-team flag was made for, if `text` is one (proved by its HMAC)."""
    if challenge.flag_kind != "per_team" or not text.startswith(challenge.flag):
        return None
    found = _PER_TEAM.match(text, len(challenge.flag))
    if not found:
        return None
    team_id = int(found.group(1))
    return team_id if _same(found.group(2), _team_mac(challenge, team_id)) else None


def check_pattern(pattern: str) -> str | None:
    """Why a regular-expression flag cannot be used, or None."""
    try:
        regex.compile(pattern)
    except regex.error as error:
        return _("The pattern is not a valid regular expression: %(error)s") % {"error": error}
    return None
