"""Casting a vote: the hot path of public voting.

A vote used to read the entry and its contest, ask whether the voter is verified and insert
in a transaction: 5 SQL statements besides the session's and the user's, and 3 round trips
to Redis. Now the entry's facts (`Votable`) come from the cache in the rate limit's round
trip, with today's mark, which answers a repeat press; a first press claims its mark in a
second round trip, and one INSERT ... SELECT in autocommit checks the facts again, with the
voter's verification, as it writes (`_INSERT_VOTE`). The cache's copy can therefore never
let in a vote the database would refuse; and a refusal based on the copy is decided again
from the database, so a stale copy costs time, not a wrong answer. The copies carry a
version that `votable_changed` moves on every status, window or vote-period change, so they
are rarely stale.

What it bypasses: the ORM's insert and its transaction, for the one statement
`_INSERT_VOTE` (the ORM cannot insert from a select). What it measured, in process on a
loaded machine: a fresh vote from 5.6–6.9 ms of CPU to 2.9–3.6 ms, a repeat press from
3.6–4.1 ms to 2.4–2.8 ms (README, votes benchmark).
"""

import re
from contextlib import nullcontext
from datetime import date, datetime
from typing import NamedTuple

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cyberweek.core import rate_limits, redis_client
from cyberweek.core.cache_backends import UNREACHABLE
from cyberweek.core.errors import (
    Conflict,
    InvalidTransition,
    LimitReached,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
)
from cyberweek.core.stale_copies import keep, version_changed, versioned

from .models import Entry, VideoContest, Vote
from .voting import device_digest, is_verified, network_digest

VOTES_PER_MINUTE = 30
PLAYED_SECONDS = 24 * 3600
REF = re.compile(r"[A-Za-z0-9_-]{1,16}")  # what `new_ref` makes, within Entry.ref's length
VOTABLE_SECONDS = 600
VOTABLE_VERSION_KEY = "showcase:votable:version"
MARK_SECONDS = 2 * 24 * 3600


class Votable(NamedTuple):
    """What a vote needs to know of an entry and its contest (kept in the cache)."""

    entry_id: int
    contest_id: int
    entrant_id: int | None
    status: str
    vote_period: str
    voting_opens_at: datetime
    voting_closes_at: datetime

    def voting_day(self, now) -> date:
        """The day a vote counts for: today, or the first day when one vote per contest."""
        if self.vote_period == VideoContest.VotePeriod.CONTEST:
            return timezone.localdate(self.voting_opens_at)
        return timezone.localdate(now)


class _CopyDisagrees(Exception):
    """The cache's copy of an entry led to a refusal: only the database may refuse."""


def _votable_key(entry_ref: str) -> str:
    return f"showcase:votable:{entry_ref}"


def votable_changed() -> None:
    """An entry's status or a contest's window or vote period changed: the copies in the
    cache stop counting (`core.stale_copies.version_changed`)."""
    version_changed(VOTABLE_VERSION_KEY)


def _votable_in_cache(found: dict, entry_ref: str) -> tuple[int, Votable | None]:
    """The version, and the entry's facts when the cache holds them under it."""
    key = _votable_key(entry_ref)
    version, copies = versioned(VOTABLE_VERSION_KEY, [key], found)
    try:
        return version, Votable(*copies[key]) if key in copies else None
    except TypeError:  # written by another release
        return version, None


def _votable_in_database(entry_ref: str, version: int) -> Votable | None:
    row = (
        Entry.objects.filter(ref=entry_ref, erased=False)
        .values_list(
            "pk",
            "contest_id",
            "entrant_id",
            "status",
            "contest__vote_period",
            "contest__voting_opens_at",
            "contest__voting_closes_at",
        )
        .first()
    )
    if row is None:
        return None
    keep(version, {_votable_key(entry_ref): row}, VOTABLE_SECONDS)
    return Votable(*row)


def _claim(mark: str) -> bool:
    """Set the voter's mark for the entry and day unless it is set. When Redis does not
    answer, the claim is granted: the database's constraint decides alone."""
    if not getattr(settings, "REDIS_URL", ""):
        return cache.add(mark, 1, MARK_SECONDS)
    try:
        return bool(redis_client.client().set(cache.make_key(mark), 1, nx=True, ex=MARK_SECONDS))
    except UNREACHABLE:
        return True


# The vote goes in only if, at that moment in the database, the entry is accepted and not
# erased, its contest's window is open with the vote period and opening the day was worked
# out from, the voter is not its entrant and is verified. Written out rather than built by
# the ORM, which cannot insert from a select: building it that way cost more than the
# statement (about 1 ms a vote in process).
_INSERT_VOTE = """
    INSERT INTO showcase_vote
        (contest_id, entry_id, voter_id, day, cast_at, network, device, played, void_reason)
    SELECT e.contest_id, e.id, %(voter)s, %(day)s, %(now)s, %(network)s, %(device)s,
        %(played)s, ''
    FROM showcase_entry e JOIN showcase_videocontest c ON c.id = e.contest_id
    WHERE e.id = %(entry)s AND e.status = %(accepted)s AND NOT e.erased
      AND c.vote_period = %(period)s AND c.voting_opens_at = %(opens)s
      AND c.voting_opens_at <= %(now)s AND c.voting_closes_at > %(now)s
      AND (e.entrant_id IS NULL OR e.entrant_id <> %(voter)s)
      AND EXISTS (
          SELECT 1 FROM showcase_phoneverification v
          WHERE v.user_id = %(voter)s AND v.verified_at IS NOT NULL
      )
    RETURNING id
"""


