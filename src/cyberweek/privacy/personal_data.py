"""What the privacy app itself holds about a person."""

import re

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cyberweek.accounts.queries import staff_role_label
from cyberweek.core.personal_data import PersonalDataSource, Retention, field_label, iso

from .access_log import move_start
from .models import AccessLogEntry, ConsentRecord, DataSubjectRequest


def _export_consents(user) -> list[dict]:
    def label(name):
        return field_label(ConsentRecord, name)

    return [
        {
            label("notice"): str(r.notice),
            str(_("purpose")): r.notice.get_purpose_display(),
            str(_("version")): r.notice.version,
            label("given_at"): iso(r.given_at),
            label("withdrawn_at"): iso(r.withdrawn_at),
        }
        for r in ConsentRecord.objects.filter(user=user).select_related("notice")
    ]


def _erase_consents(user) -> int:
    return ConsentRecord.objects.filter(user=user).delete()[0]


def _export_access(user) -> list[dict]:
    """Who on the staff looked at this person's information, when and why, named by role
    (the platform names staff to the public by role, never by name); and, for staff, their
    own looks at others' information, naming those people as the log does, by number."""
    mine = f"user:{user.pk}"

    def label(name):
        return field_label(AccessLogEntry, name)

    def account(ref: str) -> int | None:
        return int(ref.removeprefix("user:")) if ref.startswith("user:") else None

    records = []
    entries = AccessLogEntry.objects.filter(Q(subject_ref=mine) | Q(actor_ref=mine))
    for entry in entries.order_by("pk"):
        if entry.actor_ref == mine:
            who = str(_("you"))
        else:
            who = staff_role_label(account(entry.actor_ref))
        whose = str(_("you")) if entry.subject_ref == mine else entry.subject_ref
        records.append(
            {
                label("created_at"): iso(entry.created_at),
                label("actor_ref"): who,
                label("subject_ref"): whose,
                label("what"): entry.what,
                label("why"): entry.why,
            }
        )
    return records


def _purge_access(*, today, dry_run) -> int:
    # The newest purged entry becomes the chain's start, signed outside the database.
    return move_start(before_date=Retention.cutoff(Retention.AUDIT, today), dry_run=dry_run)


def _export_requests(user) -> list[dict]:
    def label(name):
        return field_label(DataSubjectRequest, name)

    return [
        {
            label("kind"): r.get_kind_display(),
            label("status"): r.get_status_display(),
            label("requester_contact"): r.requester_contact,
            label("details"): r.details,
            label("received_at"): iso(r.received_at),
            label("due_at"): iso(r.due_at),
            label("handled_by"): staff_role_label(r.handled_by_id) if r.handled_by_id else "",
            label("resolution"): r.resolution,
            label("closed_at"): iso(r.closed_at),
            label("created_at"): iso(r.created_at),
            label("updated_at"): iso(r.updated_at),
        }
        for r in DataSubjectRequest.objects.filter(subject=user).order_by("pk")
    ]


ERASED = "[—]"


def _identifier_patterns(user) -> list[re.Pattern]:
    """The person's email, mobile number (as people write it: with or without +86, spaces
    or dashes) and display name, as patterns to find in free text."""
    patterns = []
    if user.email:
        patterns.append(re.compile(re.escape(user.email), re.IGNORECASE))
    if user.mobile:
        digits = re.sub(r"\D", "", user.mobile)
        national = digits[2:] if digits.startswith("86") and len(digits) == 13 else digits
        spaced = r"[\s-]*".join(re.escape(d) for d in national)
        patterns.append(re.compile(rf"(?:\+?86[\s-]*)?{spaced}"))
    # A one-character name would match half of any Chinese text.
    if len(user.display_name.strip()) >= 2:
        patterns.append(re.compile(re.escape(user.display_name.strip())))
    return patterns


def _scrub(text: str, patterns) -> str:
    for pattern in patterns:
        text = pattern.sub(ERASED, text)
    return text


def _erase_requests(user) -> int:
    """A closed request stays as evidence that it was handled, without what said who it
    was about. An open one is still being answered, and may come from someone else (a
    parent, a lawyer) whose contact staff need: only this person's identifiers are removed
    from it, and it keeps its link to the (now anonymous) account so staff see it is gone.
    Runs before the account is blanked, so the identifiers are still known."""
    patterns = _identifier_patterns(user)
    changed = 0
    for request in DataSubjectRequest.objects.filter(subject=user).select_for_update():
        if request.status in DataSubjectRequest.OPEN:
            fields = {
                "requester_contact": _scrub(request.requester_contact, patterns),
                "details": _scrub(request.details, patterns),
                "resolution": _scrub(request.resolution, patterns),
            }
        else:
            fields = {
                "subject": None,
                "requester_contact": "",
                "details": "",
                "resolution": _scrub(request.resolution, patterns),
            }
        if any(getattr(request, name) != value for name, value in fields.items()):
            DataSubjectRequest.objects.filter(pk=request.pk).update(**fields)
            changed += 1
    return changed


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
        exempt_fields={"privacy.consentrecord.user": "You."},
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
        exempt_fields={
            "privacy.accesslogentry.prev_hash": "A seal chaining the log; it says nothing.",
            "privacy.accesslogentry.entry_hash": "A seal chaining the log; it says nothing.",
            "privacy.accesslogentry.seq": "The entry's place in the log, for its seal.",
            "privacy.accesslogentry.key_id": "Which key sealed the entry; it says nothing.",
        },
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
        exempt_fields={"privacy.datasubjectrequest.subject": "You."},
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
