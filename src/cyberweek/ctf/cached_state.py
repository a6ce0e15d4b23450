"""What organisers set, read from the shared cache: the hot path of a wrong flag and of
the board page.

A wrong flag is most of a CTF's traffic. Judging one needs the challenge (flag, release,
hidden, prerequisites) with its competition's window, and the sender's team (which one,
taking part or not). Read from the database that was two queries a flag, plus one to know
whether the team had solved the challenge and the INSERT. Here:

- the challenge (with its competition) and a person's teams come from the shared cache,
  with the version they were read under, in one MGET together with the current version;
- whether the team solved the challenge is asked by the INSERT of the wrong flag itself
  (`record_wrong_unless_solved`: one statement in autocommit, no transaction).

Every CTF page reads its competition (with edition and divisions) here too, and the board
page keeps a visitor's page around its rows under the same version (`keep_page`), so a
solve re-renders only the rows.

Measured in process on the bench database (5,000 teams, production settings, loaded
machine): 5 queries a wrong flag before (session, user, challenge, team, INSERT), 3 after
(session, user, INSERT) and one Redis round trip, CPU 6.8 ms → 3.0 ms; the board page
read after a solve 3 queries → 1, CPU 9.7 ms → 3.5 ms; the figures are in the README.

Invalidation. Every organiser change that can alter a judgement or a page built from
these entries (competitions and divisions, challenges, teams and memberships, board
rebuilds and publication, erasure of a person) calls `changed()`, which forgets the
version right away and again after the commit (`core.stale_copies.version_changed`; the
next reader starts a new random one): an entry read before the commit carries an older
version and is never served again, also when Redis did not answer at the time of the
change (the outbox forgets the version when it answers). Time-driven rules (a release at a
time, the freeze, the end) are evaluated on every request against the entry's times, so
they hold without any change. If Redis is unreachable, reads miss and everything comes
from the database (the cache fails soft). An entry lives `ENTRY_SECONDS` at most anyway.

The cache holds the challenge rows as the database does, flags included; it is the
platform's private Redis, which already holds sessions and rate limits.
"""

import functools
import hashlib
import re

from django.db import connection
from django.db.models import Exists, OuterRef
from django.utils import timezone

from cyberweek.core.stale_copies import keep, version_changed, versioned

from .models import Challenge, Competition, Membership, Solve, Submission, Team

VERSION_KEY = "ctf-state-version"
SLUG = re.compile(r"[-a-zA-Z0-9_]{1,60}")  # what Competition.slug (a SlugField) admits
# Only a bound for a change whose advance was lost while Redis was away (entries are
# otherwise replaced by the version): five minutes, as cached sessions (core/sessions.py).
# Shorter would make a person's team a database read again on most of their flags.
ENTRY_SECONDS = 300


def changed() -> None:
    """An organiser changed something these entries hold: none cached so far is served
    again (`core.stale_copies.version_changed`; readers then start a new random version)."""
    version_changed(VERSION_KEY)


def _read(keys: list[str]) -> tuple[int, dict]:
    """The current version and those of `keys` whose entries were read under it."""
    return versioned(VERSION_KEY, keys)


def _write(version: int | None, entries: dict) -> None:
    if version is not None:
        keep(version, entries, ENTRY_SECONDS)


# --- judging a flag -----------------------------------------------------------------------
def _challenge_key(challenge_id: int) -> str:
    return f"ctf-state:challenge:{challenge_id}"


def _teams_key(user_id: int) -> str:
    return f"ctf-state:teams:{user_id}"


def challenge_row(challenge_id: int) -> Challenge | None:
    """A published competition's challenge with its competition and `gated` (whether it
    has prerequisites), from the database; None when there is none."""
    gated = Challenge.prerequisites.through.objects.filter(from_challenge_id=OuterRef("pk"))
    return (
        Challenge.objects.select_related("competition")
        .annotate(gated=Exists(gated))
        .filter(pk=challenge_id, competition__is_published=True)
        .first()
    )


