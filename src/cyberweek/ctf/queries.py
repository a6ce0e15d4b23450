"""Reads of the CTF that depend on who asks and when: the one place that decides whether
someone sees the live board or the board as it was at the freeze."""

from dataclasses import dataclass
from datetime import datetime

from django.core.cache import cache
from django.db.models import F, QuerySet
from django.utils import timezone

from cyberweek.core.figures import daily_figures
from cyberweek.core.permissions import has_scope
from cyberweek.geo.models import Region

from . import board
from .actions import MANAGE
from .models import Challenge, Competition, HintUnlock, Solve, Team, WriteUp


def public_competitions() -> QuerySet[Competition]:
    return Competition.objects.filter(is_published=True).select_related("edition")


def is_organiser(actor) -> bool:
    return bool(getattr(actor, "is_authenticated", False)) and has_scope(actor, action=MANAGE)


def sees_frozen(competition: Competition, actor) -> bool:
    """The public and teams see the frozen board from the freeze until the final board is
    published; organisers always see the live one."""
    return competition.is_frozen_at(timezone.now()) and not is_organiser(actor)


@dataclass(frozen=True)
class BoardPage:
    rows: list
    size: int
    my_rank: int | None
    frozen: bool


# Pages of at most this many rows are cached under the live board's version.
CACHED_ROWS_MAX = 200


def board_state(competition: Competition, actor, *, live_version: str | None = None) -> str | None:
    """What the board an actor sees depends on, as one tag (for ETags and cache keys), or
    None when it cannot be known (the cache is away). The frozen board's tag holds no live
    version: not even a changed ETag tells the public that something moved after the
    freeze."""
    if sees_frozen(competition, actor):
        return f"F{competition.board_generation}.{int(competition.freeze_at.timestamp())}"
    version = live_version or board.live_version(competition.pk)
    if version is None:
        return None
    return f"L{version}.{competition.board_generation}.{int(competition.board_published)}"


def _live_rows(competition: Competition, where: board.Slice, offset: int, limit: int, version=None):
    if limit > CACHED_ROWS_MAX:
        version = None
    elif version is None:
        version = board.live_version(competition.pk)
    key = f"ctf-rows:{competition.pk}:{version}:{where.key()}:{offset}:{limit}"
    if version is not None:
        found = cache.get(key)
        if found is not None:
            return found
    # The version was read first: rows read now are at least that new.
    found = board.live_page(competition, where=where, offset=offset, limit=limit)
    if version is not None:
        cache.set(key, found, board.ROWS_CACHE_SECONDS)
    return found


def board_page(
    competition: Competition,
    actor,
    *,
    team: Team | None,
    where: board.Slice = board.ALL,
    offset=0,
    limit=50,
    live_version: str | None = None,
) -> BoardPage:
    """A page of the board the actor may see: one division, province or sector, or all.
    `live_version`: the live board's version, when the caller has read it already."""
    if sees_frozen(competition, actor):
        snapshot = board.frozen(competition)
        return BoardPage(
            rows=snapshot.rows(where=where, offset=offset, limit=limit),
            size=snapshot.size(where=where),
            my_rank=snapshot.rank(team.pk, where=where) if team else None,
            frozen=True,
        )
    rows, size = _live_rows(competition, where, offset, limit, live_version)
    return BoardPage(
        rows=rows,
        size=size,
        my_rank=board.live_rank(team, where=where) if team else None,
        frozen=False,
    )


@dataclass(frozen=True)
class ChallengeCard:
    challenge: Challenge
    value: int
    solves: int
    solved: bool
    locked: bool


def challenge_cards(competition: Competition, actor, *, team: Team | None) -> list[ChallengeCard]:
    """The released challenges with their value and solve count as the actor may see them
    (as of the freeze for the public and teams), and whether the actor's team solved or
    may open each."""
    now = timezone.now()
    challenges = [
        c
        for c in competition.challenges.prefetch_related("prerequisites").order_by(
            "category", "initial_value", "pk"
        )
        if c.is_released_at(now)
    ]
    if sees_frozen(competition, actor):
        counts = board.frozen(competition).solves
    else:
        counts = {c.pk: c.solve_count for c in challenges}
    solved = set()
    if team is not None:
        solved = set(Solve.objects.filter(team=team).values_list("challenge_id", flat=True))
    cards = []
    for challenge in challenges:
        n = counts.get(challenge.pk, 0)
        locked = any(p.pk not in solved for p in challenge.prerequisites.all())
        cards.append(
            ChallengeCard(
                challenge, board.current_value(challenge, n), n, challenge.pk in solved, locked
            )
        )
    return cards


