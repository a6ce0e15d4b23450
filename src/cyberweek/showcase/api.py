"""JSON for the micro-video contest: published contests, the gallery, an entry, voting
and the published results."""

import datetime as dt

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status
from ninja.pagination import paginate
from ninja.security import django_auth

from cyberweek.core.api_pagination import Pagination
from cyberweek.core.api_problems import Problem
from cyberweek.core.rate_limits import client_ip

from . import casting, queries, voting

router = Router(tags=["showcase"])


class VideoContestOut(Schema):
    slug: str
    title: str
    title_en: str
    themes: list[str]
    categories: list[str]
    submission_opens_at: dt.datetime
    submission_closes_at: dt.datetime
    voting_opens_at: dt.datetime
    voting_closes_at: dt.datetime
    vote_period: str
    max_duration_seconds: int
    max_size_bytes: int

    @staticmethod
    def resolve_themes(contest):
        return contest.theme_list()


class VideoEntryOut(Schema):
    ref: str
    title: str
    description: str
    category: str
    theme: str
    entrant: str
    votes: int | None

    @staticmethod
    def resolve_title(entry):
        return entry.public_title

    @staticmethod
    def resolve_description(entry):
        return entry.public_description

    @staticmethod
    def resolve_entrant(entry):
        return queries.public_name(entry)

    @staticmethod
    def resolve_votes(entry):
        return queries.vote_count(entry) if queries.tallies_visible(entry.contest) else None


class VideoResultOut(Schema):
    rank: int
    ref: str
    title: str
    entrant: str
    judge_score: float
    votes: int
    final: float


class VoteOut(Schema):
    entry: str
    day: dt.date


@router.get(
    "/contests",
    response={200: list[VideoContestOut], 422: Problem},
    summary="Published video contests",
)
@paginate(Pagination)
def contests(request):
    return queries.public_contests()


@router.get(
    "/contests/{slug}/entries",
    response={200: list[VideoEntryOut], 404: Problem, 422: Problem},
    summary="The gallery: accepted entries",
)
@paginate(Pagination)
def gallery(request, slug: str, category: str = "", theme: str = ""):
    contest = get_object_or_404(queries.public_contests(), slug=slug)
    return queries.gallery(contest, category=category, theme=theme).select_related("contest")


@router.get(
    "/contests/{slug}/results",
    response={200: list[VideoResultOut], 404: Problem, 422: Problem},
    summary="Published results (empty until published)",
)
def results(request, slug: str):
    contest = get_object_or_404(queries.public_contests(), slug=slug)
    if contest.results_published_at is None:
        return []
    return [
        {
            "rank": r.rank,
            "ref": r.entry.ref,
            "title": r.entry.public_title,
            "entrant": queries.public_name(r.entry),
            "judge_score": r.judge_score,
            "votes": r.votes,
            "final": r.final,
        }
        for r in queries.results(contest)
    ]


@router.post(
    "/entries/{ref}/vote",
    auth=django_auth,
    response={
        201: VoteOut,
        401: Problem,
        403: Problem,
        404: Problem,
        409: Problem,
        422: Problem,
        429: Problem,
    },
    summary="Vote for an entry (verified voters; one per entry per day or per contest)",
)
def vote(request, ref: str, response: HttpResponse):
    device, new_device = voting.device_token(request)
    cast = casting.cast_vote(
        actor=request.user, entry_ref=ref, address=client_ip(request), device=device
    )
    if new_device:
        voting.remember_device(response, device)
    return Status(201, {"entry": ref, "day": cast.day})
