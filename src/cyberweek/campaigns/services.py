"""Every state change of a campaign: creating and editing it, joining activities to it,
recruiting its volunteers, their tasks and hours, and certificates of service.

Organisers act with `campaigns.manage` on the campaign's region; volunteers act on their
own volunteering only. Each use case locks the row it decides on, checks, changes and
audits in one transaction (`core.transactions.service`)."""

from datetime import date
from decimal import Decimal, InvalidOperation

from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from cyberweek.accounts.queries import account_to_appoint
from cyberweek.activities import queries as activity_queries
from cyberweek.activities.services import activity_window
from cyberweek.core import audit, certificates, outbox
from cyberweek.core.errors import (
    Conflict,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from cyberweek.core.permissions import has_scope, require_scope
from cyberweek.core.screening import screen_text
from cyberweek.core.transactions import service
from cyberweek.geo.models import Region, Sector

from . import actions, mail
from .models import Campaign, CampaignActivity, ServiceCertificate, Volunteer, VolunteerTask

GOALS = ("goal_activities", "goal_participants", "goal_regions")
MAX_GOAL = 100_000_000
CAMPAIGN_FIELDS = (
    "slug",
    "title",
    "title_en",
    "summary",
    "summary_en",
    "kind",
    "sectors",
    "region",
    "starts_on",
    "ends_on",
    *GOALS,
    "is_published",
)
MAX_TASK_HOURS = Decimal(24)
MAX_NAME_CHARS = 60


# --- Campaigns ---------------------------------------------------------------------------
def campaign_problems(campaign: Campaign) -> list[tuple[str, str]]:
    """Every rule `campaign` breaks, as (field, message): the form and the API show them all."""
    problems = []
    for name in GOALS:
        value = getattr(campaign, name)
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            problems.append((name, _("A goal must be a whole number of at least 1.")))
        elif value > MAX_GOAL:
            problems.append((name, _("A goal can be at most 100,000,000.")))
    if campaign.kind not in Campaign.Kind.values:
        problems.append(("kind", _("Choose a kind of campaign.")))
    if not isinstance(campaign.sectors, list) or set(campaign.sectors) - set(Sector.values):
        problems.append(("sectors", _("Choose sectors from the nine sectors.")))
    if not (campaign.title or "").strip():
        problems.append(("title", _("Give the campaign a title.")))
    if campaign.starts_on and campaign.ends_on:
        first, last = activity_window(campaign.edition)
        if campaign.ends_on < campaign.starts_on:
            problems.append(("ends_on", _("A campaign must end on or after its first day.")))
        elif campaign.starts_on < first or campaign.ends_on > last:
            problems.append(
                (
                    "starts_on",
                    _("A campaign of the %(year)s edition runs within %(first)s to %(last)s.")
                    % {"year": campaign.edition.year, "first": first, "last": last},
                )
            )
    return problems


def _assign(campaign: Campaign, data: dict) -> None:
    for name in CAMPAIGN_FIELDS:
        if name in data:
            setattr(campaign, name, data[name])
    campaign.summary = screen_text(campaign.summary or "").public_text
    campaign.summary_en = screen_text(campaign.summary_en or "").public_text
    campaign.sectors = (
        sorted(set(campaign.sectors or []))
        if isinstance(campaign.sectors, list)
        else campaign.sectors
    )


def _save(actor, campaign: Campaign, action: str) -> Campaign:
    if not isinstance(campaign.region, Region) or not campaign.region.is_active:
        raise ValidationFailed(_("Choose a current region."), field="region")
    require_scope(actor, action=actions.MANAGE, region=campaign.region)
    problems = campaign_problems(campaign)
    if problems:
        raise ValidationFailed(problems[0][1], errors=problems)
    clash = Campaign.objects.filter(edition=campaign.edition, slug=campaign.slug)
    if clash.exclude(pk=campaign.pk).exists():
        raise Conflict(_("Another campaign of this edition has this short name."), field="slug")
    campaign.region_path = campaign.region.path
    campaign.save()
    audit.record(actor, action, campaign, region=campaign.region)
    return campaign


@service
def create_campaign(*, actor, edition, data: dict) -> Campaign:
    """An organiser creates a campaign for a region in their scope."""
    campaign = Campaign(edition=edition, created_by=actor)
    _assign(campaign, data)
    return _save(actor, campaign, "campaigns.created")


def _locked(campaign_id: int) -> Campaign:
    campaign = (
        Campaign.objects.select_for_update()
        .select_related("region", "edition")
        .filter(pk=campaign_id)
        .first()
    )
    if campaign is None:
        raise NotFound(_("No such campaign."))
    return campaign


@service
def update_campaign(*, actor, campaign_id: int, data: dict) -> Campaign:
    """Edit a campaign; the actor must cover its region before and after."""
    campaign = _locked(campaign_id)
    require_scope(actor, action=actions.MANAGE, region=campaign.region)
    _assign(campaign, data)
    return _save(actor, campaign, "campaigns.updated")


@service
def add_activity(*, actor, campaign_id: int, activity_id: int) -> CampaignActivity:
    """Join an activity to a campaign. The actor runs the campaign and sees the activity;
    the activity is of the campaign's edition, in its region and sectors, and starts within
    its window. Any stage may join (a planned activity too); only approved ones count."""
    campaign = _locked(campaign_id)
    require_scope(actor, action=actions.MANAGE, region=campaign.region)
    activity = activity_queries.activity_for_link(activity_id)
    if activity is None or not has_scope(
        actor, action="activities.view", region=activity.region, sector=activity.sector
    ):
        raise NotFound(_("No activity with that number in your region."), field="activity")
    if activity.edition_id != campaign.edition_id:
        raise ValidationFailed(_("The activity belongs to another edition."), field="activity")
    if not activity.region_path.startswith(campaign.region_path):
        raise ValidationFailed(
            _("The activity is outside the campaign's region (%(region)s).")
            % {"region": campaign.region},
            field="activity",
        )
    if campaign.sectors and activity.sector not in campaign.sectors:
        raise ValidationFailed(
            _("The activity's sector is not one of the campaign's."), field="activity"
        )
    start = timezone.localdate(activity.starts_at)
    if not campaign.starts_on <= start <= campaign.ends_on:
        raise ValidationFailed(
            _("The activity starts outside the campaign's days (%(first)s to %(last)s).")
            % {"first": campaign.starts_on, "last": campaign.ends_on},
            field="activity",
        )
    link, created = CampaignActivity.objects.get_or_create(
        campaign=campaign, activity_id=activity.pk, defaults={"added_by": actor}
    )
    if not created:
        raise Conflict(_("The activity is already part of this campaign."), field="activity")
    audit.record(
        actor, "campaigns.activity_added", campaign, region=campaign.region, activity=activity.pk
    )
    return link


@service
def remove_activity(*, actor, campaign_id: int, activity_id: int) -> None:
    campaign = _locked(campaign_id)
    require_scope(actor, action=actions.MANAGE, region=campaign.region)
    deleted, _rows = CampaignActivity.objects.filter(
        campaign=campaign, activity_id=activity_id
    ).delete()
    if not deleted:
        raise NotFound(_("The activity is not part of this campaign."))
    audit.record(
        actor, "campaigns.activity_removed", campaign, region=campaign.region, activity=activity_id
    )


# --- Volunteers --------------------------------------------------------------------------
@service
def invite_volunteer(*, actor, campaign_id: int, email: str) -> Volunteer:
    """An organiser of the campaign invites an existing account; the person accepts or
    declines on their volunteering page (they are told by mail, through the outbox)."""
    campaign = _locked(campaign_id)
    require_scope(actor, action=actions.MANAGE, region=campaign.region)
    user = account_to_appoint(email)
    volunteer, created = Volunteer.objects.get_or_create(
        campaign=campaign, user=user, defaults={"invited_by": actor}
    )
    if not created:
        if volunteer.status != Volunteer.Status.DECLINED:
            raise Conflict(_("This person is already invited to this campaign."), field="email")
        volunteer.status = Volunteer.Status.INVITED
        volunteer.invited_by = actor
        volunteer.responded_at = None
        volunteer.save(update_fields=["status", "invited_by", "responded_at", "updated_at"])
    outbox.enqueue(mail.send_invitation, volunteer_id=volunteer.pk)
    audit.record(actor, "campaigns.volunteer_invited", volunteer, region=campaign.region)
    return volunteer


def _own_volunteering(actor, volunteer_id: int) -> Volunteer:
    volunteer = (
        Volunteer.objects.select_for_update()
        .select_related("campaign", "campaign__edition")
        .filter(pk=volunteer_id, user_id=getattr(actor, "pk", None))
        .first()
    )
    if volunteer is None:
        raise NotFound(_("You have no such invitation."))
    return volunteer


@service
def respond_to_invitation(*, actor, volunteer_id: int, accept: bool) -> Volunteer:
    """The invited person accepts or declines."""
    volunteer = _own_volunteering(actor, volunteer_id)
    if volunteer.status != Volunteer.Status.INVITED:
        raise InvalidTransition(_("You have answered this invitation already."))
    volunteer.status = Volunteer.Status.ACTIVE if accept else Volunteer.Status.DECLINED
    volunteer.responded_at = timezone.now()
    volunteer.save(update_fields=["status", "responded_at", "updated_at"])
    audit.record(
        actor,
        "campaigns.invitation_accepted" if accept else "campaigns.invitation_declined",
        volunteer,
    )
    return volunteer


def _hours(value) -> Decimal:
    try:
        hours = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationFailed(
            _("Give the hours as a number, such as 2.5."), field="hours"
        ) from None
    if not hours.is_finite() or hours <= 0 or hours > MAX_TASK_HOURS:
        raise ValidationFailed(_("Hours on one day are more than 0 and at most 24."), field="hours")
    if (hours * 4) % 1:
        raise ValidationFailed(_("Give the hours in quarters of an hour."), field="hours")
    return hours


@service
def record_task(
    *, actor, volunteer_id: int, description: str, worked_on: date, hours, today=None
) -> VolunteerTask:
    """A volunteer records a task and its hours; an organiser confirms them later."""
    volunteer = _own_volunteering(actor, volunteer_id)
    if volunteer.status != Volunteer.Status.ACTIVE:
        raise InvalidTransition(_("Accept the invitation before recording tasks."))
    hours = _hours(hours)
    text = (description or "").strip()
    if not text:
        raise ValidationFailed(_("Say what you did."), field="description")
    if len(text) > 300:
        raise ValidationFailed(
            _("Describe the task in at most 300 characters."), field="description"
        )
    campaign = volunteer.campaign
    today = today or timezone.localdate()
    if not campaign.starts_on <= worked_on <= campaign.ends_on:
        raise ValidationFailed(
            _("The day must fall within the campaign, %(first)s to %(last)s.")
            % {"first": campaign.starts_on, "last": campaign.ends_on},
            field="worked_on",
        )
    if worked_on > today:
        raise ValidationFailed(_("Record a task once it is done."), field="worked_on")
    day_total = (
        VolunteerTask.objects.filter(volunteer=volunteer, worked_on=worked_on)
        .exclude(status=VolunteerTask.Status.RETURNED)
        .aggregate(total=Sum("hours"))["total"]
        or 0
    )
    if day_total + hours > MAX_TASK_HOURS:
        raise ValidationFailed(
            _("You have recorded %(hours)s hours on that day already; a day has 24.")
            % {"hours": day_total},
            field="hours",
        )
    task = VolunteerTask.objects.create(
        volunteer=volunteer,
        description=screen_text(text).public_text,
        worked_on=worked_on,
        hours=hours,
    )
    audit.record(actor, "campaigns.task_recorded", task, hours=str(hours))
    return task


@service
def decide_task(*, actor, task_id: int, confirm: bool, comment: str = "") -> VolunteerTask:
    """An organiser of the campaign confirms a recorded task, or returns it with a reason.
    Nobody confirms their own hours."""
    task = (
        VolunteerTask.objects.select_for_update()
        .select_related("volunteer__campaign__region")
        .filter(pk=task_id)
        .first()
    )
    if task is None:
        raise NotFound(_("No such task."))
    campaign = task.volunteer.campaign
    require_scope(actor, action=actions.MANAGE, region=campaign.region)
    if task.volunteer.user_id == actor.pk:
        raise PermissionDenied(_("Another organiser confirms your own hours."))
    if task.status != VolunteerTask.Status.RECORDED:
        raise InvalidTransition(_("This task has been decided already."))
    comment = screen_text((comment or "").strip()[:300]).public_text
    if not confirm and not comment:
        raise ValidationFailed(_("Say why the task is not confirmed."), field="comment")
    task.status = VolunteerTask.Status.CONFIRMED if confirm else VolunteerTask.Status.RETURNED
    task.decided_by = actor
    task.decided_at = timezone.now()
    task.comment = comment
    task.save(update_fields=["status", "decided_by", "decided_at", "comment"])
    audit.record(
        actor,
        "campaigns.task_confirmed" if confirm else "campaigns.task_returned",
        task,
        region=campaign.region,
    )
    return task


def confirmed_hours(volunteer: Volunteer) -> Decimal:
    total = volunteer.tasks.filter(status=VolunteerTask.Status.CONFIRMED).aggregate(
        total=Sum("hours")
    )["total"]
    return total or Decimal(0)


@service
def issue_certificate(*, actor, volunteer_id: int, holder_name: str) -> ServiceCertificate:
    """A volunteer asks for their certificate of service, with the name to print on it.
    It states the hours confirmed so far; asking again updates the hours and the name and
    keeps the code, so a printed copy's QR code still verifies."""
    volunteer = _own_volunteering(actor, volunteer_id)
    name = " ".join((holder_name or "").split())
    if not name:
        raise ValidationFailed(_("Give the name to print on the certificate."), field="holder_name")
    if len(name) > MAX_NAME_CHARS:
        raise ValidationFailed(_("The name can be at most 60 characters."), field="holder_name")
    hours = confirmed_hours(volunteer)
    if hours <= 0:
        raise InvalidTransition(
            _("A certificate states confirmed hours: an organiser has confirmed none yet.")
        )
    certificate = ServiceCertificate.objects.filter(volunteer=volunteer).first()
    if certificate is None:
        certificate = ServiceCertificate(volunteer=volunteer, code=certificates.new_code())
    certificate.holder_name = name
    certificate.hours = hours
    certificate.issued_at = timezone.now()
    certificate.save()
    audit.record(actor, "campaigns.certificate_issued", certificate, hours=str(hours))
    return certificate
