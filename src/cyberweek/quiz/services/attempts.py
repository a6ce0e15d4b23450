"""Taking a contest: entries, attempts (start or resume, answer, submit), certificates.

Rules kept for every caller (page, API, command):
- a participant acts only on their own attempts; another person's attempt id is "not
  found", so ids reveal nothing;
- the deadline is the server's: answers are accepted until `deadline_at` plus
  `ANSWER_GRACE` (2 s, for the request in flight when the countdown ends); after that they
  are refused, and an attempt left open is scored at its deadline;
- a person has at most one open attempt per contest (a row lock on the entry, and a
  partial unique index behind it); a reload or a second device resumes it;
- an acknowledged answer is in the database: it is written by the statement (or the
  transaction) that checks the attempt is open, under the row lock that submission also
  takes, so every answer is either scored or refused (see `answer_store`).
"""

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Case, Max, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cyberweek.core import certificates
from cyberweek.core.errors import (
    Conflict,
    InvalidTransition,
    LimitReached,
    NotFound,
    ValidationFailed,
)
from cyberweek.core.queries import one_or_not_found
from cyberweek.core.transactions import service
from cyberweek.geo.models import Region, Sector
from cyberweek.privacy import services as privacy_services
from cyberweek.privacy.models import Purpose

from .. import answer_store, leaderboards
from ..models import (
    Answer,
    Attempt,
    Certificate,
    Contest,
    Entry,
    PaperItem,
    Question,
    QuestionVersion,
)
from ..question_files import OPTION_KEYS, TRUE_FALSE_OPTIONS

ANSWER_GRACE = timedelta(seconds=2)
OPTION_KEYS_OF_ANY_KIND = frozenset(OPTION_KEYS) | {o["key"] for o in TRUE_FALSE_OPTIONS}
# Anti-cheat: reading a question and choosing takes a person more than this.
MIN_SECONDS_PER_ANSWER = 1.0
MIN_SECONDS_PER_QUESTION_OVERALL = 2.0
_random = random.SystemRandom()
TIME_WAS_UP = gettext_lazy(
    "The time was up; your attempt was scored with the answers saved before the deadline."
)


def _open_contest(contest_id: int, now) -> Contest:
    contest = one_or_not_found(Contest.objects.filter(is_published=True), pk=contest_id)
    if now < contest.opens_at:
        raise InvalidTransition(_("This contest has not opened yet."))
    if now >= contest.closes_at:
        raise InvalidTransition(_("This contest has closed."))
    return contest


def _clean_name(value: str, *, field: str, limit: int) -> str:
    value = " ".join((value or "").split())
    if any(ord(ch) < 32 for ch in value):
        raise ValidationFailed(_("Remove the control characters."), field=field)
    if len(value) > limit:
        raise ValidationFailed(
            _("Use at most %(limit)d characters.") % {"limit": limit}, field=field
        )
    return value


@service
def enter_contest(
    *,
    actor,
    contest_id: int,
    display_name: str,
    show_name: bool = False,
    region: Region | None = None,
    sector: str = "",
    school: str = "",
    track: str = Entry.Track.GENERAL,
    birth_year: int | None = None,
    now=None,
) -> Entry:
    """Join a contest or change one's entry details. Only what the leaderboards, the youth
    track and the certificate need: a display name, optionally region, sector, school and,
    for the youth track, a year of birth."""
    now = now or timezone.now()
    contest = _open_contest(contest_id, now)
    display_name = _clean_name(display_name, field="display_name", limit=30)
    if not display_name:
        raise ValidationFailed(
            _("Enter the name to show on your certificate."), field="display_name"
        )
    school = _clean_name(school, field="school", limit=60)
    if sector and sector not in Sector.values:
        raise ValidationFailed(_("Unknown sector."), field="sector")
    if region is not None and not region.is_active:
        raise ValidationFailed(_("This region no longer exists."), field="region")
    if track not in Entry.Track.values:
        raise ValidationFailed(_("Unknown track."), field="track")
    if track == Entry.Track.YOUTH:
        if not contest.youth_track:
            raise ValidationFailed(_("This contest has no youth track."), field="track")
        if birth_year is None:
            raise ValidationFailed(
                _("The youth track needs your year of birth."), field="birth_year"
            )
        age = contest.opens_at.year - birth_year
        if not contest.youth_min_age <= age <= contest.youth_max_age:
            raise ValidationFailed(
                _("The youth track is for ages %(low)d to %(high)d.")
                % {"low": contest.youth_min_age, "high": contest.youth_max_age},
                field="birth_year",
            )
    else:
        # The general track does not need a year of birth, so none is kept.
        birth_year = None
    entry = Entry.objects.select_for_update().filter(contest=contest, user=actor).first()
    if entry is None:
        try:
            with transaction.atomic():
                entry = Entry.objects.create(contest=contest, user=actor, display_name=display_name)
        except IntegrityError:
            entry = Entry.objects.select_for_update().get(contest=contest, user=actor)
    elif entry.attempts.exists() and (entry.track != track):
        raise InvalidTransition(
            _("You have started this contest: the track is fixed."), field="track"
        )
    if show_name != entry.show_name or entry.show_name_chosen_at is None:
        entry.show_name_chosen_at = now
    entry.display_name = display_name
    entry.show_name = show_name
    entry.region, entry.sector, entry.school = region, sector, school
    entry.track, entry.birth_year = track, birth_year
    entry.save()
    _record_name_consent(actor, show_name)
    return entry


