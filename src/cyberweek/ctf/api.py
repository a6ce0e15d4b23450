"""The CTF's JSON API (mounted at /api/ctf/): competitions, challenges, flag submission
and the board. The board, solve counts and values follow the same freeze rules as the
pages (`queries`): after the freeze the public and teams get the frozen board.

Signed-in competitors use their session cookie; a submission needs the CSRF token in the
`X-CSRFToken` header, as every Django form does. A refusal is a problem document (RFC
9457) with a specific `detail`; too many flags is a 429 with `Retry-After`.
"""

import datetime as dt

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.security import django_auth

from cyberweek.core.api_problems import Problem, problem
from cyberweek.geo.models import Sector

from . import board, cached_state, flags, queries, ratelimits, services

router = Router(tags=["ctf"])
AUTH_ERRORS = {
    400: Problem, 401: Problem, 403: Problem, 404: Problem, 409: Problem, 422: Problem,
    429: Problem,
}  # fmt: skip


class DivisionOut(Schema):
    id: int
    kind: str
    name: str
    name_en: str


class CompetitionOut(Schema):
    slug: str
    title: str
    title_en: str
    description: str
    description_en: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    freeze_at: dt.datetime | None
    team_size: int
    divisions: list[DivisionOut]

    @staticmethod
    def resolve_divisions(competition):
        return list(competition.divisions.all())


class CtfChallengeOut(Schema):
    id: int
    title: str
    title_en: str
    category: str
    value: int = Field(description="points as the asker may see them (frozen after the freeze)")
    solves: int
    solved: bool = Field(description="solved by the asker's team")
    locked: bool = Field(description="a prerequisite is not solved yet")
    instance_url: str


class FlagIn(Schema):
    # A little over the limit, so that the service names the limit in its refusal.
    flag: str = Field(max_length=flags.MAX_FLAG_LENGTH * 4)


class FlagOut(Schema):
    correct: bool
    already_solved: bool
    points: int


class BoardRowOut(Schema):
    rank: int
    team: str
    score: int


class BoardOut(Schema):
    frozen: bool
    size: int
    my_rank: int | None
    rows: list[BoardRowOut]


class CtfBoardQuery(Schema):
    division: int | None = Field(None, ge=1, le=10**12)
    region: int | None = Field(None, ge=1, le=10**12, description="A province's id")
    sector: Sector | None = None
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0, le=10_000_000)


def mounted_api():
    """The NinjaAPI this router is mounted on. It imports this module, so it is looked up
    when a request needs it (as the quiz's API does)."""
    from cyberweek.api import api

    return api


def _competition(slug: str):
    # From the shared cache, as the pages read it (`cached_state`).
    competition = cached_state.published_competition(slug[:60])
    if competition is None:
        raise Http404(_("No such competition."))
    return competition


@router.get("/competitions", response={200: list[CompetitionOut]})
def list_competitions(request):
    """Published competitions, newest first (a handful a year: not paginated)."""
    return list(queries.public_competitions().prefetch_related("divisions")[:100])


@router.get("/competitions/{slug}", response={200: CompetitionOut, 404: Problem})
def get_competition(request, slug: str):
    return _competition(slug)


@router.get("/competitions/{slug}/challenges", response={200: list[CtfChallengeOut], 404: Problem})
def list_challenges(request, slug: str):
    """The released challenges (a few dozen per competition: not paginated)."""
    competition = _competition(slug)
    team = services.team_of(request.user, competition.pk)
    return [
        {
            "id": card.challenge.pk,
            "title": card.challenge.title,
            "title_en": card.challenge.title_en,
            "category": card.challenge.category,
            "value": card.value,
            "solves": card.solves,
            "solved": card.solved,
            "locked": card.locked,
            "instance_url": card.challenge.instance_url,
        }
        for card in queries.challenge_cards(competition, request.user, team=team)
    ]


@router.post(
    "/challenges/{int:challenge_id}/submissions",
    response={200: FlagOut, **AUTH_ERRORS},
    auth=django_auth,
)
def submit_flag(request, challenge_id: int, payload: FlagIn):
    """Send a flag for the asker's team. Wrong flags are recorded; a right one scores."""
    try:
        outcome = services.submit_flag(
            actor=request.auth, challenge_id=challenge_id, text=payload.flag
        )
    except ratelimits.RateLimited as error:
        response = problem(
            mounted_api(),
            request,
            status=429,
            slug=error.slug,
            title=error.title,
            detail=error.message,
        )
        response["Retry-After"] = str(error.retry_after)
        return response
    return {
        "correct": outcome.correct,
        "already_solved": outcome.already_solved,
        "points": outcome.points,
    }


@router.get("/competitions/{slug}/board", response={200: BoardOut, 404: Problem, 422: Problem})
def get_board(request, slug: str, query: Query[CtfBoardQuery]):
    """A page of the board (all teams, or one division, province or sector), and the
    asker's team's rank."""
    competition = _competition(slug)
    division_id = region_id = None
    if query.division is not None:
        division_id = get_object_or_404(competition.divisions, pk=query.division).pk
    if query.region is not None:
        region_id = get_object_or_404(queries.provinces_queryset(), pk=query.region).pk
    where = board.Slice(
        division_id=division_id,
        region_id=region_id,
        sector=query.sector.value if query.sector else None,
    )
    team = services.team_of(request.user, competition.pk)
    found = queries.board_page(
        competition,
        request.user,
        team=team,
        where=where,
        offset=query.offset,
        limit=query.limit,
    )
    return {
        "frozen": found.frozen,
        "size": found.size,
        "my_rank": found.my_rank,
        "rows": [{"rank": r.rank, "team": r.name, "score": r.score} for r in found.rows],
    }


@router.get("/time", response={200: dict})
def server_time(request):
    """The server's clock, for a countdown to the end or the freeze."""
    return {"now": timezone.now().isoformat()}
