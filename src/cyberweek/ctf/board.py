"""The scoreboard: kept up to date by each solve, recomputable from the database, frozen.

- The record is the team row (`score`, `last_solve_at`), changed in the transaction of the
  solve or hint unlock. `compute()` replays solves and unlocks into the same totals, and
  `rebuild()` writes them back; a test on random histories holds the two equal.
- With `REDIS_URL`, one sorted set per competition and one per division serve the live
  board (top N, a team's rank) in O(log n). Writes happen after the commit through a
  script that keeps a team's newest version only, so a late write cannot undo a newer one.
  A marker says the sets are complete; without it (Redis flushed or lost) the board is
  refilled from the team rows on the next read, and the SQL answer is served meanwhile.
- Without Redis, the same answers come from an index on the team rows.
- After the freeze the public and teams see `frozen()`: the board, solve counts and
  values as `compute(until=freeze_at)` gives them, cached until something other than a
  solve (a ban, a rebuild) bumps the competition's `board_generation`.

Ordering: more points first; equal points, the earlier last scoring solve first.
"""

import logging
import secrets
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from redis.exceptions import RedisError

from cyberweek.core import redis_client

from . import cached_state, scoring
from .models import Challenge, Competition, HintUnlock, Solve, Team

logger = logging.getLogger(__name__)
TIME_SPAN = 10**9
FROZEN_CACHE_SECONDS = 3600
# A page of rows cached under a version lives this long at most, should a version bump
# have been lost while the cache was away.
ROWS_CACHE_SECONDS = 30


@dataclass(frozen=True)
class Row:
    rank: int
    team_id: int
    name: str
    score: int


@dataclass
class Standing:
    """Totals as of a moment: per team (score, last scoring solve), per challenge its
    solve count, and the teams that solved each."""

    totals: dict[int, tuple[int, datetime | None]] = field(default_factory=dict)
    solves: dict[int, int] = field(default_factory=dict)
    solved_by: dict[int, set[int]] = field(default_factory=dict)


def challenge_points(challenge: Challenge, competition: Competition, *, position, solves) -> int:
    return scoring.solve_points(
        challenge.scoring,
        initial=challenge.initial_value,
        minimum=challenge.minimum_value,
        decay=challenge.decay,
        position=position,
        solves=solves,
        retroactive=competition.retroactive,
        percents=competition.blood_pcts(),
    )


def current_value(challenge: Challenge, solves: int) -> int:
    """The value shown for a challenge with `solves` solves: what its solvers hold."""
    return scoring.value(
        challenge.scoring,
        initial=challenge.initial_value,
        minimum=challenge.minimum_value,
        decay=challenge.decay,
        solves=solves,
    )


def compute(competition: Competition, *, until: datetime | None = None) -> Standing:
    """Every team's total from the solves and hint unlocks before `until` (all of them when
    None). Teams of every status are included; boards leave out those not taking part."""
    challenges = {c.pk: c for c in Challenge.objects.filter(competition=competition)}
    solves = Solve.objects.filter(competition=competition)
    unlocks = HintUnlock.objects.filter(team__competition=competition)
    if until is not None:
        solves = solves.filter(solved_at__lt=until)
        unlocks = unlocks.filter(unlocked_at__lt=until)
    rows = list(solves.order_by("position").values_list("challenge_id", "team_id", "solved_at"))
    standing = Standing()
    for challenge_id, team_id, _at in rows:
        standing.solves[challenge_id] = standing.solves.get(challenge_id, 0) + 1
        standing.solved_by.setdefault(challenge_id, set()).add(team_id)
    score: dict[int, int] = defaultdict(int)
    last: dict[int, datetime] = {}
    seen: dict[int, int] = defaultdict(int)
    for challenge_id, team_id, solved_at in rows:
        seen[challenge_id] += 1
        score[team_id] += challenge_points(
            challenges[challenge_id],
            competition,
            position=seen[challenge_id],
            solves=standing.solves[challenge_id],
        )
        if team_id not in last or solved_at > last[team_id]:
            last[team_id] = solved_at
    for team_id, cost in unlocks.values_list("team_id", "cost"):
        score[team_id] -= cost
    team_ids = Team.objects.filter(competition=competition).values_list("pk", flat=True)
    standing.totals = {pk: (score.get(pk, 0), last.get(pk)) for pk in team_ids}
    return standing


