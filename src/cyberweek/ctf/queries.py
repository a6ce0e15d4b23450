"""Reads of the CTF that depend on who asks and when: the one place that decides whether
someone sees the live board or the board as it was at the freeze."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import F, QuerySet
from django.utils import timezone

from cyberweek.core.figures import daily_figures
from cyberweek.core.permissions import has_scope

from . import board
from .actions import MANAGE
from .models import Challenge, Competition, HintUnlock, Solve, Team


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


def board_page(
    competition: Competition, actor, *, team: Team | None, division_id=None, offset=0, limit=50
) -> BoardPage:
    if sees_frozen(competition, actor):
        snapshot = board.frozen(competition)
        return BoardPage(
            rows=snapshot.rows(division_id=division_id, offset=offset, limit=limit),
            size=snapshot.size(division_id=division_id),
            my_rank=snapshot.rank(team.pk, division_id=division_id) if team else None,
            frozen=True,
        )
    return BoardPage(
        rows=board.live_rows(competition, division_id=division_id, offset=offset, limit=limit),
        size=board.live_size(competition, division_id=division_id),
        my_rank=board.live_rank(team, division_id=division_id) if team else None,
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
