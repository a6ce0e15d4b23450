"""Leaderboards: the top N and "my rank" for a contest, in one of its scopes.

A person counts once, with their best submitted attempt; more points rank higher, and
equal points are ordered by less time taken. Scopes: the whole contest ("all"), the youth
track ("youth"), a region and everything in it ("region:<code>"), a sector
("sector:<sector>") and a school ("school:<blind index>", only ever resolved from the
asking participant's own entry, so no one browses schools by name).

Two backends with the same answers:

- Redis sorted sets, when `REDIS_URL` is set. One set per scope; the member is the entry
  id and the score encodes points and time as `points * 10^9 + (10^9 - 1 - ms)`, so one
  descending order ranks both (exact in a double while points < 9 * 10^6). Writes happen
  after the database commit, with ZADD GT so only a better score replaces a worse one.
  A marker key says the sets are complete; when it is missing (Redis was flushed or lost)
  the first reader rebuilds them from the database under a lock, and readers meanwhile
  get the SQL answer.
- SQL over `Entry.best_score`/`best_duration_ms`, indexed, in the embedded runtime.
"""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from redis.exceptions import RedisError

from cyberweek.core import redis_client as redis_connection

from .models import Contest, Entry

logger = logging.getLogger(__name__)
TIME_SPAN = 10**9
REBUILD_BATCH = 2000


@dataclass(frozen=True)
class Row:
    rank: int
    entry_id: int
    name: str
    score: int
    duration_ms: int

    @property
    def seconds(self) -> float:
        return round(self.duration_ms / 1000, 1)


def encode(score: int, duration_ms: int) -> float:
    return float(score * TIME_SPAN + (TIME_SPAN - 1 - min(duration_ms, TIME_SPAN - 1)))


def decode(value: float) -> tuple[int, int]:
    value = int(value)
    return value // TIME_SPAN, TIME_SPAN - 1 - value % TIME_SPAN


def mask_name(name: str) -> str:
    """ "李小明" → "李**", "pat.lee" → "pa***": enough for a person to spot themselves."""
    name = (name or "").strip()
    if not name:
        return "***"
    if any("\u4e00" <= ch <= "\u9fff" for ch in name):
        return name[0] + "*" * max(len(name) - 1, 2)
    return name[:2] + "***"


def public_name(entry: Entry) -> str:
    return entry.display_name if entry.show_name else mask_name(entry.display_name)


def scopes_of(entry: Entry) -> list[str]:
    scopes = ["all"]
    if entry.track == Entry.Track.YOUTH:
        scopes.append("youth")
    if entry.region_id:
        scopes.extend(f"region:{code}" for code in entry.region.path.strip("/").split("/") if code)
    if entry.sector:
        scopes.append(f"sector:{entry.sector}")
    if entry.school_index:
        scopes.append(f"school:{entry.school_index}")
    return scopes


def _sql_filter(scope: str) -> Q:
    kind, _sep, value = scope.partition(":")
    if kind == "all":
        return Q()
    if kind == "youth":
        return Q(track=Entry.Track.YOUTH)
    if kind == "region":
        return Q(region__path__contains=f"/{value}/")
    if kind == "sector":
        return Q(sector=value)
    if kind == "school":
        return Q(school_index=value)
    raise ValueError(f"unknown leaderboard scope {scope!r}")


def _ranked(contest_id: int):
    return Entry.objects.filter(contest_id=contest_id, best_score__isnull=False, erased=False)


# --- Redis -------------------------------------------------------------------------------
def uses_redis() -> bool:
    return bool(getattr(settings, "REDIS_URL", ""))


def _after_commit(contest_id: int, write) -> None:
    """Run a Redis write once the database has committed. The database is the record: if
    Redis fails, the boards are marked incomplete so the next reader rebuilds them."""

    def run():
        try:
            write(redis_client())
        except (RedisError, OSError, ValueError):
            logger.warning("quiz leaderboard write failed; the board will be rebuilt")
            try:
                redis_client().delete(_marker(contest_id))
            except (RedisError, OSError, ValueError):
                logger.warning("Redis is unreachable: leaderboards fall back to SQL")

    transaction.on_commit(run)


def redis_client():
    return redis_connection.client()


def _prefix() -> str:
    base = getattr(settings, "QUIZ_LEADERBOARD_PREFIX", None)
    if base is None:
        base = settings.CACHES["default"].get("KEY_PREFIX", "") or "cyberweek"
    return f"{base}:quiz:lb"


def _key(contest_id: int, scope: str) -> str:
    return f"{_prefix()}:{contest_id}:{scope}"


def _marker(contest_id: int) -> str:
    return f"{_prefix()}:{contest_id}:built"


