"""The knowledge contest's JSON API (mounted at /api/quiz/), what apps and
`bench/quiz_burst.py` drive.

Signed-in participants use their session cookie; unsafe methods need the CSRF token in
the `X-CSRFToken` header, as with every Django form. Answers may instead carry the
attempt's `answer_token` (`Authorization: Bearer …`), which is how apps should send them:
it spares each answer the session and user lookups (see `answer_tokens`). Saving an answer
is the one endpoint served by a plain Django view (`answer_endpoint`), for speed.

The paper never carries the right answers: they come with the review, which opens when
the contest says (`review_opens`: immediately, after the participant's last attempt, or
after the contest closes); until then the review is refused (409) with when it opens, and a
result carries the score only if the contest shows it at once.
The deadline is the server's (`deadline_at`, and `seconds_left` computed by the server):
answers are accepted until two seconds after it, for the request in flight when the
countdown ends.
"""

import datetime as dt
from typing import Literal

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate
from ninja.security import django_auth

from cyberweek.core.api_enums import named_choices
from cyberweek.core.api_pagination import Pagination
from cyberweek.core.api_problems import Problem, problem
from cyberweek.geo.models import Region, Sector

from . import answer_tokens, leaderboards, queries, ratelimits, services
from .models import Attempt, Entry

router = Router(tags=["quiz"])
AUTH_ERRORS = {401: Problem, 403: Problem, 404: Problem, 409: Problem, 422: Problem, 429: Problem}


AttemptStatus = named_choices(Attempt.Status, "AttemptStatus")


class ContestOut(Schema):
    slug: str
    title: str
    title_en: str
    description: str
    description_en: str
    edition: int = Field(description="the edition's year")
    opens_at: dt.datetime
    closes_at: dt.datetime
    time_limit_minutes: int
    attempts_allowed: int
    pass_mark: int = Field(description="percentage of the maximum score needed to pass")
    youth_track: bool
    youth_min_age: int
    youth_max_age: int

    @staticmethod
    def resolve_edition(contest):
        return contest.edition.year


class EntryIn(Schema):
    display_name: str = Field(min_length=1, max_length=30, description="name on the certificate")
    show_name: bool = Field(False, description="show the name unmasked on leaderboards")
    region: str | None = Field(None, pattern=r"^\d{6}$", description="GB/T 2260 code")
    sector: Sector | None = None
    school: str = Field("", max_length=60)
    track: Entry.Track = Entry.Track.GENERAL
    birth_year: int | None = Field(None, ge=1900, le=2100, description="youth track only")


class EntryOut(Schema):
    display_name: str
    show_name: bool
    show_name_chosen_at: dt.datetime | None
    region: str | None
    sector: str
    track: str

    @staticmethod
    def resolve_region(entry):
        return entry.region.code if entry.region_id else None


class OptionOut(Schema):
    key: str
    text: str
    text_en: str


class QuestionOut(Schema):
    position: int
    kind: str
    text: str
    text_en: str
    points: int
    options: list[OptionOut]
    chosen: list[str]


class AttemptOut(Schema):
    id: int
    contest: str
    number: int
    status: AttemptStatus
    started_at: dt.datetime
    deadline_at: dt.datetime
    seconds_left: int
    max_score: int
    questions: list[QuestionOut]
    answer_token: str = Field(
        description="send as `Authorization: Bearer …` to save this attempt's answers"
    )


class ResultOut(Schema):
    id: int
    status: AttemptStatus
    score: int | None = Field(description="null until the review opens, if the contest hides it")
    max_score: int
    passed: bool | None = Field(description="null while the score is hidden")
    duration_ms: int
    auto_submitted: bool
    certificate: str | None = Field(None, description="verification page of the certificate")
    review_available: bool = Field(description="whether the right answers may be read now")
    review_opens_at: dt.datetime | None = Field(
        None, description="when the review opens at the latest, while it is closed"
    )


class ReviewQuestionOut(QuestionOut):
    correct: list[str]
    is_correct: bool
    explanation: str
    explanation_en: str


class ReviewOut(ResultOut):
    questions: list[ReviewQuestionOut]


class RowOut(Schema):
    rank: int
    name: str = Field(description="masked unless the participant chose to show it")
    score: int
    duration_ms: int


class LeaderboardOut(Schema):
    scope: str
    rows: list[RowOut]
    my_rank: int | None
    size: int


class BoardQuery(Schema):
    scope: Literal["all", "youth", "region", "sector", "school"] = "all"
    region: str | None = Field(None, pattern=r"^\d{6}$")
    sector: Sector | None = None
    limit: int = Field(10, ge=1, le=100)


class TimeOut(Schema):
    now: dt.datetime


def mounted_api():
    """The NinjaAPI this router is mounted on. It imports this module, so it is looked up
    when a request needs it."""
    from cyberweek.api import api

    return api


def _problem(request, **kwargs):
    return problem(mounted_api(), request, **kwargs)


def rate_limit_problem(request, action: str):
    """The 429 problem (with Retry-After) when a rate limit is used up, else None."""
    try:
        # `request.auth` is the user, or the answer token's grant: both give the person's id.
        ratelimits.check(request, action, user_id=request.auth.pk)
    except ratelimits.RateLimited as error:
        response = _problem(
            request,
            status=429,
            slug=error.slug,
            title=error.title,
            detail=error.message,
        )
        response["Retry-After"] = str(error.retry_after)
        return response
    return None


def _contest(slug: str):
    return get_object_or_404(queries.public_contests(), slug=slug[:60])


