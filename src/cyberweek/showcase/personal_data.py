"""What the micro-video contest holds about a person (see core/personal_data.py).

- Entries with their videos (a video shows and voices its makers): kept
  `Retention.CONTRIBUTION` days after voting closes, then deleted with their files.
  Erasing a person deletes their entries and files.
- Votes: who voted for what and when, with keyed digests of their network and browser; kept as long
  as entries, then deleted. Erasing a person unlinks their votes (the counts stay right).
- The voter's verified mobile number (encrypted): deleted with the account, or when the
  votes go.
- Judging: a judge's assignments, declared conflicts and scores; kept as long as entries.
- Winners' certificates go with their entry.
- Reports of entries: the reason and screened details, linked to the reporter when signed
  in; kept as long as entries. Erasing a person unlinks their reports.
"""

from datetime import date, datetime, time

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cyberweek.core.personal_data import PersonalDataSource, Retention, field_label, iso

from .models import (
    Certificate,
    ConflictDeclaration,
    Entry,
    JudgeAssignment,
    PhoneVerification,
    Report,
    Score,
    Vote,
)
from .services import delete_entry_files


def _plain(value):
    if hasattr(value, "isoformat"):
        return iso(value)
    if value is None:
        return ""
    if isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def _record(what, obj, exempt: dict) -> dict:
    label = obj._meta.label_lower
    record = {"what": str(what)}
    for f in obj._meta.concrete_fields:
        if f.primary_key or f"{label}.{f.name}" in exempt:
            continue
        value = getattr(obj, f.name)
        if f.choices:
            value = getattr(obj, f"get_{f.name}_display")()
        elif f.is_relation:
            value = str(value) if value is not None else ""
        record[field_label(type(obj), f.name)] = _plain(value)
    return record


def _voting_closed_before(today: date, category: str):
    cutoff = Retention.cutoff(category, today)
    if cutoff is None:
        return None
    return timezone.make_aware(datetime.combine(cutoff, time.min))


# --- Entries --------------------------------------------------------------------------------
ENTRIES_EXEMPT = {
    "showcase.entry.entrant": "You.",
    "showcase.entry.erased": "Set only when the entry is erased.",
    "showcase.videofile.entry": "Your entry, listed with it.",
    "showcase.videofile.upload_id": "A random key of the upload, not about you.",
    "showcase.certificate.entry": "Your entry, listed with it.",
}


def _export_entries(user) -> list[dict]:
    records = []
    for entry in Entry.objects.filter(entrant=user).select_related("contest", "video"):
        records.append(_record(_("Video contest entry"), entry, ENTRIES_EXEMPT))
        for video in entry.videos.all():
            records.append(_record(_("Uploaded video"), video, ENTRIES_EXEMPT))
        certificate = Certificate.objects.filter(entry=entry).first()
        if certificate is not None:
            records.append(_record(_("Winner's certificate"), certificate, ENTRIES_EXEMPT))
    return records


def _delete_entries(entries) -> int:
    count = 0
    for entry in entries:
        delete_entry_files(entry)
        Vote.objects.filter(entry=entry).delete()
        entry.delete()
        count += 1
    return count


def _erase_entries(user) -> int:
    with transaction.atomic():
        return _delete_entries(Entry.objects.filter(entrant=user))


def _purge_entries(*, today: date, dry_run: bool) -> int:
    before = _voting_closed_before(today, Retention.CONTRIBUTION)
    if before is None:
        return 0
    due = Entry.objects.filter(contest__voting_closes_at__lt=before)
    if dry_run:
        return due.count()
    with transaction.atomic():
        return _delete_entries(due)


# --- Votes and verification -----------------------------------------------------------------
VOTES_EXEMPT = {
    "showcase.vote.voter": "You.",
    "showcase.vote.contest": "The contest of the entry, listed as the entry.",
    "showcase.phoneverification.user": "You.",
    "showcase.phoneverification.mobile_index": "A keyed digest of the number above.",
    "showcase.phoneverification.code_digest": "A digest of a one-time code, a secret.",
    "showcase.phoneverification.code_expires_at": "When the last code stopped working.",
}


def _export_votes(user) -> list[dict]:
    records = [
        _record(_("Vote"), vote, VOTES_EXEMPT)
        for vote in Vote.objects.filter(voter=user).select_related("entry")
    ]
    records += [
        _record(_("Verified mobile number"), v, VOTES_EXEMPT)
        for v in PhoneVerification.objects.filter(user=user)
    ]
    return records


def _erase_votes(user) -> int:
    with transaction.atomic():
        changed = Vote.objects.filter(voter=user).update(voter=None, network="", device="")
        return changed + PhoneVerification.objects.filter(user=user).delete()[0]


def _purge_votes(*, today: date, dry_run: bool) -> int:
    before = _voting_closed_before(today, Retention.CONTRIBUTION)
    if before is None:
        return 0
    votes = Vote.objects.filter(contest__voting_closes_at__lt=before)
    # A verification is only for voting: it goes when no contest is left to vote in.
    verifications = PhoneVerification.objects.filter(updated_at__lt=before)
    if dry_run:
        return votes.count() + verifications.count()
    with transaction.atomic():
        return votes.delete()[0] + verifications.delete()[0]


