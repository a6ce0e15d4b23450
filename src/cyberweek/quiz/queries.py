"""Reads of the knowledge contest: contests people may take, a participant's paper (never
with the right answers before the contest's review opens), the review, and what organisers
watch."""

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Avg, Count, F, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from cyberweek.core.errors import InvalidTransition, NotFound
from cyberweek.core.figures import daily_figures
from cyberweek.geo.models import Region

from .models import Answer, Attempt, Certificate, Contest, Entry, PaperItem


def public_contests() -> QuerySet[Contest]:
    return (
        Contest.objects.filter(is_published=True, edition__is_published=True)
        .select_related("edition")
        .order_by("-opens_at", "pk")
    )


def open_contests(now=None) -> QuerySet[Contest]:
    now = now or timezone.now()
    return public_contests().filter(opens_at__lte=now, closes_at__gt=now)


def entry_of(user, contest: Contest) -> Entry | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Entry.objects.filter(contest=contest, user=user).select_related("region").first()


def attempts_of(user, contest: Contest) -> list[Attempt]:
    if not getattr(user, "is_authenticated", False):
        return []
    return list(Attempt.objects.filter(contest=contest, user=user).order_by("number"))


@dataclass
class PaperOption:
    key: str
    text: str
    text_en: str


@dataclass
class PaperQuestion:
    position: int
    kind: str
    text: str
    text_en: str
    points: int
    options: list[PaperOption]
    chosen: list[str]
    # Set only for a submitted attempt:
    correct: list[str] | None = None
    is_correct: bool | None = None
    explanation: str = ""
    explanation_en: str = ""


@dataclass(frozen=True)
class ReviewState:
    """What the participant may see of their attempt now. `answers_shown`: the right
    answers, explanations and which questions were right; `score_shown`: the score, the
    pass and the certificate; `opens_at`: when the review opens at the latest (None once
    open); `message`: that, said to the participant."""

    answers_shown: bool
    score_shown: bool
    opens_at: datetime | None
    message: str


def review_state(attempt: Attempt, *, now=None) -> ReviewState:
    """The contest's review option applied to one attempt: the one place that decides, for
    the review page, the API, the certificate and the contest page alike."""
    now = now or timezone.now()
    contest = attempt.contest
    if attempt.status != Attempt.Status.SUBMITTED:
        return ReviewState(False, False, None, _("The review opens after submission."))
    closed = now >= contest.closes_at
    Opens = Contest.ReviewOpens
    if contest.review_opens == Opens.IMMEDIATELY or closed:
        open_now = True
    elif contest.review_opens == Opens.AFTER_LAST_ATTEMPT:
        used = Attempt.objects.filter(
            entry_id=attempt.entry_id, status=Attempt.Status.SUBMITTED
        ).count()
        open_now = used >= contest.attempts_allowed
    else:
        open_now = False
    if open_now:
        return ReviewState(True, True, None, "")
    when = formats.date_format(timezone.localtime(contest.closes_at), "DATETIME_FORMAT")
    if contest.review_opens == Opens.AFTER_LAST_ATTEMPT:
        message = _(
            "The right answers are shown once you have used all your attempts, or when the "
            "contest closes (%(when)s)."
        ) % {"when": when}
    else:
        message = _("The right answers are shown when the contest closes (%(when)s).") % {
            "when": when
        }
    return ReviewState(False, contest.score_shown_at_once, contest.closes_at, message)


def boards_open(contest: Contest, *, now=None) -> bool:
    """A contest that hides scores until the review opens hides its leaderboards, which
    show scores, until it closes."""
    return contest.score_shown_at_once or (now or timezone.now()) >= contest.closes_at


def attempts_with_review(user, contest: Contest) -> list[tuple[Attempt, ReviewState]]:
    """The person's attempts, each with what its review may show now."""
    now = timezone.now()
    attempts = attempts_of(user, contest)
    for attempt in attempts:
        attempt.contest = contest
    return [(attempt, review_state(attempt, now=now)) for attempt in attempts]


def paper(attempt: Attempt, *, reveal: bool = False, now=None) -> list[PaperQuestion]:
    """The attempt's questions in its order, options in its shuffled order, with what the
    participant chose. `reveal` adds the right answers and explanations; it is refused
    until `review_state` opens the review, so they cannot reach anyone early."""
    if reveal:
        state = review_state(attempt, now=now)
        if not state.answers_shown:
            raise InvalidTransition(state.message)
    items = PaperItem.objects.filter(attempt=attempt).select_related("version", "question")
    answers = {a.question_id: a for a in Answer.objects.filter(attempt=attempt)}
    out = []
    for item in items.order_by("position"):
        version = item.version
        by_key = {o["key"]: o for o in version.options}
        answer = answers.get(item.question_id)
        question = PaperQuestion(
            position=item.position,
            kind=item.question.kind,
            text=version.text,
            text_en=version.text_en,
            points=item.points,
            options=[
                PaperOption(k, by_key[k]["text"], by_key[k].get("text_en", ""))
                for k in item.option_order
            ],
            chosen=list(answer.chosen) if answer else [],
        )
        if reveal:
            question.correct = list(version.correct)
            question.is_correct = bool(answer and answer.is_correct)
            question.explanation = version.explanation
            question.explanation_en = version.explanation_en
        out.append(question)
    return out