def record(entry: Entry) -> None:
    """Put an entry's best score on its boards once the transaction that set it commits."""
    if not uses_redis() or entry.best_score is None:
        return
    value = encode(entry.best_score, entry.best_duration_ms)
    contest_id, member, scopes = entry.contest_id, str(entry.pk), scopes_of(entry)

    def push(client):
        pipe = client.pipeline(transaction=False)
        for scope in scopes:
            pipe.zadd(_key(contest_id, scope), {member: value}, gt=True)
        pipe.execute()

    _after_commit(contest_id, push)


def remove(entry: Entry) -> None:
    """Take an entry off every board (its person asked to be erased)."""
    if not uses_redis():
        return
    contest_id, scopes, member = entry.contest_id, scopes_of(entry), str(entry.pk)

    def drop(client):
        pipe = client.pipeline(transaction=False)
        for scope in scopes:
            pipe.zrem(_key(contest_id, scope), member)
        pipe.execute()

    _after_commit(contest_id, drop)


def rebuild(contest: Contest) -> int:
    """Write every board of a contest afresh from the database; returns the entries put on."""
    client = redis_client()
    pattern = f"{_prefix()}:{contest.pk}:*"
    stale = list(client.scan_iter(match=pattern, count=1000))
    if stale:
        client.delete(*stale)
    count = 0
    entries = _ranked(contest.pk).select_related("region").order_by("pk")
    pipe = client.pipeline(transaction=False)
    for entry in entries.iterator(chunk_size=REBUILD_BATCH):
        value = encode(entry.best_score, entry.best_duration_ms)
        for scope in scopes_of(entry):
            pipe.zadd(_key(contest.pk, scope), {str(entry.pk): value}, gt=True)
        count += 1
        if count % REBUILD_BATCH == 0:
            pipe.execute()
    pipe.set(_marker(contest.pk), count)
    pipe.execute()
    return count


def _redis_ready(contest: Contest) -> bool:
    """Whether the sets are complete; when not, rebuild them (one reader does it). False
    (read SQL) while another reader rebuilds, or when Redis does not answer."""
    if not uses_redis():
        return False
    try:
        return _ensure_built(contest)
    except (RedisError, OSError, ValueError):
        logger.warning("Redis is unreachable: leaderboards are read from the database")
        return False


def _ensure_built(contest: Contest) -> bool:
    client = redis_client()
    if client.exists(_marker(contest.pk)):
        return True
    lock = f"{_prefix()}:{contest.pk}:rebuilding"
    if client.set(lock, "1", nx=True, ex=120):
        try:
            rebuild(contest)
        finally:
            client.delete(lock)
        return True
    return False


# --- Reading -----------------------------------------------------------------------------
def top(contest: Contest, scope: str = "all", *, limit: int = 10) -> list[Row]:
    _sql_filter(scope)  # refuses an unknown scope before anything is read
    if _redis_ready(contest):
        pairs = redis_client().zrevrange(_key(contest.pk, scope), 0, limit - 1, withscores=True)
        ids = [int(member) for member, _score in pairs]
        entries = Entry.objects.in_bulk(ids)
        rows = []
        for rank, (member, value) in enumerate(pairs, start=1):
            entry = entries.get(int(member))
            if entry is None or entry.erased:
                continue
            score, duration = decode(value)
            rows.append(Row(rank, entry.pk, public_name(entry), score, duration))
        return rows
    entries = (
        _ranked(contest.pk)
        .filter(_sql_filter(scope))
        .order_by("-best_score", "best_duration_ms", "pk")[:limit]
    )
    return [
        Row(rank, e.pk, public_name(e), e.best_score, e.best_duration_ms)
        for rank, e in enumerate(entries, start=1)
    ]


def rank_of(entry: Entry, scope: str = "all") -> int | None:
    """The entry's place on a board (1 is first), or None before it has a score."""
    if entry.best_score is None or entry.erased:
        return None
    if _redis_ready(entry.contest):
        place = redis_client().zrevrank(_key(entry.contest_id, scope), str(entry.pk))
        if place is not None:
            return place + 1
    better = (
        _ranked(entry.contest_id)
        .filter(_sql_filter(scope))
        .filter(
            Q(best_score__gt=entry.best_score)
            | Q(best_score=entry.best_score, best_duration_ms__lt=entry.best_duration_ms)
            | Q(
                best_score=entry.best_score,
                best_duration_ms=entry.best_duration_ms,
                pk__lt=entry.pk,
            )
        )
        .count()
    )
    return better + 1


def scope_size(contest: Contest, scope: str) -> int:
    if _redis_ready(contest):
        return redis_client().zcard(_key(contest.pk, scope))
    return _ranked(contest.pk).filter(_sql_filter(scope)).count()
