"""Setting up a micro-video contest from the organiser area: the contest itself (windows,
limits, weights), its judging criteria and the judges of each category. National
organisers with `showcase.manage`; every change audited. The admin is for staff support."""

from django.db import IntegrityError
from django.utils.translation import gettext_lazy as _

from cyberweek.accounts.queries import account_to_appoint
from cyberweek.core import audit
from cyberweek.core.errors import Conflict, InvalidTransition, NotFound, ValidationFailed
from cyberweek.core.permissions import require_scope
from cyberweek.core.transactions import service

from . import casting
from .actions import MANAGE
from .models import Category, Criterion, JudgeAssignment, Score, VideoContest

# What an organiser may set on a contest (the organiser form shows exactly these).
CONTEST_FIELDS = (
    "slug",
    "title",
    "title_en",
    "rules",
    "themes",
    "categories",
    "is_published",
    "submission_opens_at",
    "submission_closes_at",
    "voting_opens_at",
    "voting_closes_at",
    "max_duration_seconds",
    "max_size_bytes",
    "max_width",
    "max_height",
    "max_fps",
    "formats",
    "vote_period",
    "hide_tallies",
    "judge_weight",
    "public_weight",
    "winners",
)
FORMATS = ("mp4", "mov", "webm", "mkv")
# Paths under /showcase/ that are pages, not contests.
RESERVED_SLUGS = {"mine", "verify", "entries", "certificates", "tus"}
MAX_SIZE_BYTES = 1 << 30


def _contest(contest_id: int, *, lock: bool = False) -> VideoContest:
    contests = VideoContest.objects.select_for_update() if lock else VideoContest.objects
    contest = contests.filter(pk=contest_id).first()
    if contest is None:
        raise NotFound(_("No such contest."))
    return contest


def _check_contest(contest: VideoContest) -> None:
    if contest.slug in RESERVED_SLUGS:
        raise ValidationFailed(_("This short name is reserved; choose another."), field="slug")
    if not contest.categories or not set(contest.categories) <= set(Category.values):
        raise ValidationFailed(_("Choose at least one category."), field="categories")
    if not contest.formats or not set(contest.formats) <= set(FORMATS):
        raise ValidationFailed(_("Choose at least one accepted format."), field="formats")
    if contest.submission_closes_at <= contest.submission_opens_at:
        raise ValidationFailed(
            _("Submissions must close after they open."), field="submission_closes_at"
        )
    if contest.voting_closes_at <= contest.voting_opens_at:
        raise ValidationFailed(_("Voting must close after it opens."), field="voting_closes_at")
    if contest.voting_closes_at < contest.submission_closes_at:
        raise ValidationFailed(
            _("Voting cannot close before submissions close."), field="voting_closes_at"
        )
    if contest.judge_weight + contest.public_weight != 100:
        raise ValidationFailed(
            _("The judges' and the public's shares must add up to 100%."), field="public_weight"
        )
    if not 1 <= contest.max_size_bytes <= MAX_SIZE_BYTES:
        raise ValidationFailed(_("The largest file is at most 1 GB."), field="max_size_bytes")
    if not 1 <= contest.winners <= 100:
        raise ValidationFailed(_("From 1 to 100 places."), field="winners")
    for name in ("max_duration_seconds", "max_width", "max_height", "max_fps"):
        if getattr(contest, name) < 1:
            raise ValidationFailed(_("A limit must be at least 1."), field=name)


@service
def save_contest(*, actor, contest_id: int | None = None, values: dict) -> VideoContest:
    """Create a contest, or change one (`contest_id`). `values` holds `CONTEST_FIELDS`.
    Once results are published the contest is final."""
    require_scope(actor, action=MANAGE)
    unknown = set(values) - set(CONTEST_FIELDS)
    if unknown:
        raise ValidationFailed(_("Unknown field: %(name)s") % {"name": sorted(unknown)[0]})
    if contest_id is None:
        contest = VideoContest()
    else:
        contest = _contest(contest_id, lock=True)
        if contest.results_published_at is not None:
            raise InvalidTransition(_("The results are published; the contest is final."))
    for name, value in values.items():
        setattr(contest, name, value)
    _check_contest(contest)
    if VideoContest.objects.filter(slug=contest.slug).exclude(pk=contest.pk).exists():
        raise Conflict(_("Another contest has this short name."), field="slug")
    created = contest.pk is None
    contest.save()
    casting.votable_changed()  # the voting window or the vote period may have changed
    action = "showcase.contest_created" if created else "showcase.contest_changed"
    audit.record(actor, action, contest)
    return contest


@service
def add_criterion(
    *, actor, contest_id: int, name: str, weight: int, max_score: int = 10, description: str = ""
) -> Criterion:
    require_scope(actor, action=MANAGE)
    contest = _contest(contest_id, lock=True)
    _before_judging(contest)
    name = " ".join((name or "").split())
    if not name or len(name) > 80:
        raise ValidationFailed(_("A name of 1 to 80 characters."), field="name")
    if not 1 <= weight <= 100 or not 1 <= max_score <= 100:
        raise ValidationFailed(_("Weights and highest scores are from 1 to 100."))
    criterion = Criterion.objects.create(
        contest=contest,
        name=name,
        description=(description or "").strip()[:2000],
        weight=weight,
        max_score=max_score,
        position=contest.criteria.count(),
    )
    audit.record(actor, "showcase.criterion_added", criterion)
    return criterion


@service
def remove_criterion(*, actor, criterion_id: int) -> None:
    require_scope(actor, action=MANAGE)
    criterion = Criterion.objects.select_related("contest").filter(pk=criterion_id).first()
    if criterion is None:
        raise NotFound(_("No such criterion."))
    _contest(criterion.contest_id, lock=True)
    _before_judging(criterion.contest)
    audit.record(actor, "showcase.criterion_removed", criterion.contest, name=criterion.name)
    criterion.delete()


def _before_judging(contest: VideoContest) -> None:
    # Criteria are what every judge scores against: changing them under scores already
    # given would make the judges' totals incomparable.
    if Score.objects.filter(entry__contest=contest).exists():
        raise InvalidTransition(_("Judging has begun: the criteria can no longer change."))


@service
def assign_judge(*, actor, contest_id: int, judge_email: str, category: str) -> JudgeAssignment:
    """Make the person with this (signed-up) email address a judge of a category."""
    require_scope(actor, action=MANAGE)
    contest = _contest(contest_id)
    if category not in contest.categories:
        raise ValidationFailed(_("Choose one of the contest's categories."), field="category")
    judge = account_to_appoint(judge_email, field="judge_email")
    try:
        assignment = JudgeAssignment.objects.create(contest=contest, judge=judge, category=category)
    except IntegrityError as error:
        raise Conflict(_("This person already judges this category.")) from error
    audit.record(actor, "showcase.judge_assigned", assignment)
    return assignment


@service
def remove_judge(*, actor, assignment_id: int) -> None:
    """Take a judge off a category, before they scored any of its entries."""
    require_scope(actor, action=MANAGE)
    assignment = JudgeAssignment.objects.select_for_update().filter(pk=assignment_id).first()
    if assignment is None:
        raise NotFound(_("No such judge assignment."))
    if Score.objects.filter(
        judge=assignment.judge_id,
        entry__contest=assignment.contest_id,
        entry__category=assignment.category,
    ).exists():
        raise InvalidTransition(_("This judge has scored entries of the category."))
    audit.record(actor, "showcase.judge_removed", assignment.contest)
    assignment.delete()