@transaction.atomic
def rebuild(competition: Competition) -> int:
    """Write `compute()`'s totals to the team rows and refill Redis. Returns the number of
    teams whose total changed. Services call it when scoring rules change."""
    competition = Competition.objects.select_for_update().get(pk=competition.pk)
    standing = compute(competition)
    for challenge in Challenge.objects.filter(competition=competition):
        count = standing.solves.get(challenge.pk, 0)
        if challenge.solve_count != count:
            Challenge.objects.filter(pk=challenge.pk).update(solve_count=count)
    changed = []
    for team in Team.objects.filter(competition=competition).select_for_update():
        score, last = standing.totals.get(team.pk, (0, None))
        if team.score != score or team.last_solve_at != last:
            team.score, team.last_solve_at = score, last
            changed.append(team)
    Team.objects.bulk_update(changed, ["score", "last_solve_at"], batch_size=1000)
    Team.objects.filter(pk__in=[t.pk for t in changed]).update(board_version=F("board_version") + 1)
    Competition.objects.filter(pk=competition.pk).update(board_generation=F("board_generation") + 1)
    cached_state.changed()
    transaction.on_commit(lambda: _forget(competition.pk))
    transaction.on_commit(lambda: bump_live_version(competition.pk))
    return len(changed)


# --- reading ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Slice:
    """Which teams a board shows: all, or one division, province (region) or sector.
    Redis keeps sets for all teams and each division; a province or sector board is
    read from the team rows' index (a few thousand rows at most)."""

    division_id: int | None = None
    region_id: int | None = None
    sector: str | None = None

    @property
    def in_redis(self) -> bool:
        return self.region_id is None and self.sector is None

    def holds(self, division_id, region_id, sector) -> bool:
        return (
            (self.division_id is None or self.division_id == division_id)
            and (self.region_id is None or self.region_id == region_id)
            and (self.sector is None or self.sector == sector)
        )

    def key(self) -> str:
        return f"{self.division_id or ''}.{self.region_id or ''}.{self.sector or ''}"


ALL = Slice()


def _on_board(competition_id: int, where: Slice):
    teams = Team.objects.filter(competition_id=competition_id, status=Team.Status.APPROVED)
    if where.division_id:
        teams = teams.filter(division_id=where.division_id)
    if where.region_id:
        teams = teams.filter(region_id=where.region_id)
    if where.sector:
        teams = teams.filter(sector=where.sector)
    return teams


def live_rows(competition: Competition, *, where: Slice = ALL, offset=0, limit=50) -> list[Row]:
    """A page of the live board (organisers always; everyone before the freeze)."""
    division_id = where.division_id
    if uses_redis() and where.in_redis:
        try:
            found = _redis_page(competition, division_id, offset, limit)
        except (RedisError, OSError):
            logger.warning("ctf board: Redis did not answer; reading the database")
        else:
            if found is not None:
                return found
    teams = (
        _on_board(competition.pk, where)
        .order_by("-score", F("last_solve_at").asc(nulls_last=True), "pk")
        .values_list("pk", "name", "score")[offset : offset + limit]
    )
    return [Row(offset + i + 1, pk, name, score) for i, (pk, name, score) in enumerate(teams)]


def live_page(competition: Competition, *, where: Slice = ALL, offset=0, limit=50):
    """`live_rows` and `live_size` together; from Redis in one round trip (the page read
    after every solve)."""
    if uses_redis() and where.in_redis:
        try:
            pipe = redis_client.client().pipeline(transaction=False)
            key = _set_key(competition.pk, where.division_id)
            pipe.exists(_ready_key(competition.pk))
            pipe.zrevrange(key, offset, offset + limit - 1, withscores=True)
            pipe.zcard(key)
            ready, found, size = pipe.execute()
        except (RedisError, OSError):
            logger.warning("ctf board: Redis did not answer; reading the database")
        else:
            if ready:
                return _named_rows(found, offset), size
    rows = live_rows(competition, where=where, offset=offset, limit=limit)
    return rows, live_size(competition, where=where)


def live_size(competition: Competition, *, where: Slice = ALL) -> int:
    division_id = where.division_id
    if uses_redis() and where.in_redis:
        try:
            client = redis_client.client()
            if client.exists(_ready_key(competition.pk)):
                return client.zcard(_set_key(competition.pk, division_id))
        except (RedisError, OSError):
            logger.warning("ctf board: Redis did not answer; counting in the database")
    return _on_board(competition.pk, where).count()