# --- Judging --------------------------------------------------------------------------------
JUDGING_EXEMPT = {
    "showcase.judgeassignment.judge": "You.",
    "showcase.conflictdeclaration.judge": "You.",
    "showcase.score.judge": "You.",
}


def _export_judging(user) -> list[dict]:
    records = [
        _record(_("Judge assignment"), a, JUDGING_EXEMPT)
        for a in JudgeAssignment.objects.filter(judge=user).select_related("contest")
    ]
    records += [
        _record(_("Declared conflict of interest"), c, JUDGING_EXEMPT)
        for c in ConflictDeclaration.objects.filter(judge=user)
    ]
    records += [
        _record(_("Score given"), s, JUDGING_EXEMPT)
        for s in Score.objects.filter(judge=user).select_related("entry", "criterion")
    ]
    return records


def _erase_judging(user) -> int:
    # A judge's scores are the judging itself: without them results change. The judge is
    # deleted with the account and the scores with them; organisers see it in the progress.
    with transaction.atomic():
        return (
            Score.objects.filter(judge=user).delete()[0]
            + ConflictDeclaration.objects.filter(judge=user).delete()[0]
            + JudgeAssignment.objects.filter(judge=user).delete()[0]
        )


def _purge_judging(*, today: date, dry_run: bool) -> int:
    before = _voting_closed_before(today, Retention.CONTRIBUTION)
    if before is None:
        return 0
    querysets = [
        Score.objects.filter(entry__contest__voting_closes_at__lt=before),
        ConflictDeclaration.objects.filter(entry__contest__voting_closes_at__lt=before),
        JudgeAssignment.objects.filter(contest__voting_closes_at__lt=before),
    ]
    if dry_run:
        return sum(q.count() for q in querysets)
    with transaction.atomic():
        return sum(q.delete()[0] for q in querysets)


# --- Reports of entries ---------------------------------------------------------------------
REPORTS_EXEMPT = {"showcase.report.reporter": "You."}


def _export_reports(user) -> list[dict]:
    return [
        _record(_("Report of an entry"), report, REPORTS_EXEMPT)
        for report in Report.objects.filter(reporter=user).select_related("entry")
    ]


def _erase_reports(user) -> int:
    # The report stays for the organisers (it is about the entry); who made it goes.
    return Report.objects.filter(reporter=user).update(reporter=None)


def _purge_reports(*, today: date, dry_run: bool) -> int:
    before = _voting_closed_before(today, Retention.CONTRIBUTION)
    if before is None:
        return 0
    due = Report.objects.filter(entry__contest__voting_closes_at__lt=before)
    return due.count() if dry_run else due.delete()[0]


SOURCES = [
    PersonalDataSource(
        key="showcase.entries",
        label=_("Micro-video contest: your entries and videos"),
        origin=_("You, when you enter the micro-video contest and upload a video"),
        retention=Retention.CONTRIBUTION,
        models=("showcase.Entry", "showcase.VideoFile", "showcase.Certificate"),
        export=_export_entries,
        erase=_erase_entries,
        purge=_purge_entries,
        purpose=_("To run the contest: screening, judging, the gallery and the results."),
        exempt_fields=ENTRIES_EXEMPT,
    ),
    PersonalDataSource(
        key="showcase.votes",
        label=_("Micro-video contest: your votes and verified mobile number"),
        origin=_("You, when you verify your number and vote"),
        retention=Retention.CONTRIBUTION,
        models=("showcase.Vote", "showcase.PhoneVerification"),
        export=_export_votes,
        erase=_erase_votes,
        purge=_purge_votes,
        purpose=_("One vote per person: counting votes and finding fraudulent ones."),
        exempt_fields=VOTES_EXEMPT,
    ),
    PersonalDataSource(
        key="showcase.judging",
        label=_("Micro-video contest: your judging"),
        origin=_("The organisers, who made you a judge; you, when you score"),
        retention=Retention.CONTRIBUTION,
        models=(
            "showcase.JudgeAssignment",
            "showcase.ConflictDeclaration",
            "showcase.Score",
        ),
        export=_export_judging,
        erase=_erase_judging,
        purge=_purge_judging,
        purpose=_("To judge entries blind and fairly, and to show the organisers progress."),
        exempt_fields=JUDGING_EXEMPT,
    ),
    PersonalDataSource(
        key="showcase.reports",
        label=_("Micro-video contest: your reports of entries"),
        origin=_("You, when you report an entry"),
        retention=Retention.CONTRIBUTION,
        models=("showcase.Report",),
        export=_export_reports,
        erase=_erase_reports,
        purge=_purge_reports,
        purpose=_("To let organisers check entries the public reports."),
        exempt_fields=REPORTS_EXEMPT,
    ),
]
