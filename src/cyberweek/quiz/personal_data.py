"""What the knowledge contest keeps about a person (see core/personal_data.py)."""

from datetime import timedelta

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from cyberweek.core.personal_data import PersonalDataSource, Retention, field_label, iso

from . import leaderboards
from .models import Answer, Attempt, Certificate, Entry, PaperItem, QuestionVersion
from .queries import review_state

ERASED_NAME = "—"


def export(user) -> list[dict]:
    records = []
    entries = Entry.objects.filter(user=user).select_related("contest", "region")
    for entry in entries:
        records.append(
            {
                str(_("what")): str(_("Contest entry")),
                **_labelled(
                    Entry,
                    contest=entry.contest.title,
                    display_name=entry.display_name,
                    show_name=entry.show_name,
                    show_name_chosen_at=iso(entry.show_name_chosen_at),
                    region=entry.region.code if entry.region_id else "",
                    sector=entry.sector,
                    school=entry.school,
                    track=entry.track,
                    birth_year=entry.birth_year or "",
                    best_score=entry.best_score if entry.best_score is not None else "",
                    best_duration_ms=entry.best_duration_ms or "",
                    created_at=iso(entry.created_at),
                    updated_at=iso(entry.updated_at),
                ),
            }
        )
    attempts = Attempt.objects.filter(user=user).select_related("contest").order_by("pk")
    # The download must not become a way round the contest's review options: what the
    # review would not show yet (right answers, a hidden score) waits for it here too.
    states = {attempt.pk: review_state(attempt) for attempt in attempts}
    withheld = str(_("shown when the review opens"))
    for attempt in attempts:
        score_shown = states[attempt.pk].score_shown
        records.append(
            {
                str(_("what")): str(_("Contest attempt")),
                **_labelled(
                    Attempt,
                    contest=attempt.contest.title,
                    number=attempt.number,
                    status=attempt.get_status_display(),
                    started_at=iso(attempt.started_at),
                    deadline_at=iso(attempt.deadline_at),
                    submitted_at=iso(attempt.submitted_at),
                    auto_submitted=attempt.auto_submitted,
                    duration_ms=attempt.duration_ms or "",
                    score=(attempt.score if attempt.score is not None else "")
                    if score_shown
                    else withheld,
                    max_score=attempt.max_score,
                    passed=attempt.passed if score_shown else withheld,
                    # The timing checks that marked the attempt for an organiser's look.
                    flags=list(attempt.flags or []),
                    is_flagged=attempt.is_flagged,
                    # An organiser's decision on the flag, and the reason they were told.
                    flag_reviewed_at=iso(attempt.flag_reviewed_at),
                    voided_at=iso(attempt.voided_at),
                    review_reason=attempt.review_reason,
                ),
                str(_("answers saved")): attempt.answers.count(),
            }
        )
    items = PaperItem.objects.filter(attempt__user=user).select_related(
        "attempt", "question", "version"
    )
    for item in items.order_by("attempt_id", "position"):
        records.append(
            {
                str(_("what")): str(_("Question on your paper")),
                **_labelled(
                    PaperItem,
                    attempt=item.attempt.number,
                    position=item.position,
                    question=item.question.code,
                    version=item.version.number,
                    points=item.points,
                ),
            }
        )
    answers = Answer.objects.filter(attempt__user=user).select_related(
        "attempt", "question", "version"
    )
    for answer in answers.order_by("attempt_id", "answered_at", "pk"):
        records.append(
            {
                str(_("what")): str(_("Answer")),
                **_labelled(
                    Answer,
                    attempt=answer.attempt.number,
                    question=answer.question.code,
                    version=answer.version.number,
                    chosen=list(answer.chosen or []),
                    answered_at=iso(answer.answered_at),
                    is_correct=("" if answer.is_correct is None else answer.is_correct)
                    if states[answer.attempt_id].answers_shown
                    else withheld,
                ),
            }
        )
    certificates = Certificate.objects.filter(attempt__user=user).select_related("attempt__contest")
    for certificate in certificates:
        records.append(
            {
                str(_("what")): str(_("Certificate")),
                str(_("contest")): certificate.attempt.contest.title,
                **_labelled(
                    Certificate,
                    attempt=certificate.attempt.number,
                    holder_name=certificate.holder_name,
                    code=certificate.code,
                    issued_at=iso(certificate.issued_at),
                ),
            }
        )
    return records


