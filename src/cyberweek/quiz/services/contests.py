"""Contests and their papers: national organisers only."""

from django.utils.translation import gettext as _

from cyberweek.core import audit
from cyberweek.core.errors import (
    Conflict,
    InvalidTransition,
    ValidationFailed,
)
from cyberweek.core.permissions import require_scope
from cyberweek.core.queries import one_or_not_found
from cyberweek.core.transactions import service

from ..actions import MANAGE
from ..models import (
    Contest,
    PaperRule,
    Question,
)

CONTEST_FIELDS = {
    "edition",
    "slug",
    "title",
    "title_en",
    "description",
    "description_en",
    "opens_at",
    "closes_at",
    "time_limit_minutes",
    "attempts_allowed",
    "pass_mark",
    "review_opens",
    "score_shown_at_once",
    "youth_track",
    "youth_min_age",
    "youth_max_age",
    "is_published",
}


# Paths under /quiz/ that are not contests.
RESERVED_SLUGS = {"attempts", "certificates"}


def _check_contest(contest: Contest) -> None:
    if contest.closes_at <= contest.opens_at:
        raise ValidationFailed(_("A contest must close after it opens."), field="closes_at")
    if not 1 <= contest.time_limit_minutes <= 180:
        raise ValidationFailed(
            _("The time limit is from 1 to 180 minutes."), field="time_limit_minutes"
        )
    if not 1 <= contest.attempts_allowed <= 10:
        raise ValidationFailed(
            _("Allow from 1 to 10 attempts per person."), field="attempts_allowed"
        )
    if contest.pass_mark > 100:
        raise ValidationFailed(_("The pass mark is a percentage up to 100."), field="pass_mark")
    if contest.review_opens not in Contest.ReviewOpens.values:
        raise ValidationFailed(_("Choose when the right answers are shown."), field="review_opens")
    if contest.youth_track and contest.youth_min_age > contest.youth_max_age:
        raise ValidationFailed(
            _("The youngest age cannot be above the oldest."), field="youth_max_age"
        )
    if contest.slug in RESERVED_SLUGS:
        raise ValidationFailed(_("This short name is reserved; choose another."), field="slug")
    if Contest.objects.exclude(pk=contest.pk).filter(slug=contest.slug).exists():
        raise Conflict(_("This short name is already used."), field="slug")


@service
def save_contest(*, actor, data: dict, contest_id: int | None = None) -> Contest:
    require_scope(actor, action=MANAGE)
    unknown = set(data) - CONTEST_FIELDS
    if unknown:
        raise ValidationFailed(_("Unknown fields: %s") % ", ".join(sorted(unknown)))
    if contest_id is None:
        contest = Contest()
    else:
        contest = one_or_not_found(Contest.objects.select_for_update(), pk=contest_id)
    for key, value in data.items():
        setattr(contest, key, value)
    _check_contest(contest)
    if contest.is_published and contest.pk and not contest.paper_rules.exists():
        raise ValidationFailed(_("Set the paper before publishing."), field="is_published")
    if contest.is_published and not contest.pk:
        contest.is_published = False
    created = contest.pk is None
    contest.save()
    audit.record(actor, "quiz.contest_" + ("created" if created else "updated"), contest)
    return contest


def _available(topic: str, difficulty: int | None) -> int:
    questions = Question.objects.filter(is_active=True, topic=topic, current__isnull=False)
    if difficulty:
        questions = questions.filter(difficulty=difficulty)
    return questions.count()


@service
def set_paper(*, actor, contest_id: int, rules: list[dict]) -> list[PaperRule]:
    """Replace a contest's paper specification. Refused once anyone has started, and
    when the bank has too few questions for a rule."""
    require_scope(actor, action=MANAGE)
    contest = one_or_not_found(Contest.objects.select_for_update(), pk=contest_id)
    if contest.attempts.exists():
        raise InvalidTransition(_("People have started this contest: its paper is fixed."))
    if not rules:
        raise ValidationFailed(_("A paper needs at least one rule."))
    wanted: dict[tuple, int] = {}
    for rule in rules:
        if rule["count"] < 1 or not 1 <= rule.get("points", 5) <= 100:
            raise ValidationFailed(_("Each rule draws at least one question worth 1 to 100."))
        key = (rule["topic"], rule.get("difficulty") or None)
        wanted[key] = wanted.get(key, 0) + rule["count"]
    for (topic, difficulty), count in wanted.items():
        # A topic-wide rule and a difficulty rule of that topic draw from the same pool.
        pool = _available(topic, difficulty)
        if difficulty is None:
            count += sum(c for (t, d), c in wanted.items() if t == topic and d)
        if pool < count:
            raise ValidationFailed(
                _("The bank has %(pool)d questions in use for %(what)s, the paper needs %(count)d.")
                % {"pool": pool, "what": _rule_label(topic, difficulty), "count": count}
            )
    total = sum(r["count"] for r in rules)
    if total > 200:
        raise ValidationFailed(_("A paper has at most 200 questions."))
    contest.paper_rules.all().delete()
    saved = [
        PaperRule.objects.create(
            contest=contest,
            topic=r["topic"],
            difficulty=r.get("difficulty") or None,
            count=r["count"],
            points=r.get("points", 5),
        )
        for r in rules
    ]
    audit.record(actor, "quiz.paper_set", contest, questions=total)
    return saved


def _rule_label(topic, difficulty) -> str:
    from ..models import Difficulty, Topic

    label = str(Topic(topic).label)
    return f"{label} · {Difficulty(difficulty).label}" if difficulty else label