def _record_name_consent(user, show_name: bool) -> None:
    """Ticking "show my name" is consent to the leaderboard-display notice, recorded in the
    privacy centre, where it can also be withdrawn."""
    if show_name:
        if privacy_services.current_notice(Purpose.LEADERBOARD_DISPLAY) is not None:
            privacy_services.give_consent(user=user, purpose=Purpose.LEADERBOARD_DISPLAY)
    else:
        privacy_services.withdraw_consent(user=user, purpose=Purpose.LEADERBOARD_DISPLAY)


@service
def show_names(*, user) -> int:
    """The person consented to show their name: every entry of theirs shows it. Both
    boards read the name from the entry, so Redis needs no rewrite."""
    return Entry.objects.filter(user=user, show_name=False, erased=False).update(
        show_name=True, show_name_chosen_at=timezone.now()
    )


@service
def hide_names(*, user) -> int:
    """The person withdrew consent to show their name: every entry shows it masked again."""
    return Entry.objects.filter(user=user, show_name=True).update(
        show_name=False, show_name_chosen_at=timezone.now()
    )


def _draw_paper(attempt: Attempt, rules: list) -> list[PaperItem]:
    """Each rule draws at random from the questions the person has not yet seen in this
    contest, and only when those run out from the ones they saw least recently: answers
    learned from one attempt's review must not score the next."""
    # The attempt (by number) in which the person last saw each question; 0 is never.
    last_seen = dict(
        PaperItem.objects.filter(attempt__entry_id=attempt.entry_id)
        .values("question_id")
        .annotate(last=Max("attempt__number"))
        .values_list("question_id", "last")
    )
    taken: set[int] = set()
    picks: list[tuple[int, int, int]] = []  # question, version, points
    # The whole pool of the rules' topics in one query; the rules pick from it in memory.
    pool = Question.objects.filter(
        is_active=True, current__isnull=False, topic__in={rule.topic for rule in rules}
    ).values_list("pk", "current_id", "topic", "difficulty")
    by_topic: dict[str, list[tuple[int, int, int]]] = {}
    for question_id, version_id, topic, difficulty in pool:
        by_topic.setdefault(topic, []).append((question_id, version_id, difficulty))
    # How much of each (topic, difficulty) the rules with a difficulty claim, as a share of
    # what the bank has: an "any difficulty" rule draws first from the least claimed, so it
    # does not use up the questions those rules need on the person's next attempt.
    size: dict[tuple[str, int], int] = {}
    for topic, questions in by_topic.items():
        for _question, _version, difficulty in questions:
            size[topic, difficulty] = size.get((topic, difficulty), 0) + 1
    claimed: dict[tuple[str, int], float] = {}
    for rule in rules:
        if rule.difficulty:
            key = (rule.topic, rule.difficulty)
            claimed[key] = claimed.get(key, 0) + rule.count / max(1, size.get(key, 0))
    # Rules with a difficulty draw first, so an "any difficulty" rule cannot take their
    # questions.
    for rule in sorted(rules, key=lambda r: r.difficulty is None):
        candidates = [
            (question_id, version_id, difficulty)
            for question_id, version_id, difficulty in by_topic.get(rule.topic, ())
            if question_id not in taken and (not rule.difficulty or difficulty == rule.difficulty)
        ]
        if len(candidates) < rule.count:
            raise Conflict(
                _("The question bank cannot fill this paper; please tell the organisers.")
            )
        # Shuffled, then stably sorted: never seen first, then the least recently seen;
        # at random among equals.
        _random.shuffle(candidates)
        candidates.sort(key=lambda c: (last_seen.get(c[0], 0), claimed.get((rule.topic, c[2]), 0)))
        for question_id, version_id, _difficulty in candidates[: rule.count]:
            taken.add(question_id)
            picks.append((question_id, version_id, rule.points))
    _random.shuffle(picks)
    options = dict(
        QuestionVersion.objects.filter(pk__in=[p[1] for p in picks]).values_list("pk", "options")
    )
    items = []
    for position, (question_id, version_id, points) in enumerate(picks, start=1):
        keys = [o["key"] for o in options[version_id]]
        if len(keys) > 2:  # true/false keeps its natural order
            _random.shuffle(keys)
        items.append(
            PaperItem(
                attempt=attempt,
                position=position,
                question_id=question_id,
                version_id=version_id,
                option_order=keys,
                points=points,
            )
        )
    return PaperItem.objects.bulk_create(items)