def live_rank(team: Team, *, where: Slice = ALL) -> int | None:
    if not team.on_board or not where.holds(team.division_id, team.region_id, team.sector):
        return None
    division_id = where.division_id
    if uses_redis() and where.in_redis:
        try:
            client = redis_client.client()
            if client.exists(_ready_key(team.competition_id)):
                found = client.zrevrank(_set_key(team.competition_id, division_id), team.pk)
                return None if found is None else found + 1
        except (RedisError, OSError):
            logger.warning("ctf board: Redis did not answer; ranking in the database")
    teams = _on_board(team.competition_id, where)
    ahead = teams.filter(score__gt=team.score).count()
    if team.last_solve_at is not None:
        ahead += teams.filter(score=team.score, last_solve_at__lt=team.last_solve_at).count()
        ahead += teams.filter(
            score=team.score, last_solve_at=team.last_solve_at, pk__lt=team.pk
        ).count()
    else:
        ahead += teams.filter(score=team.score, last_solve_at__isnull=False).count()
        ahead += teams.filter(score=team.score, last_solve_at__isnull=True, pk__lt=team.pk).count()
    return ahead + 1


@dataclass(frozen=True)
class Frozen:
    """The board as the public sees it after the freeze."""

    # (team id, name, score, division id, region id, sector), best first
    order: list[tuple[int, str, int, int, int, str]]
    solves: dict[int, int]
    solved_by: dict[int, set[int]]

    def _chosen(self, where: Slice):
        return [r for r in self.order if where.holds(r[3], r[4], r[5])]

    def rows(self, *, where: Slice = ALL, offset=0, limit=50) -> list[Row]:
        page = self._chosen(where)[offset : offset + limit]
        return [Row(offset + i + 1, r[0], r[1], r[2]) for i, r in enumerate(page)]

    def size(self, *, where: Slice = ALL) -> int:
        return len(self._chosen(where))

    def rank(self, team_id: int, *, where: Slice = ALL) -> int | None:
        chosen = [r[0] for r in self._chosen(where)]
        return chosen.index(team_id) + 1 if team_id in chosen else None


def frozen(competition: Competition) -> Frozen:
    """The board, solve counts and solvers as of the freeze (cached; see the docstring)."""
    freeze = int(competition.freeze_at.timestamp())
    key = f"{_prefix()}:frozen2:{competition.pk}:{competition.board_generation}:{freeze}"
    found = cache.get(key)
    if found is not None:
        return found
    standing = compute(competition, until=competition.freeze_at)
    teams = Team.objects.filter(competition=competition, status=Team.Status.APPROVED)
    rows = []
    fields = ("pk", "name", "division_id", "region_id", "sector")
    for pk, name, division_id, region_id, sector in teams.values_list(*fields):
        score, last = standing.totals.get(pk, (0, None))
        rows.append((pk, name, score, division_id, region_id, sector, last))
    far = datetime.max.replace(tzinfo=competition.freeze_at.tzinfo)
    rows.sort(key=lambda r: (-r[2], r[6] or far, r[0]))
    result = Frozen(
        order=[r[:6] for r in rows], solves=standing.solves, solved_by=standing.solved_by
    )
    cache.set(key, result, FROZEN_CACHE_SECONDS)
    return result


# --- Redis --------------------------------------------------------------------------------
def uses_redis() -> bool:
    return bool(getattr(settings, "REDIS_URL", ""))


def _prefix() -> str:
    # Tests give each run its own prefix on a shared server.
    return getattr(settings, "CTF_BOARD_PREFIX", "ctf")


def _set_key(competition_id: int, division_id: int | None) -> str:
    return f"{_prefix()}:{competition_id}:board:{division_id or 'all'}"


def _ready_key(competition_id: int) -> str:
    return f"{_prefix()}:{competition_id}:ready"


def _version_key(competition_id: int) -> str:
    return f"{_prefix()}:{competition_id}:versions"


def encode(score: int, last_solve_at: datetime | None, starts_at: datetime) -> float:
    """One number ordering by points, then by the earlier last solve (exact in a double
    while |points| < 9 * 10^6)."""
    seconds = 0 if last_solve_at is None else int((last_solve_at - starts_at).total_seconds())
    if last_solve_at is None:
        seconds = TIME_SPAN - 1
    seconds = min(max(seconds, 0), TIME_SPAN - 1)
    return float(score * TIME_SPAN + (TIME_SPAN - 1 - seconds))


def decode_points(value: float) -> int:
    return int(value) // TIME_SPAN


# KEYS: versions hash, all set, division set. ARGV: member, version, value (or "" to
# remove). A write older than the version already written is dropped.
_WRITE_SCRIPT = """
local known = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '-1')
if tonumber(ARGV[2]) <= known then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
if ARGV[3] == '' then
  redis.call('ZREM', KEYS[2], ARGV[1])
  redis.call('ZREM', KEYS[3], ARGV[1])
else
  redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
  redis.call('ZADD', KEYS[3], ARGV[3], ARGV[1])
end
return 1
"""


