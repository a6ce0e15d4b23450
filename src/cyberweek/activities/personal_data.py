"""What the activities app holds about a person (see core/personal_data.py).

- The contact person of an activity (name and phone, encrypted) and who registered it:
  the organiser's own data, kept one year after the edition ends, then blanked.
- The steps an organiser took in the workflow (who approved, returned, verified): kept
  with the activity's history for the audit period, then the name is removed from them.

Erasing a person blanks the contact details of the activities they registered, keeps only
the screened (masked) copies of what they wrote, and removes their name from every step;
the activities themselves, their counts and reach stay. The retention purge does the same
to the activity (contact blanked, only the masked texts kept) but keeps the link to who
registered it, so that person's download and a later deletion of their account reach it.
"""

from datetime import date, datetime, time, timedelta

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cyberweek.core.personal_data import PersonalDataSource, Retention, field_label, iso

from .models import Activity, ActivityStep


def _export_contacts(user) -> list[dict]:
    def label(name):
        return field_label(Activity, name)

    return [
        {
            label("title"): a.title,
            label("region"): a.region.code,
            label("status"): a.get_status_display(),
            label("contact_name"): a.contact_name or "",
            label("contact_phone"): a.contact_phone or "",
            label("description"): a.description,
            label("outcome_summary"): a.outcome_summary,
            label("venue_address"): a.venue_address,
            label("starts_at"): iso(a.starts_at),
            label("ends_at"): iso(a.ends_at),
            label("created_at"): iso(a.created_at),
            label("updated_at"): iso(a.updated_at),
        }
        for a in Activity.objects.filter(created_by=user).select_related("region").order_by("pk")
    ]


_ABOUT_THE_ACTIVITY = (
    "What the activity is and how it went, shown on its public page: about the activity, "
    "not about you."
)
CONTACTS_NOT_EXPORTED = {
    "activities.activity.created_by": "You: every activity listed is one you registered.",
    "activities.activity.hand_masks": (
        "Words you asked to be masked in the public text; the masked text is listed."
    ),
    **{
        f"activities.activity.{name}": _ABOUT_THE_ACTIVITY
        for name in (
            "edition",
            "themed_day",
            "title_en",
            "public_description",
            "sector",
            "region_path",
            "format",
            "latitude",
            "longitude",
            "online_url",
            "audience",
            "expected_reach",
            "public_registration",
            "capacity",
            "is_public",
            "search_text",
            "participants",
            "online_reach",
            "public_outcome_summary",
            "outcome_reported_at",
        )
    },
}


def _keep_only_masked_texts(activities, **also) -> int:
    """Blank the contact and replace what was written by its screened copy: the original
    may name people (the organiser, a speaker, a home address), and the masked copy is what
    the public already sees. Row by row, because each keeps its own copy."""
    changed = 0
    for activity in activities.only("pk", "public_description", "public_outcome_summary"):
        Activity.objects.filter(pk=activity.pk).update(
            contact_name=None,
            contact_phone=None,
            description=activity.public_description,
            outcome_summary=activity.public_outcome_summary,
            # The words masked by hand are names; the masked copies no longer need them.
            hand_masks="",
            **also,
        )
        changed += 1
    return changed


def _erase_contacts(user) -> int:
    return _keep_only_masked_texts(Activity.objects.filter(created_by=user), created_by=None)


def _ended_before(today: date, days: int) -> Q:
    return Q(edition__ends_on__lt=today - timedelta(days=days))


def _purge_contacts(*, today: date, dry_run: bool) -> int:
    days = Retention.days(Retention.ORGANISER)
    if days is None:
        return 0
    # Encrypted columns cannot be compared; a purged (or erased) contact is NULL, and the
    # texts were replaced by their masked copies in the same update.
    due = Activity.objects.filter(_ended_before(today, days), contact_name__isnull=False)
    if dry_run:
        return due.count()
    # `created_by` stays: the person still finds the activity in their download, and
    # deleting their account still reaches it (the rules for who may review it use it too).
    return _keep_only_masked_texts(due)


def _status_label(code: str) -> str:
    return str(Activity.Status(code).label) if code in Activity.Status.values else code


def _export_steps(user) -> list[dict]:
    def label(name):
        return field_label(ActivityStep, name)

    return [
        {
            label("activity"): s.activity.title,
            label("action"): s.get_action_display(),
            label("from_status"): _status_label(s.from_status),
            label("to_status"): _status_label(s.to_status),
            label("created_at"): iso(s.created_at),
            label("comment"): s.comment,
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
        exempt_fields=CONTACTS_NOT_EXPORTED,
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
        exempt_fields={"activities.activitystep.actor": "You: every step listed is yours."},
    ),
]