def blank_questions(attempt: Attempt) -> tuple[int, int]:
    """How many questions of the attempt have no answer yet, and how many it has."""
    total = PaperItem.objects.filter(attempt=attempt).count()
    answered = Answer.objects.filter(attempt=attempt).exclude(chosen=[]).count()
    return max(0, total - answered), total


def certificate_by_code(code: str) -> Certificate:
    certificate = (
        Certificate.objects.select_related("attempt__contest__edition")
        .filter(code=code, attempt__entry__erased=False)
        .first()
    )
    if certificate is None:
        raise NotFound(_("No certificate with that code."))
    return certificate


def score_band(score: int, max_score: int) -> str:
    """Certificates and public pages show a band, not the exact score."""
    share = score * 100 // max_score if max_score else 0
    if share >= 90:
        return "excellent"
    if share >= 75:
        return "good"
    return "pass"


# --- For organisers ----------------------------------------------------------------------
def flagged_attempts(contest: Contest) -> QuerySet[Attempt]:
    return (
        Attempt.objects.filter(contest=contest, is_flagged=True)
        .select_related("entry__region")
        .order_by("-submitted_at")
    )


@dataclass
class Bucket:
    label: str
    participants: int
    submitted: int
    average: float | None
    passed: int

    @property
    def pass_rate(self) -> int:
        return round(self.passed * 100 / self.submitted) if self.submitted else 0


def _in_region(region: Region | None) -> Q:
    return Q(entry__region__path__startswith=region.path) if region and region.depth > 0 else Q()


def participation_by(
    contest: Contest, dimension: str, *, region: Region | None = None
) -> list[Bucket]:
    """Participants, submitted attempts, average score and passes, grouped by "region"
    (the level below `region`), "sector" or "day" (of submission, Beijing time)."""
    attempts = Attempt.objects.filter(contest=contest).filter(_in_region(region))
    submitted = Q(status=Attempt.Status.SUBMITTED)
    aggregates = {
        "participants": Count("entry", distinct=True),
        "submitted": Count("pk", filter=submitted),
        "average": Avg("score", filter=submitted),
        "passed": Count("pk", filter=submitted & Q(passed=True)),
    }
    if dimension == "day":
        rows = (
            attempts.annotate(day=TruncDate("started_at", tzinfo=timezone.get_current_timezone()))
            .values("day")
            .annotate(**aggregates)
            .order_by("day")
        )
        return [
            Bucket(_iso(r["day"]), r["participants"], r["submitted"], r["average"], r["passed"])
            for r in rows
        ]
    if dimension == "sector":
        from cyberweek.geo.models import Sector

        labels = dict(Sector.choices)
        rows = attempts.values("entry__sector").annotate(**aggregates).order_by("entry__sector")
        return [
            Bucket(
                str(labels.get(r["entry__sector"], "—")),
                r["participants"],
                r["submitted"],
                r["average"],
                r["passed"],
            )
            for r in rows
        ]
    if dimension == "region":
        depth = (region.depth if region else 0) + 1
        buckets: dict[str, Bucket] = {}
        rows = attempts.values("entry__region__path").annotate(**aggregates)
        codes = {}
        for row in rows:
            path = row["entry__region__path"] or ""
            parts = path.strip("/").split("/") if path else []
            code = parts[depth - 1] if len(parts) >= depth else ""
            codes.setdefault(code, []).append(row)
        names = {r.code: r.display_name for r in Region.objects.filter(code__in=codes)}
        for code, group in sorted(codes.items()):
            submitted_total = sum(r["submitted"] for r in group)
            average = (
                sum((r["average"] or 0) * r["submitted"] for r in group) / submitted_total
                if submitted_total
                else None
            )
            buckets[code] = Bucket(
                names.get(code, "—"),
                sum(r["participants"] for r in group),
                submitted_total,
                average,
                sum(r["passed"] for r in group),
            )
        return list(buckets.values())
    raise ValueError(f"unknown dimension {dimension!r}")


def _iso(day) -> str:
    return day.isoformat() if isinstance(day, date) else str(day)


def score_distribution(
    contest: Contest, *, region: Region | None = None, bins: int = 10
) -> list[tuple[str, int]]:
    """How many submitted attempts scored in each tenth of the maximum."""
    attempts = Attempt.objects.filter(contest=contest, status=Attempt.Status.SUBMITTED).filter(
        _in_region(region)
    )
    counts = [0] * bins
    for score, max_score in attempts.values_list("score", "max_score").iterator():
        index = min(bins - 1, (score or 0) * bins // max_score) if max_score else 0
        counts[index] += 1
    step = 100 // bins
    return [(f"{i * step}–{(i + 1) * step}%", counts[i]) for i in range(bins)]


def insight_figures(*, edition_id: int, start: datetime, end: datetime) -> list[QuerySet]:
    """Submitted attempts (voided ones left out) and passes in the edition's contests during
    [start, end), per day and the entrant's region and sector."""
    submitted = Attempt.objects.filter(
        contest__edition_id=edition_id,
        status=Attempt.Status.SUBMITTED,
        voided_at__isnull=True,
        submitted_at__gte=start,
        submitted_at__lt=end,
    )

    def rows(queryset, metric):
        return daily_figures(
            queryset,
            at="submitted_at",
            metric=metric,
            region_path=F("entry__region__path"),
            sector=F("entry__sector"),
        )

    return [rows(submitted, "quiz_attempts"), rows(submitted.filter(passed=True), "quiz_passed")]
