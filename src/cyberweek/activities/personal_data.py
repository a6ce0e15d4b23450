"""What the activities app holds about a person (see core/personal_data.py).

- The contact person of an activity (name and phone, encrypted) and who registered it:
  the organiser's own data, kept one year after the edition ends, then blanked.
- The steps an organiser took in the workflow (who approved, returned, verified): kept
  with the activity's history for the audit period, then the name is removed from them.

Erasing a person blanks the contact details of the activities they registered, keeps only
the screened (masked) copies of what they wrote, and removes their name from every step;
the activities themselves, their counts and reach stay.
"""

from datetime import date, datetime, time, timedelta

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cyberweek.core.personal_data import PersonalDataSource, Retention

from .models import Activity, ActivityStep


def _export_contacts(user) -> list[dict]:
    return [
        {
            str(_("activity")): a.title,
            str(_("region")): a.region.code,
            str(_("status")): a.get_status_display(),
            str(_("contact name")): a.contact_name,
            str(_("contact phone")): a.contact_phone,
            str(_("registered")): a.created_at.isoformat(),
        }
        for a in Activity.objects.filter(created_by=user).select_related("region").order_by("pk")
    ]


def _erase_contacts(user) -> int:
    """Blank the contact and keep only the screened texts: what the person wrote may name
    them, and the masked copies are what the public already sees."""
    changed = 0
    for activity in Activity.objects.filter(created_by=user).only(
        "pk", "public_description", "public_outcome_summary"
    ):
        Activity.objects.filter(pk=activity.pk).update(
            contact_name=None,
            contact_phone=None,
            created_by=None,
            description=activity.public_description,
            outcome_summary=activity.public_outcome_summary,
            # The words masked by hand are names; the masked copies no longer need them.
            hand_masks="",
        )
        changed += 1
    return changed


def _ended_before(today: date, days: int) -> Q:
    return Q(edition__ends_on__lt=today - timedelta(days=days))


def _purge_contacts(*, today: date, dry_run: bool) -> int:
    days = Retention.days(Retention.ORGANISER)
    if days is None:
        return 0
    # Encrypted columns cannot be compared; an erased contact is NULL.
    due = Activity.objects.filter(_ended_before(today, days), contact_name__isnull=False)
    count = due.count()
    if not dry_run:
        due.update(contact_name=None, contact_phone=None, created_by=None)
    return count


def _export_steps(user) -> list[dict]:
    return [
        {
            str(_("activity")): s.activity.title,
            str(_("step")): s.get_action_display(),
            str(_("when")): s.created_at.isoformat(),
            str(_("comment")): s.comment,
        }
        for s in ActivityStep.objects.filter(actor=user).select_related("activity").order_by("pk")
    ]


def _erase_steps(user) -> int:
    return ActivityStep.objects.filter(actor=user).update(actor=None)


def _purge_steps(*, today: date, dry_run: bool) -> int:
    days = Retention.days(Retention.AUDIT)
    if days is None:
        return 0
    cutoff = timezone.make_aware(datetime.combine(today, time.min))
    due = ActivityStep.objects.filter(actor__isnull=False, created_at__lt=cutoff - timedelta(days))
    count = due.count()
    if not dry_run:
        due.update(actor=None)
    return count


SOURCES = [
    PersonalDataSource(
        key="activities.contacts",
        label=_("Activities you registered, with their contact details"),
        origin=_("Entered by you, or by an organiser of your region, when registering it"),
        retention=Retention.ORGANISER,
        models=("activities.activity",),
        export=_export_contacts,
        erase=_erase_contacts,
        purge=_purge_contacts,
        purpose=_("So that the organisers above can reach whoever runs the activity."),
    ),
    PersonalDataSource(
        key="activities.workflow",
        label=_("Your steps in the review of local activities"),
        origin=_("Recorded when you submitted, reviewed, reported or verified an activity"),
        retention=Retention.AUDIT,
        models=("activities.activitystep",),
        export=_export_steps,
        erase=_erase_steps,
        purge=_purge_steps,
        purpose=_("The responsibility system: who decided what, and when."),
    ),
]
