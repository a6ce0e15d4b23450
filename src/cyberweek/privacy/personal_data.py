"""What the privacy app itself holds about a person."""

from django.utils.translation import gettext_lazy as _

from cyberweek.core.personal_data import PersonalDataSource, Retention

from .access_log import move_start
from .models import AccessLogEntry, ConsentRecord, DataSubjectRequest


def _export_consents(user) -> list[dict]:
    return [
        {
            str(_("purpose")): r.notice.get_purpose_display(),
            str(_("version")): r.notice.version,
            str(_("given")): r.given_at.isoformat(),
            str(_("withdrawn")): r.withdrawn_at.isoformat() if r.withdrawn_at else "",
        }
        for r in ConsentRecord.objects.filter(user=user).select_related("notice")
    ]


def _erase_consents(user) -> int:
    return ConsentRecord.objects.filter(user=user).delete()[0]


def _export_access(user) -> list[dict]:
    """Who on the staff looked at this person's information, and why: transparency."""
    return [
        {str(_("when")): e.created_at.isoformat(), str(_("what")): e.what, str(_("why")): e.why}
        for e in AccessLogEntry.objects.filter(subject_ref=f"user:{user.pk}")
    ]


def _purge_access(*, today, dry_run) -> int:
    # The newest purged entry becomes the chain's start, signed outside the database.
    return move_start(before_date=Retention.cutoff(Retention.AUDIT, today), dry_run=dry_run)


def _export_requests(user) -> list[dict]:
    return [
        {
            str(_("request")): r.get_kind_display(),
            str(_("status")): r.get_status_display(),
            str(_("received")): r.received_at.isoformat(),
        }
        for r in DataSubjectRequest.objects.filter(subject=user)
    ]


def _erase_requests(user) -> int:
    # The request itself is evidence that it was handled; who made it is not kept.
    return DataSubjectRequest.objects.filter(subject=user).update(
        subject=None, requester_contact="", details=""
    )


def _purge_requests(*, today, dry_run) -> int:
    cutoff = Retention.cutoff(Retention.AUDIT, today)
    due = DataSubjectRequest.objects.filter(closed_at__date__lt=cutoff)
    return due.count() if dry_run else due.delete()[0]


SOURCES = [
    PersonalDataSource(
        key="privacy.consent",
        label=_("Your consents"),
        origin=_("You gave or withdrew them in your privacy centre."),
        retention=Retention.ACCOUNT,
        models=("privacy.consentrecord",),
        export=_export_consents,
        erase=_erase_consents,
        purpose=_("Proof of what you agreed to, and when."),
    ),
    PersonalDataSource(
        key="privacy.access_log",
        label=_("Staff access to your information"),
        origin=_("Recorded whenever staff viewed or exported your information."),
        retention=Retention.AUDIT,
        models=("privacy.accesslogentry",),
        export=_export_access,
        # Entries name accounts by number only and are chained by hashes: they stay.
        erase=lambda user: 0,
        purge=_purge_access,
        purpose=_("Accountability for every look at personal information."),
    ),
    PersonalDataSource(
        key="privacy.requests",
        label=_("Your requests about your data"),
        origin=_("Logged by staff when you wrote or called."),
        retention=Retention.AUDIT,
        models=("privacy.datasubjectrequest",),
        export=_export_requests,
        erase=_erase_requests,
        purge=_purge_requests,
        purpose=_("Handling your requests within the legal deadline."),
    ),
    PersonalDataSource(
        key="privacy.self_check",
        label=_("Personal-information self-check"),
        origin=_("Text or files you check on the self-check page."),
        retention=Retention.NONE,
        models=(),
        export=lambda user: [],
        erase=lambda user: 0,
        purpose=_("Processed in memory to show you the risks; never stored or logged."),
    ),
]
