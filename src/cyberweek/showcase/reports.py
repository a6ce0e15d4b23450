"""The report button on entry pages, and what organisers do with reports.

Anyone may report a public entry, signed in or not: the limits are per connection (a
keyed digest of the address, never the address) and per connection and entry, on the
shared cache. The details pass the `pii` engine before an organiser reads them.
Organisers (`showcase.screen`) see open reports beside the screening queue and close them:
dismissed, or the entry is taken out of the gallery (returned to its entrant with the
reason, or rejected)."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cyberweek.core import audit, rate_limits
from cyberweek.core.errors import InvalidTransition, LimitReached, NotFound, ValidationFailed
from cyberweek.core.permissions import require_scope
from cyberweek.core.screening import screen_text
from cyberweek.core.transactions import service

from . import casting
from .actions import SCREEN
from .models import Entry, Report

REPORTS_PER_HOUR = 10
DETAILS_LIMIT = 1000
ENTRY_STATUS = {
    Report.Outcome.RETURNED: Entry.Status.RETURNED,
    Report.Outcome.REJECTED: Entry.Status.REJECTED,
}


@service
def report_entry(*, actor, entry_ref: str, reason: str, details: str = "", address: str):
    """File a report of a public (accepted) entry. One report per connection and entry a
    day; `REPORTS_PER_HOUR` per connection."""
    if reason not in Report.Reason.values:
        raise ValidationFailed(_("Choose a reason."), field="reason")
    details = (details or "").strip()
    if len(details) > DETAILS_LIMIT:
        raise ValidationFailed(
            _("At most %(limit)d characters.") % {"limit": DETAILS_LIMIT}, field="details"
        )
    if "\x00" in details:
        raise ValidationFailed(_("The text contains a NUL character."), field="details")
    if reason == Report.Reason.OTHER and not details:
        raise ValidationFailed(_("Say what is wrong with the entry."), field="details")
    entry = Entry.objects.filter(
        ref=entry_ref, status=Entry.Status.ACCEPTED, erased=False, contest__is_published=True
    ).first()
    if entry is None:
        raise NotFound(_("No such entry."))
    # The entry's report of the day is looked at first and used up last: a report the hourly
    # limit refuses must leave it, and a repeated report does not count against the hour.
    once = ("showcase-report-entry", f"{address}:{entry.pk}")
    already = _("You have already reported this entry today.")
    if not rate_limits.peek(*once, limit=1, window=86400).allowed:
        raise LimitReached(already)
    verdict = rate_limits.hit("showcase-report", address, limit=REPORTS_PER_HOUR, window=3600)
    if not verdict.allowed:
        raise LimitReached(
            _("Too many reports from your connection. Try again in %(minutes)s minutes.")
            % {"minutes": max(1, verdict.retry_after // 60)}
        )
    if not rate_limits.hit(*once, limit=1, window=86400).allowed:
        raise LimitReached(already)
    report = Report.objects.create(
        entry=entry,
        reporter=actor if getattr(actor, "is_authenticated", False) else None,
        reason=reason,
        details=screen_text(details).public_text,
    )
    audit.record(
        actor if getattr(actor, "is_authenticated", False) else None,
        "showcase.entry_reported",
        entry,
        reason=reason,
    )
    return report


@service
def close_report(*, actor, report_id: int, outcome: str, note: str = "", now=None) -> Report:
    """An organiser closes an open report. Returning or rejecting the entry takes it out of
    the gallery, tells the entrant the note, and closes the entry's other open reports."""
    require_scope(actor, action=SCREEN)
    now = now or timezone.now()
    report = Report.objects.select_for_update().filter(pk=report_id).first()
    if report is None:
        raise NotFound(_("No such report."))
    if outcome not in Report.Outcome.values or outcome == Report.Outcome.OPEN:
        raise ValidationFailed(_("Choose what to do."), field="outcome")
    if report.outcome != Report.Outcome.OPEN:
        raise InvalidTransition(_("This report is already closed."))
    note = " ".join((note or "").split())
    if len(note) > 300:
        raise ValidationFailed(_("At most %(limit)d characters.") % {"limit": 300}, field="note")
    closing = [report]
    if outcome in ENTRY_STATUS:
        if not note:
            raise ValidationFailed(_("Tell the entrant why."), field="note")
        entry = Entry.objects.select_for_update().get(pk=report.entry_id)
        if entry.status != Entry.Status.ACCEPTED:
            raise InvalidTransition(_("The entry is no longer in the gallery."))
        entry.status = ENTRY_STATUS[outcome]
        entry.screening_reason = note
        entry.screened_at = now
        entry.save(update_fields=["status", "screening_reason", "screened_at", "updated_at"])
        casting.votable_changed()
        audit.record(actor, f"showcase.entry_{outcome}", entry)
        closing = list(
            Report.objects.select_for_update().filter(entry=entry, outcome=Report.Outcome.OPEN)
        )
    for item in closing:
        item.outcome, item.note, item.closed_at = outcome, note, now
        item.save(update_fields=["outcome", "note", "closed_at"])
    audit.record(actor, "showcase.report_closed", report.entry, outcome=outcome)
    return report