@service
def start_attempt(*, actor, contest_id: int, now=None) -> tuple[Attempt, bool]:
    """Start an attempt, or resume the one already open (another tab, another device).
    Returns the attempt and whether it is new. One open attempt per person and contest."""
    now = now or timezone.now()
    contest = _open_contest(contest_id, now)
    entry = Entry.objects.select_for_update().filter(contest=contest, user=actor).first()
    if entry is None:
        raise InvalidTransition(_("Enter the contest first."))
    open_attempt = entry.attempts.filter(status=Attempt.Status.OPEN).first()
    if open_attempt is not None:
        if now <= open_attempt.deadline_at + ANSWER_GRACE:
            return open_attempt, False
        _finish(open_attempt, entry, now=now, automatic=True)
    used = entry.attempts.count()
    if used >= contest.attempts_allowed:
        raise LimitReached(
            _("You have used all %(n)d attempts at this contest.") % {"n": contest.attempts_allowed}
        )
    rules = list(contest.paper_rules.all())
    deadline = min(now + timedelta(minutes=contest.time_limit_minutes), contest.closes_at)
    attempt = Attempt.objects.create(
        entry=entry,
        contest=contest,
        user=actor,
        number=used + 1,
        started_at=now,
        deadline_at=deadline,
        max_score=sum(r.count * r.points for r in rules),
    )
    _draw_paper(attempt, rules)
    return attempt, True


MAX_ID = 2**63 - 1
MAX_POSITION = 32767


def _check_numbers(attempt_id: int, position: int = 1) -> None:
    """Numbers no row can have are "not found" before they reach the database (SQLite
    cannot even bind an integer past 64 bits)."""
    if not 0 < attempt_id <= MAX_ID:
        raise NotFound(_("You have no attempt with that number."))
    if not 0 < position <= MAX_POSITION:
        raise NotFound(
            _("Question %(n)s is not on your paper.") % {"n": position}, field="position"
        )


def _own_attempt(actor, attempt_id: int, *, lock: bool = False) -> Attempt:
    _check_numbers(attempt_id)
    attempts = Attempt.objects.select_related("contest", "entry")
    if lock:
        # NO KEY UPDATE: does not block the answers' foreign-key checks on this row.
        attempts = attempts.select_for_update(no_key=True, of=("self",))
    try:
        return attempts.get(pk=attempt_id, user_id=actor.pk)
    except Attempt.DoesNotExist as error:
        raise NotFound(_("You have no attempt with that number.")) from error


def check_choice(option_order, kind: str, chosen) -> list[str]:
    """The chosen option keys, checked against the question as asked."""
    if not isinstance(chosen, list | tuple) or not all(isinstance(c, str) for c in chosen):
        raise ValidationFailed(_("An answer is a list of option letters."), field="chosen")
    chosen = sorted(set(chosen))
    if not chosen:
        raise ValidationFailed(_("Choose at least one option."), field="chosen")
    unknown = set(chosen) - set(option_order)
    if unknown:
        raise ValidationFailed(
            _("“%(keys)s” is not an option of this question.")
            % {"keys": ", ".join(sorted(unknown))},
            field="chosen",
        )
    if kind != Question.Kind.MULTIPLE and len(chosen) != 1:
        raise ValidationFailed(_("Choose exactly one option."), field="chosen")
    return chosen