def _insert_vote(actor, votable: Votable, *, day, now, network: str, device: str, played: bool):
    """The vote inserted by `_INSERT_VOTE`, or None when a condition failed. A second vote
    of the day raises IntegrityError (the constraint)."""
    ops = connection.ops
    params = {
        "voter": actor.pk,
        "day": ops.adapt_datefield_value(day),
        "now": ops.adapt_datetimefield_value(now),
        "network": network,
        "device": device,
        "played": played,
        "entry": votable.entry_id,
        "accepted": Entry.Status.ACCEPTED.value,
        "period": votable.vote_period,
        "opens": ops.adapt_datetimefield_value(votable.voting_opens_at),
    }
    # Alone, the statement is its own transaction (no BEGIN and COMMIT around it). Inside a
    # caller's transaction a savepoint keeps that transaction usable after IntegrityError.
    savepoint = transaction.atomic() if connection.in_atomic_block else nullcontext()
    with savepoint, connection.cursor() as cursor:
        cursor.execute(_INSERT_VOTE, params)
        row = cursor.fetchone()
    if row is None:
        return None
    values = {
        "id": row[0],
        "contest_id": votable.contest_id,
        "entry_id": votable.entry_id,
        "voter_id": actor.pk,
        "day": day,
        "cast_at": now,
        "network": network,
        "device": device,
        "played": played,
        "voided_at": None,
        "void_reason": "",
    }
    return Vote.from_db(DEFAULT_DB_ALIAS, list(values), list(values.values()))


def _played_key(user_id: int, entry_ref: str) -> str:
    return f"showcase:played:{user_id}:{entry_ref}"


def record_play(*, actor, entry_ref: str) -> None:
    """The voter started the entry's video: a vote without a play is a fraud signal."""
    if not getattr(actor, "is_authenticated", False):
        return
    if Entry.objects.filter(ref=entry_ref).exists():
        cache.set(_played_key(actor.pk, entry_ref), 1, PLAYED_SECONDS)


def _mark_key(user_id: int, entry_ref: str, day: date) -> str:
    return f"showcase:voted:{user_id}:{entry_ref}:{day.isoformat()}"


def cast_vote(*, actor, entry_ref: str, address: str = "", device: str = "", now=None) -> Vote:
    """One vote of a verified person for an accepted entry, in the voting window, never for
    their own entry; at most one per entry per voting day (or per contest). `address` and
    `device` (the browser's device token, `voting.device_token`) are kept only as keyed
    digests, for the fraud signals."""
    if not getattr(actor, "is_authenticated", False):
        raise NotAuthenticated()
    now = now or timezone.now()
    entry_ref = entry_ref or ""
    readable = REF.fullmatch(entry_ref) is not None
    # Today's mark too: a repeat press (most presses after the first) then needs no more.
    today_mark = _mark_key(actor.pk, entry_ref, timezone.localdate(now))
    keys = [VOTABLE_VERSION_KEY, _votable_key(entry_ref), _played_key(actor.pk, entry_ref)]
    verdict, found = rate_limits.hit_and_read(
        "showcase-vote",
        str(actor.pk),
        limit=VOTES_PER_MINUTE,
        window=60,
        read=[*keys, today_mark] if readable else [],
    )
    if not verdict.allowed:
        raise LimitReached(_("Too many votes at once; wait a minute."))
    if not readable:
        raise NotFound(_("No such entry."))
    request = {
        "entry_ref": entry_ref,
        "now": now,
        "address": address,
        "device": device,
        "played": bool(found.get(_played_key(actor.pk, entry_ref))),
        "marked_today": today_mark in found,
    }
    version, votable = _votable_in_cache(found, entry_ref)
    if votable is not None:
        try:
            return _cast(actor, votable, checked=False, **request)
        except _CopyDisagrees:
            pass
    votable = _votable_in_database(entry_ref, version)
    return _cast(actor, votable, checked=True, **request)


def _cast(
    actor,
    votable: Votable | None,
    *,
    entry_ref: str,
    now,
    address: str,
    device: str,
    played: bool,
    marked_today: bool,
    checked: bool,
) -> Vote:
    """The vote, on facts `checked` in the database or copied from the cache."""

    def refuse(error):
        if not checked:
            raise _CopyDisagrees()
        raise error

    if votable is None:
        refuse(NotFound(_("No such entry.")))
    if votable.status != Entry.Status.ACCEPTED:
        refuse(InvalidTransition(_("Only accepted entries can be voted for.")))
    if not votable.voting_opens_at <= now < votable.voting_closes_at:
        refuse(InvalidTransition(_("Voting is not open.")))
    if votable.entrant_id == actor.pk:
        refuse(PermissionDenied(_("You cannot vote for your own entry.")))
    day = votable.voting_day(now)
    already = _("You have already voted for this entry today.")
    if votable.vote_period == VideoContest.VotePeriod.CONTEST:
        already = _("You have already voted for this entry.")
    # The one answer taken from the copy without asking the database: the mark is keyed by
    # the day the copy gives, which changes only with the vote period (`votable_changed`).
    mark = _mark_key(actor.pk, entry_ref, day)
    if (marked_today and day == timezone.localdate(now)) or not _claim(mark):
        raise Conflict(already)
    try:
        vote = _insert_vote(
            actor,
            votable,
            day=day,
            now=now,
            network=network_digest(address),
            device=device_digest(device),
            played=played,
        )
    except IntegrityError as error:
        raise Conflict(already) from error
    except BaseException:
        cache.delete(mark)
        raise
    if vote is None:
        cache.delete(mark)
        # The database refused what the facts allowed: the voter is not verified, or the
        # entry or its contest changed since the facts were read.
        if not is_verified(actor):
            raise PermissionDenied(_("Verify your mobile number before voting."))
        refuse(Conflict(_("The entry changed while you voted; try again.")))
    return vote