def _script():
    return redis_client.client().register_script(_WRITE_SCRIPT)


# --- the live board's version --------------------------------------------------------------
# A counter in the shared cache that grows after every commit that changes the live board
# (a solve, a hint unlock, a team's status, a rebuild). Pages answer If-None-Match with
# 304 and cache their rows under it, so a poll between changes costs a cache read. When
# the cache loses the counter, a new random start makes every earlier version stale.
def _live_version_key(competition_id: int) -> str:
    return f"{_prefix()}:{competition_id}:live-version"


def live_version(competition_id: int) -> str | None:
    """The live board's current version, or None when the cache does not answer (the
    cache fails soft: then nothing is cached and every page is computed)."""
    key = _live_version_key(competition_id)
    found = cache.get(key)
    if found is None:
        cache.add(key, secrets.randbelow(2**40) * 1000, None)
        found = cache.get(key)
    return None if found is None else str(found)


def bump_live_version(competition_id: int) -> None:
    key = _live_version_key(competition_id)
    try:
        cache.incr(key)
    except ValueError:  # not there: start afresh
        cache.set(key, secrets.randbelow(2**40) * 1000, None)
    except (RedisError, OSError):
        # Pages cached under the old version live `ROWS_CACHE_SECONDS` at most.
        logger.warning("ctf board: could not advance the board's version")


def publish_after_commit(competition: Competition, team_ids) -> None:
    """After the commit, advance the board's version and write these teams' totals as the
    database holds them to Redis."""
    transaction.on_commit(lambda: bump_live_version(competition.pk))
    if not uses_redis():
        return
    team_ids = list(team_ids)

    def run():
        try:
            _write(competition, team_ids)
        except (RedisError, OSError):
            logger.warning("ctf board write failed; the board will be refilled")
            _forget(competition.pk)

    transaction.on_commit(run)


def _write(competition: Competition, team_ids) -> None:
    # Written whether or not the sets are complete: the script keeps the newest version
    # of each team, so a refill running at the same time cannot lose this write.
    client = redis_client.client()
    rows = Team.objects.filter(pk__in=team_ids).values_list(
        "pk", "division_id", "status", "score", "last_solve_at", "board_version"
    )
    _run_script(client, competition, rows)


def _run_script(client, competition: Competition, rows) -> None:
    script = _script()
    pipe = client.pipeline(transaction=False)
    for pk, division_id, status, score, last, version in rows:
        value = encode(score, last, competition.starts_at) if status == Team.Status.APPROVED else ""
        keys = [
            _version_key(competition.pk),
            _set_key(competition.pk, None),
            _set_key(competition.pk, division_id),
        ]
        script(keys=keys, args=[pk, version, value], client=pipe)
    pipe.execute()


def _forget(competition_id: int) -> None:
    if not uses_redis():
        return
    try:
        redis_client.client().delete(_ready_key(competition_id))
    except (RedisError, OSError):
        logger.warning("ctf board: could not mark the board incomplete")


def _refill(competition: Competition) -> None:
    """Write every team's row through the script, then mark the sets complete; under a
    lock so one reader does it."""
    client = redis_client.client()
    lock = client.lock(f"{_prefix()}:{competition.pk}:refill", timeout=60, blocking_timeout=0)
    if not lock.acquire(blocking=False):
        return
    try:
        rows = list(
            Team.objects.filter(competition=competition).values_list(
                "pk", "division_id", "status", "score", "last_solve_at", "board_version"
            )
        )
        for start in range(0, len(rows), 1000):
            _run_script(client, competition, rows[start : start + 1000])
        client.set(_ready_key(competition.pk), 1)
    finally:
        lock.release()


def _redis_page(competition, division_id, offset, limit) -> list[Row] | None:
    client = redis_client.client()
    if not client.exists(_ready_key(competition.pk)):
        _refill(competition)
        if not client.exists(_ready_key(competition.pk)):
            return None
    found = client.zrevrange(
        _set_key(competition.pk, division_id), offset, offset + limit - 1, withscores=True
    )
    return _named_rows(found, offset)


def _named_rows(found, offset) -> list[Row]:
    ids = [int(member) for member, _value in found]
    names = dict(Team.objects.filter(pk__in=ids).values_list("pk", "name"))
    return [
        Row(offset + i + 1, pk, names.get(pk, ""), decode_points(value))
        for i, (pk, (_m, value)) in enumerate(zip(ids, found, strict=True))
    ]
