"""What campaigns hold about people (see core/personal_data.py).

Volunteers: the invitation and its answer, the tasks and hours they recorded, and their
certificate of service (the name on it is encrypted). Kept `Retention.CONTRIBUTION` (a
year after the edition ends); then, or when the person is erased, the certificate is
deleted, the volunteering row loses its person and the tasks their descriptions, so the
campaign keeps its count of volunteers and confirmed hours without naming anyone.

Organisers: the campaigns they created and the activities they joined to one; erasing
them removes their name from those rows.
"""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cyberweek.core.personal_data import PersonalDataSource, Retention, field_label, iso

from .models import Campaign, CampaignActivity, ServiceCertificate, Volunteer, VolunteerTask

YOU = "You."
LINK = "Links the row to your volunteering, which is exported with it."


def _export_volunteering(user) -> list[dict]:
    def v(name):
        return field_label(Volunteer, name)

    def t(name):
        return field_label(VolunteerTask, name)

    def c(name):
        return field_label(ServiceCertificate, name)

    records = []
    volunteering = Volunteer.objects.filter(user=user).select_related("campaign", "invited_by")
    for volunteer in volunteering.order_by("pk"):
        records.append(
            {
                v("campaign"): str(volunteer.campaign),
                v("status"): volunteer.get_status_display(),
                v("invited_by"): volunteer.invited_by.masked_name if volunteer.invited_by else "",
                v("responded_at"): iso(volunteer.responded_at),
                v("created_at"): iso(volunteer.created_at),
                v("updated_at"): iso(volunteer.updated_at),
            }
        )
        for task in volunteer.tasks.select_related("decided_by").order_by("pk"):
            records.append(
                {
                    t("description"): task.description,
                    t("worked_on"): iso(task.worked_on),
                    t("hours"): str(task.hours),
                    t("status"): task.get_status_display(),
                    t("decided_by"): task.decided_by.masked_name if task.decided_by else "",
                    t("decided_at"): iso(task.decided_at),
                    t("comment"): task.comment,
                    t("created_at"): iso(task.created_at),
                }
            )
        certificate = ServiceCertificate.objects.filter(volunteer=volunteer).first()
        if certificate is not None:
            records.append(
                {
                    c("code"): certificate.code,
                    c("holder_name"): certificate.holder_name,
                    c("hours"): str(certificate.hours),
                    c("issued_at"): iso(certificate.issued_at),
                }
            )
    return records


def _anonymise(volunteers) -> int:
    ids = list(volunteers.values_list("pk", flat=True))
    changed = ServiceCertificate.objects.filter(volunteer_id__in=ids).delete()[0]
    changed += VolunteerTask.objects.filter(volunteer_id__in=ids).update(description="")
    return changed + Volunteer.objects.filter(pk__in=ids).update(user=None)


def _erase_volunteering(user) -> int:
    changed = Volunteer.objects.filter(invited_by=user).update(invited_by=None)
    changed += VolunteerTask.objects.filter(decided_by=user).update(decided_by=None)
    return changed + _anonymise(Volunteer.objects.filter(user=user))


def _purge_volunteering(*, today, dry_run: bool) -> int:
    cutoff = Retention.cutoff(Retention.CONTRIBUTION, today)
    if cutoff is None:
        return 0
    due = Volunteer.objects.filter(campaign__edition__ends_on__lt=cutoff, user__isnull=False)
    return due.count() if dry_run else _anonymise(due)


def _export_campaigns(user) -> list[dict]:
    def c(name):
        return field_label(Campaign, name)

    def a(name):
        return field_label(CampaignActivity, name)

    created = [
        {
            c("title"): campaign.title,
            c("region"): str(campaign.region),
            c("created_at"): iso(campaign.created_at),
            c("updated_at"): iso(campaign.updated_at),
        }
        for campaign in Campaign.objects.filter(created_by=user).select_related("region")
    ]
    links = [
        {
            a("campaign"): str(link.campaign),
            a("activity"): link.activity_id,
            a("created_at"): iso(link.created_at),
        }
        for link in CampaignActivity.objects.filter(added_by=user).select_related("campaign")
    ]
    return created + links


def _erase_campaigns(user) -> int:
    return Campaign.objects.filter(created_by=user).update(
        created_by=None
    ) + CampaignActivity.objects.filter(added_by=user).update(added_by=None)


def _purge_campaigns(*, today, dry_run: bool) -> int:
    cutoff = Retention.cutoff(Retention.ORGANISER, today)
    if cutoff is None:
        return 0
    campaigns = Campaign.objects.filter(edition__ends_on__lt=cutoff, created_by__isnull=False)
    links = CampaignActivity.objects.filter(
        Q(campaign__edition__ends_on__lt=cutoff), added_by__isnull=False
    )
    if dry_run:
        return campaigns.count() + links.count()
    return campaigns.update(created_by=None) + links.update(added_by=None)


CAMPAIGN_CONTENT = "What the campaign publishes, the same for everyone; its title is exported."

SOURCES = [
    PersonalDataSource(
        key="campaigns.volunteering",
        label=_("Your volunteering for campaigns"),
        origin=_(
            "An organiser invited you to volunteer for a campaign; you answered, recorded "
            "your tasks and hours, and asked for a certificate of service."
        ),
        retention=Retention.CONTRIBUTION,
        models=("campaigns.volunteer", "campaigns.volunteertask", "campaigns.servicecertificate"),
        export=_export_volunteering,
        erase=_erase_volunteering,
        purge=_purge_volunteering,
        purpose=_("Counting volunteers' confirmed hours and certifying your service."),
        exempt_fields={
            "campaigns.volunteer.user": YOU,
            "campaigns.volunteertask.volunteer": LINK,
            "campaigns.servicecertificate.volunteer": LINK,
        },
    ),
    PersonalDataSource(
        key="campaigns.organising",
        label=_("Campaigns you created or added activities to"),
        origin=_("Recorded when you created a campaign or joined an activity to one."),
        retention=Retention.ORGANISER,
        models=("campaigns.campaign", "campaigns.campaignactivity"),
        export=_export_campaigns,
        erase=_erase_campaigns,
        purge=_purge_campaigns,
        purpose=_("Showing who runs each campaign."),
        exempt_fields={
            "campaigns.campaign.created_by": YOU,
            "campaigns.campaignactivity.added_by": YOU,
            **{
                f"campaigns.campaign.{name}": CAMPAIGN_CONTENT
                for name in (
                    "edition",
                    "slug",
                    "title_en",
                    "summary",
                    "summary_en",
                    "kind",
                    "sectors",
                    "region_path",
                    "starts_on",
                    "ends_on",
                    "goal_activities",
                    "goal_participants",
                    "goal_regions",
                    "is_published",
                )
            },
        },
    ),
]
