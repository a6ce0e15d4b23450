"""How an app declares the personal information it holds.

Each app that keeps anything about a person has a module `<app>/personal_data.py` with a
list `SOURCES` of `PersonalDataSource`. The `privacy` app finds these modules, and its
export, deletion and retention jobs walk them: there is no per-app code path elsewhere.
A test fails when a model with personal fields (an encrypted field, or a link to a user)
is not named by some source.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.utils.translation import gettext_lazy as _


class Retention:
    """Retention categories; each period counts from the end of the edition (or from the
    event for the audit trail), in days. `None` keeps data until the person deletes it.
    Deployments may override any period with the `RETENTION_DAYS` setting."""

    ACCOUNT = "account"
    REGISTRATION = "registration"
    CONTEST = "contest"
    CONTRIBUTION = "contribution"
    REPORT = "report"
    ORGANISER = "organiser"
    AUDIT = "audit"
    DELIVERY = "delivery"
    NONE = "none"

    DEFAULT_DAYS = {
        ACCOUNT: None,
        REGISTRATION: 180,
        CONTEST: 365,
        CONTRIBUTION: 365,
        REPORT: 730,
        ORGANISER: 365,
        AUDIT: 3 * 365,
        DELIVERY: 30,
        NONE: 0,
    }
    LABELS = {
        ACCOUNT: _("Until you delete your account"),
        REGISTRATION: _("Registrations and check-ins: 180 days after the edition ends"),
        CONTEST: _("Contest attempts and results: one year after the edition ends"),
        CONTRIBUTION: _("Entries and votes: one year after the edition ends"),
        REPORT: _("Reports to the tip line: two years after they are closed"),
        ORGANISER: _("Organiser contact details: one year after the edition ends"),
        AUDIT: _("Audit and access records: three years"),
        DELIVERY: _("Records of mails sent to you: 30 days after they are sent"),
        NONE: _("Not kept: processed in memory only"),
    }

    @classmethod
    def days(cls, category: str) -> int | None:
        overrides = getattr(settings, "RETENTION_DAYS", {}) or {}
        return overrides.get(category, cls.DEFAULT_DAYS[category])

    @classmethod
    def cutoff(cls, category: str, today: date) -> date | None:
        """Data of this category that ended before this day is due (None: keep it)."""
        days = cls.days(category)
        return None if days is None else today - timedelta(days=days)


def field_label(model, name: str) -> str:
    """The export's label for a field: its verbose name, in the reader's language."""
    return str(model._meta.get_field(name).verbose_name)


def iso(value) -> str:
    return value.isoformat() if value else ""


@dataclass(frozen=True)
class PersonalDataSource:
    """One kind of personal information an app holds.

    - `export(user)` returns what the platform holds about `user`, as a list of dicts of
      plain values (strings, numbers, ISO dates), labelled for a person to read.
    - `erase(user)` erases or anonymises it so nothing left identifies `user`, keeping
      aggregate counts right; it is idempotent and returns how many records it changed.
    - `purge(today, dry_run)`, when the category has a period, deletes or anonymises what is
      due on `today` and returns how many records that is (only counts on a dry run).
    - `exempt_fields` maps `app.model.field` to why that field is not in the export (the
      person themselves, a keyed digest of a value that is exported, a secret). Every other
      field of `models` is exported under its verbose name (`field_label`): a test holds
      the download to that, so a new field is exported or argued. The reasons are for
      reviewers of the code, in English, and are not shown to people.
    """

    key: str
    label: str
    origin: str
    retention: str
    models: tuple[str, ...]
    export: Callable[[object], list[dict]]
    erase: Callable[[object], int]
    purge: Callable[..., int] | None = None
    purpose: str = ""
    exempt_fields: dict[str, str] = field(default_factory=dict)

    def purge_due(self, *, today: date, dry_run: bool) -> int:
        if self.purge is None:
            return 0
        return self.purge(today=today, dry_run=dry_run)


# --- What core itself holds: the audit trail, and Django admin's change log -------------
def _export_audit(user) -> list[dict]:
    from django.contrib.admin.models import LogEntry

    from .models import AuditEvent

    def label(name):
        return field_label(AuditEvent, name)

    def admin(name):
        return field_label(LogEntry, name)

    events = [
        {
            label("created_at"): e.created_at.isoformat(),
            label("action"): e.action,
            label("outcome"): e.get_outcome_display(),
            label("target_type"): e.target_type,
            label("target_id"): e.target_id,
            label("region_code"): e.region_code,
            label("details"): e.details,
        }
        for e in AuditEvent.objects.filter(actor=user).order_by("created_at")
    ]
    changes = [
        {
            admin("action_time"): e.action_time.isoformat(),
            admin("content_type"): str(e.content_type) if e.content_type_id else "",
            admin("object_id"): e.object_id or "",
            admin("object_repr"): e.object_repr,
            admin("action_flag"): e.get_action_flag_display(),
            admin("change_message"): e.get_change_message(),
        }
        for e in LogEntry.objects.filter(user=user).select_related("content_type")
    ]
    return events + changes


def _erase_audit(user) -> int:
    from django.contrib.admin.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    from .models import AuditEvent

    # The record of what was done stays (counts, accountability); who did it does not.
    changed = AuditEvent.objects.filter(actor=user).update(actor=None)
    user_type = ContentType.objects.get_for_model(type(user))
    changed += LogEntry.objects.filter(content_type=user_type, object_id=str(user.pk)).update(
        object_repr=f"#{user.pk}"
    )
    return changed


def _purge_audit(*, today, dry_run) -> int:
    from django.contrib.admin.models import LogEntry

    from .models import AuditEvent

    cutoff = Retention.cutoff(Retention.AUDIT, today)
    due = [
        AuditEvent.objects.filter(created_at__date__lt=cutoff),
        LogEntry.objects.filter(action_time__date__lt=cutoff),
    ]
    if dry_run:
        return sum(q.count() for q in due)
    return sum(q.delete()[0] for q in due)


def _addressed_to(user):
    from .models import OutboxMessage

    return OutboxMessage.objects.filter(payload__user_id=user.pk)


def _export_outbox(user) -> list[dict]:
    return [
        {
            str(_("created")): m.created_at.isoformat(),
            str(_("kind")): m.kind.rsplit(".", 1)[-1],
            str(_("status")): str(m.get_status_display()),
        }
        for m in _addressed_to(user).order_by("created_at")[:1000]
    ]


def _erase_outbox(user) -> int:
    # Nothing more is sent to an erased person; the record of what was sent goes too.
    return _addressed_to(user).delete()[0]


def purge_delivered_mail(*, today, dry_run) -> int:
    from .models import OutboxMessage

    due = OutboxMessage.objects.filter(
        status__in=[OutboxMessage.Status.SENT, OutboxMessage.Status.SKIPPED],
        finished_at__date__lt=Retention.cutoff(Retention.DELIVERY, today),
    )
    return due.count() if dry_run else due.delete()[0]


SOURCES = [
    PersonalDataSource(
        key="core.outbox",
        label=_("Mails the platform sent you"),
        origin=_("Written when something you did or were part of called for a mail."),
        retention=Retention.DELIVERY,
        models=("core.outboxmessage",),
        export=_export_outbox,
        erase=_erase_outbox,
        purge=purge_delivered_mail,
        purpose=_("Delivering mails reliably, and knowing whether they went out."),
        exempt_fields={
            "core.outboxmessage.payload": "Ids of the records the mail was about, and you.",
            "core.outboxmessage.private_payload": (
                "The address and text while a mail waits; emptied once it is sent."
            ),
            "core.outboxmessage.attempts": "How many tries delivery took.",
            "core.outboxmessage.next_attempt_at": "When delivery is tried next.",
            "core.outboxmessage.last_error": "The mail server's last refusal, masked.",
            "core.outboxmessage.finished_at": "When the mail went out.",
        },
    ),
    PersonalDataSource(
        key="core.audit",
        label=_("Actions you took as an organiser"),
        origin=_("Recorded by the platform when you changed or were refused something."),
        retention=Retention.AUDIT,
        models=("core.auditevent", "admin.logentry"),
        export=_export_audit,
        erase=_erase_audit,
        purge=_purge_audit,
        purpose=_("Accountability of organisers and staff."),
        exempt_fields={
            "core.auditevent.actor": "You: every record listed is one of your actions.",
            "admin.logentry.user": "You: every record listed is one of your changes.",
        },
    ),
]