def _labelled(model, **values) -> dict:
    return {field_label(model, name): value for name, value in values.items()}


ENTRIES_NOT_EXPORTED = {
    "quiz.entry.user": "You.",
    "quiz.attempt.user": "You.",
    "quiz.entry.school_index": "A keyed digest of the school above, for statistics.",
    "quiz.entry.erased": "Set only when the entry is anonymised.",
    "quiz.attempt.entry": "Your entry to the same contest, listed above.",
    "quiz.paperitem.option_order": "The order the options were shown in, drawn at random.",
}


def _anonymise(entries) -> int:
    """Keep scores for the contest's statistics, drop everything that says who."""
    changed = 0
    for entry in entries.select_related("region"):
        leaderboards.remove(entry)
        Certificate.objects.filter(attempt__entry=entry).delete()
        # The reason for a flag decision was written to this person: it goes with them.
        Attempt.objects.filter(entry=entry).update(user=None, review_reason="")
        entry.user = None
        entry.display_name = ERASED_NAME
        entry.school = ""
        entry.birth_year = None
        entry.show_name = False
        entry.show_name_chosen_at = None
        entry.best_score = entry.best_duration_ms = None
        entry.erased = True
        entry.save()
        changed += 1
    return changed


def erase(user) -> int:
    with transaction.atomic():
        return _anonymise(Entry.objects.filter(user=user))


def purge(*, today, dry_run: bool) -> int:
    days = Retention.days(Retention.CONTEST)
    if days is None:
        return 0
    due = Entry.objects.filter(
        erased=False, contest__edition__ends_on__lt=today - timedelta(days=days)
    )
    if dry_run:
        return due.count()
    with transaction.atomic():
        return _anonymise(due)


def export_authorship(user) -> list[dict]:
    return [
        {
            str(_("what")): str(_("Question revision written")),
            **_labelled(
                QuestionVersion,
                question=version.question.code,
                number=version.number,
                created_at=iso(version.created_at),
            ),
        }
        for version in QuestionVersion.objects.filter(created_by=user).select_related("question")
    ]


_THE_QUESTION = "The question itself, part of the bank everyone answers: not about you."
AUTHORSHIP_NOT_EXPORTED = {
    "quiz.questionversion.created_by": "You: every revision listed is one you wrote.",
    **{
        f"quiz.questionversion.{name}": _THE_QUESTION
        for name in ("text", "text_en", "options", "correct", "explanation", "explanation_en")
    },
    "quiz.questionversion.source": _THE_QUESTION,
}


def erase_authorship(user) -> int:
    return QuestionVersion.objects.filter(created_by=user).update(created_by=None)


SOURCES = [
    PersonalDataSource(
        key="quiz.entries",
        label=_("Knowledge contest: entries, attempts, answers and certificates"),
        origin=_("You, when you enter and take a contest"),
        retention=Retention.CONTEST,
        models=("quiz.Entry", "quiz.Attempt", "quiz.PaperItem", "quiz.Answer", "quiz.Certificate"),
        export=export,
        erase=erase,
        purge=purge,
        purpose=_(
            "To run the contest: your paper and answers, your score, the leaderboards you "
            "appear on (your name only if you chose to show it) and your certificate."
        ),
        exempt_fields=ENTRIES_NOT_EXPORTED,
    ),
    PersonalDataSource(
        key="quiz.authorship",
        label=_("Knowledge contest: question revisions an organiser wrote"),
        origin=_("You, when you write or import questions as an organiser"),
        retention=Retention.ORGANISER,
        models=("quiz.QuestionVersion",),
        export=export_authorship,
        erase=erase_authorship,
        purpose=_("To know who wrote each revision of the question bank."),
        exempt_fields=AUTHORSHIP_NOT_EXPORTED,
    ),
]
