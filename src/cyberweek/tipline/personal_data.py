"""What the tip line holds about people (see core/personal_data.py).

Reports are anonymous: no account is linked to one, and the reporter follows it with the
receipt code, of which only a keyed digest is kept. What a reporter wrote and the
screenshots they sent may still name them or a victim, so they are encrypted, shown to
volunteers masked, and unmasked only through the access-logged reveal. A reporter who
withdraws a report with its receipt (`services.withdrawal.withdraw_report`, while it is
still being checked) erases all of that at once: the description as written and masked, the link or
number as written and the screenshots; a cluster nobody else reported goes with it, canonical
link included. Reports are kept
`Retention.REPORT` days (two years) after they are closed, and reports nobody closed as
long after they were filed; the clusters' counts and the confirmed threats stay, naming no
one.

Volunteers: their scopes, the triage steps they took and their votes. Erasing an account
ends its scopes and keeps its steps and votes without the name, so the history of each
report stays whole.
"""

from datetime import datetime, time

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cyberweek.core.personal_data import PersonalDataSource, Retention, field_label, iso

from .models import Evidence, Report, TriageStep, Volunteer, Vote

ANONYMOUS = "Written or sent by an anonymous reporter; linked to no account."


def _roles(report, user) -> str:
    roles = []
    if report.claimed_by_id == user.pk:
        roles.append(str(_("claimed")))
    if report.confirmed_by_id == user.pk:
        roles.append(str(_("confirmed")))
    if report.escalated_by_id == user.pk:
        roles.append(str(_("confirmed again and escalated")))
    return ", ".join(roles)


def _triaged_by(user):
    return Report.objects.filter(
        Q(claimed_by=user) | Q(confirmed_by=user) | Q(escalated_by=user)
    ).select_related("region")


def _export_reports(user) -> list[dict]:
    def label(name):
        return field_label(Report, name)

    return [
        {
            str(_("report")): r.pk,
            label("kind"): r.get_kind_display(),
            label("region"): str(r.region),
            label("status"): r.get_status_display(),
            label("claimed_by"): _roles(r, user),
            label("confirmed_by"): str(_("you")) if r.confirmed_by_id == user.pk else "",
            label("escalated_by"): str(_("you")) if r.escalated_by_id == user.pk else "",
            label("created_at"): iso(r.created_at),
            label("updated_at"): iso(r.updated_at),
            label("closed_at"): iso(r.closed_at),
        }
        for r in _triaged_by(user).order_by("pk")
    ]


def _erase_reports(user) -> int:
    changed = 0
    for name in ("claimed_by", "confirmed_by", "escalated_by"):
        changed += Report.objects.filter(**{name: user}).update(**{name: None})
    return changed


def _purge_reports(*, today, dry_run: bool) -> int:
    cutoff = Retention.cutoff(Retention.REPORT, today)
    if cutoff is None:
        return 0
    before = timezone.make_aware(datetime.combine(cutoff, time.min))
    due = Report.objects.filter(
        Q(closed_at__lt=before) | Q(closed_at__isnull=True, created_at__lt=before)
    )
    if dry_run:
        return due.count()
    # Evidence, links to clusters, steps and votes go with their report (CASCADE).
    return due.delete()[0]


def _export_triage(user) -> list[dict]:
    def step(name):
        return field_label(TriageStep, name)

    def vote(name):
        return field_label(Vote, name)

    steps = [
        {
            step("report"): s.report_id,
            step("action"): s.get_action_display(),
            step("comment"): s.comment,
            step("created_at"): iso(s.created_at),
        }
        for s in TriageStep.objects.filter(actor=user).order_by("pk")
    ]
    votes = [
        {
            vote("report"): v.report_id,
            vote("choice"): v.get_choice_display(),
            vote("created_at"): iso(v.created_at),
        }
        for v in Vote.objects.filter(volunteer=user).order_by("pk")
    ]
    return steps + votes


def _erase_triage(user) -> int:
    # Each report's history stays whole (how it was decided), without who decided.
    return TriageStep.objects.filter(actor=user).update(actor=None) + Vote.objects.filter(
        volunteer=user
    ).update(volunteer=None)


def _export_volunteers(user) -> list[dict]:
    def label(name):
        return field_label(Volunteer, name)

    return [
        {
            label("region"): str(v.region),
            label("recruited_by"): v.recruited_by.masked_name if v.recruited_by else "",
            label("is_active"): v.is_active,
            label("created_at"): iso(v.created_at),
            label("updated_at"): iso(v.updated_at),
        }
        for v in Volunteer.objects.filter(user=user).select_related("region", "recruited_by")
    ]


def _erase_volunteers(user) -> int:
    changed = Volunteer.objects.filter(recruited_by=user).update(recruited_by=None)
    return changed + Volunteer.objects.filter(user=user).delete()[0]


def _purge_volunteers(*, today, dry_run: bool) -> int:
    cutoff = Retention.cutoff(Retention.ORGANISER, today)
    if cutoff is None:
        return 0
    due = Volunteer.objects.filter(is_active=False, updated_at__date__lt=cutoff)
    return due.count() if dry_run else due.delete()[0]


SOURCES = [
    PersonalDataSource(
        key="tipline.reports",
        label=_("Tip line reports you triaged"),
        origin=_(
            "Reports are filed anonymously; the reports listed are those you claimed, "
            "confirmed or escalated as a volunteer. A reporter may withdraw a report with "
            "its receipt while it is checked, which erases what they sent."
        ),
        retention=Retention.REPORT,
        models=("tipline.report", "tipline.evidence", "tipline.reportobservable"),
        export=_export_reports,
        erase=_erase_reports,
        purge=_purge_reports,
        purpose=_("Checking reports of fraud and phishing and passing threats to CERT teams."),
        exempt_fields={
            "tipline.report.reported_value": ANONYMOUS,
            "tipline.report.original_text": ANONYMOUS,
            "tipline.report.masked_text": ANONYMOUS,
            "tipline.report.masked_types": ANONYMOUS,
            "tipline.report.receipt_digest": "A keyed digest of the reporter's receipt.",
            "tipline.report.province_code": "The province of the region, which is exported.",
            "tipline.report.duplicate_of": "Another report's number.",
            **{
                f"tipline.evidence.{f.name}": ANONYMOUS
                for f in Evidence._meta.concrete_fields
                if not f.primary_key
            },
            "tipline.reportobservable.report": "Links a report to a threat cluster.",
            "tipline.reportobservable.cluster": "Links a report to a threat cluster.",
        },
    ),
    PersonalDataSource(
        key="tipline.triage",
        label=_("Your triage steps and votes on the tip line"),
        origin=_("Recorded when you claimed, decided or voted on a report as a volunteer."),
        retention=Retention.REPORT,
        models=("tipline.triagestep", "tipline.vote"),
        export=_export_triage,
        erase=_erase_triage,
        purpose=_("Showing how each report was decided, and by how many volunteers."),
        exempt_fields={
            "tipline.triagestep.actor": "You.",
            "tipline.vote.volunteer": "You.",
        },
    ),
    PersonalDataSource(
        key="tipline.volunteers",
        label=_("Where you volunteer for the tip line"),
        origin=_("An organiser recruited you as a volunteer for a region."),
        retention=Retention.ORGANISER,
        models=("tipline.volunteer",),
        export=_export_volunteers,
        erase=_erase_volunteers,
        purge=_purge_volunteers,
        purpose=_("Deciding which reports you may triage."),
        exempt_fields={"tipline.volunteer.user": "You."},
    ),
]