@dataclass(frozen=True, slots=True)
class SavedAnswer:
    """What an acknowledged answer stored. Not the model: building an `Answer` instance
    cost about 3% of an answer's Python time on the contest's hot path."""

    attempt_id: int
    question_id: int
    version_id: int
    chosen: list[str]
    answered_at: datetime


def save_answer(*, actor, attempt_id: int, position: int, chosen, now=None) -> SavedAnswer:
    """Record the participant's choice for one question of their paper (the last save
    wins). Refused once the attempt is submitted or its deadline (plus grace) has passed.
    `actor` is the user, or an `answer_tokens.AnswerGrant`: only its `pk` is used.

    On PostgreSQL a valid answer to an open attempt is stored by one statement
    (`answer_store`); any other case takes the checked path, which gives the reason."""
    _check_numbers(attempt_id, position)
    now = now or timezone.now()
    if answer_store.available() and _is_list_of_keys(chosen):
        choice = sorted(set(chosen))
        stored = answer_store.upsert_if_open(
            answer_store.PendingAnswer(
                attempt_id=attempt_id,
                user_id=actor.pk,
                position=position,
                chosen=choice,
                now=now,
                not_after=now - ANSWER_GRACE,
            )
        )
        if stored:
            return SavedAnswer(attempt_id, *stored, choice, now)
    return _save_answer_checked(
        actor=actor, attempt_id=attempt_id, position=position, chosen=chosen, now=now
    )


def _is_list_of_keys(chosen) -> bool:
    # Only keys a question can have reach the statement, which stores the answers of
    # several requests together: anything else takes the checked path and its message.
    return (
        isinstance(chosen, list | tuple)
        and bool(chosen)
        and all(isinstance(key, str) and key in OPTION_KEYS_OF_ANY_KIND for key in chosen)
    )


@service
def _save_answer_checked(*, actor, attempt_id: int, position: int, chosen, now) -> SavedAnswer:
    # One query finds the question on the participant's own paper and locks the attempt
    # (NO KEY UPDATE: submission waits for it, the answer's foreign key check does not).
    item = (
        PaperItem.objects.select_related("attempt", "question")
        .select_for_update(no_key=True, of=("attempt",))
        .filter(attempt_id=attempt_id, attempt__user_id=actor.pk, position=position)
        .first()
    )
    if item is None:
        _own_attempt(actor, attempt_id)
        raise NotFound(
            _("Question %(n)s is not on your paper.") % {"n": position}, field="position"
        )
    attempt = item.attempt
    if attempt.status != Attempt.Status.OPEN:
        raise InvalidTransition(_("This attempt has been submitted; answers can no longer change."))
    if now > attempt.deadline_at + ANSWER_GRACE:
        raise InvalidTransition(_("The time for this attempt is up; the answer was not saved."))
    chosen = check_choice(item.option_order, item.question.kind, chosen)
    answer = Answer(
        attempt=attempt,
        question_id=item.question_id,
        version_id=item.version_id,
        chosen=chosen,
        answered_at=now,
    )
    # One statement, INSERT … ON CONFLICT DO UPDATE: two devices saving at once both land,
    # the later one wins, and neither fails.
    Answer.objects.bulk_create(
        [answer],
        update_conflicts=True,
        unique_fields=["attempt", "question"],
        update_fields=["chosen", "answered_at"],
    )
    return SavedAnswer(attempt.pk, item.question_id, item.version_id, chosen, now)


def timing_flags(attempt: Attempt, answers: list[Answer], questions: int) -> list[str]:
    """Signs that nobody read the questions: answers saved faster than a person reads, or
    the whole paper done in less time than reading it takes."""
    flags = []
    moments = sorted(a.answered_at for a in answers)
    gaps = [
        (later - earlier).total_seconds()
        for earlier, later in zip([attempt.started_at, *moments], moments, strict=False)
    ]
    quick = sum(1 for gap in gaps if gap < MIN_SECONDS_PER_ANSWER)
    if len(gaps) >= 5 and quick * 2 >= len(gaps):
        flags.append("answers_too_fast")
    reading_ms = questions * MIN_SECONDS_PER_QUESTION_OVERALL * 1000
    if answers and attempt.duration_ms is not None and attempt.duration_ms < reading_ms:
        flags.append("paper_too_fast")
    return flags