def unlocked_hints(team: Team | None, challenge: Challenge) -> set[int]:
    if team is None:
        return set()
    return set(
        HintUnlock.objects.filter(team=team, hint__challenge=challenge).values_list(
            "hint_id", flat=True
        )
    )


def score_history(competition: Competition, actor, *, top: int = 10) -> list[dict]:
    """Cumulative points over time of the top teams, for the chart: each solve at its
    challenge's value as the actor may see it (as of the freeze for the public)."""
    page = board_page(competition, actor, team=None, limit=top)
    team_ids = [row.team_id for row in page.rows]
    solves = Solve.objects.filter(team_id__in=team_ids).select_related("challenge")
    if page.frozen:
        solves = solves.filter(solved_at__lt=competition.freeze_at)
        counts = board.frozen(competition).solves
    else:
        counts = None
    series = {row.team_id: {"name": row.name, "points": []} for row in page.rows}
    running = dict.fromkeys(team_ids, 0)
    for solve in solves.order_by("solved_at", "pk"):
        n = counts.get(solve.challenge_id, 0) if counts is not None else solve.challenge.solve_count
        running[solve.team_id] += board.current_value(solve.challenge, n)
        series[solve.team_id]["points"].append(
            [solve.solved_at.isoformat(), running[solve.team_id]]
        )
    return list(series.values())


def provinces_queryset() -> QuerySet[Region]:
    return Region.objects.filter(level=Region.Level.PROVINCE, is_active=True).order_by("code")


PROVINCES_CACHE_SECONDS = 3600


def provinces() -> list[Region]:
    """The provinces a team may choose, for the province boards (they change with a new
    regions data set only, so the board page reads them from the cache)."""
    return cache.get_or_set(
        "ctf-provinces", lambda: list(provinces_queryset()), PROVINCES_CACHE_SECONDS
    )


def _member_team(competition: Competition, actor) -> Team | None:
    if not getattr(actor, "is_authenticated", False):
        return None
    return Team.objects.filter(competition=competition, memberships__user=actor).first()


def may_download(competition: Competition, challenge: Challenge, actor) -> bool:
    """Organisers always; otherwise a member of a team taking part, once the competition
    has started and the challenge is released."""
    if is_organiser(actor):
        return True
    now = timezone.now()
    if now < competition.starts_at or not challenge.is_released_at(now):
        return False
    team = _member_team(competition, actor)
    return team is not None and team.status == Team.Status.APPROVED


def may_read_writeups(competition: Competition, actor) -> bool:
    rule = competition.writeups_visible_to
    if rule == Competition.WriteUpRule.PUBLIC or is_organiser(actor):
        return True
    return rule == Competition.WriteUpRule.TEAMS and _member_team(competition, actor) is not None


def readable_writeups(competition: Competition, actor, *, challenge=None) -> list[WriteUp]:
    """Accepted write-ups the actor may read under the competition's rule (their screened
    text only)."""
    if not may_read_writeups(competition, actor):
        return []
    found = WriteUp.objects.filter(competition=competition, status=WriteUp.Status.ACCEPTED)
    if challenge is not None:
        found = found.filter(challenge=challenge)
    return list(found.select_related("team", "challenge").order_by("challenge", "team__name"))


def team_writeups(team: Team) -> list[WriteUp]:
    return list(team.writeups.select_related("challenge").order_by("challenge"))


def writeups_to_review(competition: Competition) -> QuerySet[WriteUp]:
    return (
        WriteUp.objects.filter(competition=competition)
        .select_related("team", "challenge")
        .order_by("status", "challenge", "team__name")
    )


def insight_figures(*, edition_id: int, start: datetime, end: datetime) -> list[QuerySet]:
    """Teams taking part that formed during [start, end) and their solves, per day and the
    team's region and sector."""
    teams = Team.objects.filter(
        competition__edition_id=edition_id,
        status=Team.Status.APPROVED,
        created_at__gte=start,
        created_at__lt=end,
    )
    solves = Solve.objects.filter(
        competition__edition_id=edition_id, solved_at__gte=start, solved_at__lt=end
    )
    return [
        daily_figures(
            teams,
            at="created_at",
            metric="ctf_teams",
            region_path=F("region__path"),
            sector=F("sector"),
        ),
        daily_figures(
            solves,
            at="solved_at",
            metric="ctf_solves",
            region_path=F("team__region__path"),
            sector=F("team__sector"),
        ),
    ]
