"""What the knowledge contest keeps about a person (see core/personal_data.py)."""

from datetime import timedelta

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from cyberweek.core.personal_data import PersonalDataSource, Retention

from . import leaderboards
from .models import Attempt, Certificate, Entry, QuestionVersion

ERASED_NAME = "—"


def export(user) -> list[dict]:
    records = []
    entries = Entry.objects.filter(user=user).select_related("contest", "region")
    for entry in entries:
        records.append(
            {
                "what": str(_("Contest entry")),
                "contest": entry.contest.title,
                "display name": entry.display_name,
                "show name on leaderboards": entry.show_name,
                "name display chosen": entry.show_name_chosen_at.isoformat()
                if entry.show_name_chosen_at
                else "",
                "region": entry.region.code if entry.region_id else "",
                "sector": entry.sector,
                "school": entry.school,
                "track": entry.track,
                "year of birth": entry.birth_year or "",
                "joined": entry.created_at.isoformat(),
            }
        )
    for attempt in Attempt.objects.filter(user=user).select_related("contest"):
        records.append(
            {
                "what": str(_("Contest attempt")),
                "contest": attempt.contest.title,
                "attempt": attempt.number,
                "started": attempt.started_at.isoformat(),
                "submitted": attempt.submitted_at.isoformat() if attempt.submitted_at else "",
                "score": attempt.score if attempt.score is not None else "",
                "maximum": attempt.max_score,
                "passed": attempt.passed,
                "answers saved": attempt.answers.count(),
            }
        )
    for certificate in Certificate.objects.filter(attempt__user=user).select_related(
        "attempt__contest"
    ):
        records.append(
            {
                "what": str(_("Certificate")),
                "contest": certificate.attempt.contest.title,
                "name on the certificate": certificate.holder_name,
                "code": certificate.code,
                "issued": certificate.issued_at.isoformat(),
            }
        )
    return records


def _anonymise(entries) -> int:
    """Keep scores for the contest's statistics, drop everything that says who."""
    changed = 0
    for entry in entries.select_related("region"):
        leaderboards.remove(entry)
        Certificate.objects.filter(attempt__entry=entry).delete()
        Attempt.objects.filter(entry=entry).update(user=None)
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
            "what": str(_("Question revision written")),
            "question": version.question.code,
            "revision": version.number,
            "written": version.created_at.isoformat(),
        }
        for version in QuestionVersion.objects.filter(created_by=user).select_related("question")
    ]


def erase_authorship(user) -> int:
    return QuestionVersion.objects.filter(created_by=user).update(created_by=None)


SOURCES = [
    PersonalDataSource(
        key="quiz.entries",
        label=_("Knowledge contest: entries, attempts, answers and certificates"),
        origin=_("You, when you enter and take a contest"),
        retention=Retention.CONTEST,
        models=("quiz.Entry", "quiz.Attempt", "quiz.Certificate"),
        export=export,
        erase=erase,
        purge=purge,
        purpose=_(
            "To run the contest: your paper and answers, your score, the leaderboards you "
            "appear on (your name only if you chose to show it) and your certificate."
        ),
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
    ),
]