def _attempt_out(attempt: Attempt) -> dict:
    now = timezone.now()
    return {
        "id": attempt.pk,
        "contest": attempt.contest.slug,
        "number": attempt.number,
        "status": attempt.status,
        "started_at": attempt.started_at,
        "deadline_at": attempt.deadline_at,
        "seconds_left": max(0, int((attempt.deadline_at - now).total_seconds()))
        if attempt.status == Attempt.Status.OPEN
        else 0,
        "max_score": attempt.max_score,
        "questions": [q.__dict__ for q in queries.paper(attempt)],
        "answer_token": answer_tokens.issue(attempt),
    }


def _result_out(request, attempt: Attempt) -> dict:
    state = queries.review_state(attempt)
    shown = state.score_shown
    certificate = getattr(attempt, "certificate", None) if shown and attempt.passed else None
    return {
        "id": attempt.pk,
        "status": attempt.status,
        "score": (attempt.score or 0) if shown else None,
        "max_score": attempt.max_score,
        "passed": attempt.passed if shown else None,
        "duration_ms": attempt.duration_ms or 0,
        "auto_submitted": attempt.auto_submitted,
        "certificate": request.build_absolute_uri(f"/quiz/certificates/{certificate.code}/")
        if certificate
        else None,
        "review_available": state.answers_shown,
        "review_opens_at": state.opens_at,
    }


@router.get("/time", response={200: TimeOut})
def server_time(request):
    """The server's clock, for a client to align its countdown."""
    return {"now": timezone.now()}


@router.get("/contests", response={200: list[ContestOut], 422: Problem})
@paginate(Pagination)
def list_contests(request):
    """Published contests, newest first."""
    return queries.public_contests()


@router.get("/contests/{slug}", response={200: ContestOut, 404: Problem, 422: Problem})
def get_contest(request, slug: str):
    return _contest(slug)


@router.put("/contests/{slug}/entry", response={200: EntryOut, **AUTH_ERRORS}, auth=django_auth)
def enter(request, slug: str, payload: EntryIn):
    """Join the contest, or change one's entry (name, leaderboard choice, region…)."""
    contest = _contest(slug)
    region = None
    if payload.region:
        region = Region.objects.filter(code=payload.region).first()
        if region is None:
            return _problem(
                request,
                status=422,
                slug="validation-failed",
                title=_("The input is not valid"),
                detail=_("Unknown region code."),
                errors=[{"field": "region", "message": _("Unknown region code.")}],
            )
    return services.enter_contest(
        actor=request.auth,
        contest_id=contest.pk,
        display_name=payload.display_name,
        show_name=payload.show_name,
        region=region,
        sector=payload.sector or "",
        school=payload.school,
        track=payload.track,
        birth_year=payload.birth_year,
    )


@router.post(
    "/contests/{slug}/attempts",
    response={200: AttemptOut, 201: AttemptOut, **AUTH_ERRORS},
    auth=django_auth,
)
def start(request, slug: str):
    """Start an attempt (201) or resume the open one (200) with its paper."""
    if limited := rate_limit_problem(request, "start"):
        return limited
    contest = _contest(slug)
    attempt, new = services.start_attempt(actor=request.auth, contest_id=contest.pk)
    return Status(201 if new else 200, _attempt_out(attempt))


@router.get(
    "/attempts/{int:attempt_id}", response={200: AttemptOut, **AUTH_ERRORS}, auth=django_auth
)
def get_attempt(request, attempt_id: int):
    """The attempt and its paper, with the answers saved so far (no right answers)."""
    return _attempt_out(services.current_attempt(actor=request.auth, attempt_id=attempt_id))


@router.post(
    "/attempts/{int:attempt_id}/submit", response={200: ResultOut, **AUTH_ERRORS}, auth=django_auth
)
def submit(request, attempt_id: int):
    """Score the attempt. Submitting twice, or after the deadline, is refused (409)."""
    if limited := rate_limit_problem(request, "submit"):
        return limited
    attempt = services.submit_attempt(actor=request.auth, attempt_id=attempt_id)
    return _result_out(request, attempt)


@router.get(
    "/attempts/{int:attempt_id}/review", response={200: ReviewOut, **AUTH_ERRORS}, auth=django_auth
)
def review(request, attempt_id: int):
    """The score, right answers and explanations, once the contest's review option opens
    them (else 409, saying when)."""
    attempt = services.current_attempt(actor=request.auth, attempt_id=attempt_id)
    questions = queries.paper(attempt, reveal=True)
    return {**_result_out(request, attempt), "questions": [q.__dict__ for q in questions]}


@router.get(
    "/contests/{slug}/leaderboard",
    response={200: LeaderboardOut, 404: Problem, 422: Problem},
)
def leaderboard(request, slug: str, query: Query[BoardQuery]):
    """Top N of a board and, for a signed-in participant, their own rank on it. Names are
    masked unless their owner chose to show them."""
    contest = _contest(slug)
    if not queries.boards_open(contest):
        raise Http404(_("This contest's leaderboards open when it closes."))
    entry = queries.entry_of(request.user, contest)
    scope = query.scope
    if scope == "region":
        region = get_object_or_404(Region, code=query.region or "")
        scope = f"region:{region.code}"
    elif scope == "sector":
        if not query.sector:
            raise Http404(_("Name the sector."))
        scope = f"sector:{query.sector}"
    elif scope == "school":
        if not (entry and entry.school_index):
            raise Http404(_("Only your own school's board, once you have named it."))
        scope = f"school:{entry.school_index}"
    elif scope == "youth" and not contest.youth_track:
        raise Http404(_("This contest has no youth track."))
    rows = leaderboards.top(contest, scope, limit=query.limit)
    return {
        "scope": query.scope,
        "rows": [r.__dict__ for r in rows],
        "my_rank": leaderboards.rank_of(entry, scope) if entry else None,
        "size": leaderboards.scope_size(contest, scope),
    }