def _finish(attempt: Attempt, entry: Entry, *, now, automatic: bool) -> Attempt:
    """Score an open attempt. Called with the attempt and its entry locked."""
    items = {i.question_id: i for i in attempt.items.select_related("version")}
    answers = list(attempt.answers.all())
    score = 0
    for answer in answers:
        item = items.get(answer.question_id)
        answer.is_correct = item is not None and sorted(answer.chosen) == sorted(
            item.version.correct
        )
        if answer.is_correct:
            score += item.points
    # One plain UPDATE: bulk_update's CASE per row costs more to build than to run.
    right = [answer.question_id for answer in answers if answer.is_correct]
    attempt.answers.update(
        is_correct=Case(When(question_id__in=right, then=Value(True)), default=Value(False))
    )
    end = min(now, attempt.deadline_at)
    attempt.status = Attempt.Status.SUBMITTED
    attempt.submitted_at = now
    attempt.auto_submitted = automatic
    attempt.score = score
    attempt.duration_ms = max(0, int((end - attempt.started_at).total_seconds() * 1000))
    attempt.passed = (
        attempt.max_score > 0 and score * 100 >= attempt.contest.pass_mark * attempt.max_score
    )
    attempt.flags = timing_flags(attempt, answers, len(items))
    attempt.is_flagged = bool(attempt.flags)
    attempt.save()
    better = entry.best_score is None or (score, -attempt.duration_ms) > (
        entry.best_score,
        -(entry.best_duration_ms or 0),
    )
    if better:
        entry.best_score, entry.best_duration_ms = score, attempt.duration_ms
        entry.save(update_fields=["best_score", "best_duration_ms", "updated_at"])
        leaderboards.record(entry)
    if attempt.passed and not Certificate.objects.filter(attempt__entry=entry).exists():
        Certificate.objects.create(
            attempt=attempt, code=certificates.new_code(), holder_name=entry.display_name
        )
    return attempt


def submit_attempt(*, actor, attempt_id: int, now=None) -> Attempt:
    """Score the attempt. Submitting twice is refused. Submitting after the deadline is
    refused too, and the attempt is scored at its deadline with the answers saved in time."""
    now = now or timezone.now()
    attempt = _own_attempt(actor, attempt_id)
    if attempt.status == Attempt.Status.OPEN and now > attempt.deadline_at + ANSWER_GRACE:
        current_attempt(actor=actor, attempt_id=attempt_id, now=now)
        raise InvalidTransition(TIME_WAS_UP)
    return _submit(actor=actor, attempt_id=attempt_id, now=now)


@service
def _submit(*, actor, attempt_id: int, now) -> Attempt:
    entry = Entry.objects.select_for_update(of=("self",)).get(attempts__pk=attempt_id)
    attempt = _own_attempt(actor, attempt_id, lock=True)
    if attempt.status != Attempt.Status.OPEN:
        raise InvalidTransition(_("This attempt has already been submitted."))
    return _finish(attempt, entry, now=now, automatic=False)


def current_attempt(*, actor, attempt_id: int, now=None) -> Attempt:
    """The participant's attempt; one left open past its deadline is scored first."""
    now = now or timezone.now()
    attempt = _own_attempt(actor, attempt_id)
    if attempt.status == Attempt.Status.OPEN and now > attempt.deadline_at + ANSWER_GRACE:
        with transaction.atomic():
            entry = Entry.objects.select_for_update().get(pk=attempt.entry_id)
            attempt = _own_attempt(actor, attempt_id, lock=True)
            if attempt.status == Attempt.Status.OPEN:
                _finish(attempt, entry, now=now, automatic=True)
    return attempt


@service
def rebuild_leaderboards(*, contest_ids: list[int] | None = None) -> dict[str, int]:
    """Rebuild the Redis boards from the database (for the command; no actor: operators)."""
    contests = Contest.objects.all()
    if contest_ids:
        contests = contests.filter(pk__in=contest_ids)
    if not leaderboards.uses_redis():
        return {c.slug: 0 for c in contests}
    return {c.slug: leaderboards.rebuild(c) for c in contests}