def team_row(user_id: int, competition_id: int) -> Team | None:
    membership = (
        Membership.objects.select_related("team")
        .filter(competition_id=competition_id, user_id=user_id)
        .first()
    )
    return membership.team if membership else None


def challenge_and_team(challenge_id: int, user_id: int) -> tuple[Challenge | None, Team | None]:
    """`challenge_row(challenge_id)` and the person's team in its competition (None when
    they have none): one cache round trip when both are cached."""
    challenge_key, teams_key = _challenge_key(challenge_id), _teams_key(user_id)
    version, found = _read([challenge_key, teams_key])
    fresh = {}
    if challenge_key in found:
        challenge = found[challenge_key]
    else:
        challenge = fresh[challenge_key] = challenge_row(challenge_id)
    if challenge is None:
        _write(version, fresh)
        return None, None
    # A person's teams, by competition: usually one.
    teams = dict(found.get(teams_key) or {})
    if challenge.competition_id not in teams:
        teams[challenge.competition_id] = team_row(user_id, challenge.competition_id)
        fresh[teams_key] = teams
    _write(version, fresh)
    return challenge, teams[challenge.competition_id]


@functools.cache
def _wrong_flag_sql(vendor: str) -> str:
    # Table and column names from the models' metadata (no input reaches the text); the
    # values are parameters.
    quote = connection.ops.quote_name
    submission, solve = Submission._meta, Solve._meta
    names = ("competition", "challenge", "team", "user", "text", "is_correct", "submitted_at")
    columns = ", ".join(quote(submission.get_field(name).column) for name in names)
    team = quote(solve.get_field("team").column)
    challenge = quote(solve.get_field("challenge").column)
    return (
        f"INSERT INTO {quote(submission.db_table)} ({columns}) "  # noqa: S608
        f"SELECT %s, %s, %s, %s, %s, %s, %s WHERE NOT EXISTS "
        f"(SELECT 1 FROM {quote(solve.db_table)} WHERE {team} = %s AND {challenge} = %s)"
    )


def record_wrong_unless_solved(*, challenge: Challenge, team: Team, user_id, text: str) -> bool:
    """Record a wrong flag unless the team has solved the challenge; whether it was
    recorded. One statement (INSERT … SELECT … WHERE NOT EXISTS) in autocommit: the
    question and the write in one round trip, and a solve committed in between is seen
    by one or the other."""
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    values = [challenge.competition_id, challenge.pk, team.pk, user_id, text, False, now]
    with connection.cursor() as cursor:
        cursor.execute(_wrong_flag_sql(connection.vendor), [*values, team.pk, challenge.pk])
        return cursor.rowcount == 1


# --- the board page -------------------------------------------------------------------------
def _competition_key(slug: str) -> str:
    return f"ctf-state:competition:{slug}"


def published_competition(slug: str) -> Competition | None:
    """The published competition with this short name, its edition and divisions (one
    cache read when cached). A short name no competition can have is answered without the
    cache or the database, so junk addresses make no cache keys."""
    if not SLUG.fullmatch(slug or ""):
        return None
    key = _competition_key(slug)
    version, found = _read([key])
    if key in found:
        competition = found[key]
    else:
        competition = (
            Competition.objects.filter(is_published=True, slug=slug)
            .select_related("edition")
            .prefetch_related("divisions")
            .first()
        )
        _write(version, {key: competition})
    if competition is not None:
        # What pages built from it are kept under (`keep_page`).
        competition.state_version = version
    return competition


def page_key(competition: Competition, language: str, path: str) -> str:
    digest = hashlib.sha256(f"{language}|{path}".encode()).hexdigest()[:32]
    return f"ctf-state:page:{competition.pk}:{digest}"


def read_page(key: str):
    """What `keep_page` kept under the current version, or None."""
    _version, found = _read([key])
    return found.get(key)


def keep_page(competition: Competition, key: str, value) -> None:
    """Keep a rendered part of a page built from `competition` (as `published_competition`
    gave it) until the next change: under the version the competition was read with, so
    a page built from an entry that has since changed is never served."""
    _write(getattr(competition, "state_version", None), {key: value})
