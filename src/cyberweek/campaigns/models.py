"""Campaigns: named series of local activities across regions and sectors (a university
campaign, an industry launch), with goals; the volunteers an organiser recruits for one,
the tasks and hours they record, and their certificates of service.

A campaign owns its link table to activities (`CampaignActivity`); the activities stay the
activities app's. Progress is never stored: it is counted from the linked activities'
verified records each time it is shown (`queries.progress`)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from cyberweek.core.fields import EncryptedTextField
from cyberweek.core.models import TimeStampedModel
from cyberweek.geo.models import Region


class Campaign(TimeStampedModel):
    class Kind(models.TextChoices):
        EDUCATION = "education", _("Education campaign")
        INDUSTRY = "industry", _("Industry launch")
        VOLUNTEER = "volunteer", _("Volunteer drive")
        OTHER = "other", _("Other campaign")

    edition = models.ForeignKey(
        "programme.Edition", verbose_name=_("edition"), on_delete=models.PROTECT, related_name="+"
    )
    slug = models.SlugField(_("short name"), max_length=60)
    title = models.CharField(_("title"), max_length=120)
    title_en = models.CharField(_("title (English)"), max_length=120, blank=True)
    # Screened (personal information masked) before it is kept: the public reads it.
    summary = models.TextField(_("summary"), max_length=2000, blank=True)
    summary_en = models.TextField(_("summary (English)"), max_length=2000, blank=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    # The sectors the campaign works in; empty means every sector.
    sectors = models.JSONField(_("sectors"), default=list, blank=True)
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    region_path = models.CharField(_("region path"), max_length=40, editable=False)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    goal_activities = models.PositiveIntegerField(_("goal: activities"))
    goal_participants = models.PositiveIntegerField(_("goal: participants"))
    goal_regions = models.PositiveIntegerField(_("goal: regions covered"))
    is_published = models.BooleanField(_("published"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["starts_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "slug"], name="campaign_slug_per_edition"),
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="campaign_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(goal_activities__gt=0, goal_participants__gt=0, goal_regions__gt=0),
                name="campaign_goals_positive",
            ),
        ]

    def __str__(self):
        return self.title


class CampaignActivity(models.Model):
    """An activity joined to a campaign (by `campaigns.services.add_activity`)."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="links"
    )
    activity = models.ForeignKey(
        "activities.Activity",
        verbose_name=_("activity"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("added by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        verbose_name = _("campaign activity")
        verbose_name_plural = _("campaign activities")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "activity"], name="activity_once_a_campaign"
            )
        ]

    def __str__(self):
        return f"{self.campaign_id}:{self.activity_id}"


class Volunteer(TimeStampedModel):
    """A person an organiser invited to volunteer for a campaign, and whether they accepted."""

    class Status(models.TextChoices):
        INVITED = "invited", _("Invited")
        ACTIVE = "active", _("Volunteering")
        DECLINED = "declined", _("Declined")

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="volunteers"
    )
    # Blank once the person is erased (or their data is past retention): the campaign keeps
    # its count of volunteers and confirmed hours, naming no one.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="campaign_volunteering",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.INVITED
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    responded_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        verbose_name = _("campaign volunteer")
        verbose_name_plural = _("campaign volunteers")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "user"], name="volunteer_once_a_campaign")
        ]

    def __str__(self):
        return f"{self.campaign_id}:{self.user_id}"


class VolunteerTask(models.Model):
    """A task a volunteer did and the hours it took, as they recorded it; it counts toward
    their hours (and certificate) once an organiser of the campaign confirms it."""

    class Status(models.TextChoices):
        RECORDED = "recorded", _("Awaiting confirmation")
        CONFIRMED = "confirmed", _("Confirmed")
        RETURNED = "returned", _("Not confirmed")

    volunteer = models.ForeignKey(
        Volunteer, verbose_name=_("volunteer"), on_delete=models.CASCADE, related_name="tasks"
    )
    # Screened before it is kept: the campaign's organisers read it.
    description = models.CharField(_("task"), max_length=300)
    worked_on = models.DateField(_("day"))
    hours = models.DecimalField(_("hours"), max_digits=4, decimal_places=2)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.RECORDED
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    comment = models.CharField(_("organiser's comment"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("volunteer task")
        verbose_name_plural = _("volunteer tasks")
        ordering = ["worked_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gt=0, hours__lte=24), name="task_hours_in_a_day"
            )
        ]

    def __str__(self):
        return f"{self.volunteer_id}:{self.worked_on}"


class ServiceCertificate(models.Model):
    """A volunteer's certificate of service: the confirmed hours when it was issued, the
    name they asked for, and a code its QR link verifies."""

    volunteer = models.OneToOneField(
        Volunteer,
        verbose_name=_("volunteer"),
        on_delete=models.CASCADE,
        related_name="certificate",
    )
    code = models.CharField(_("code"), max_length=32, unique=True)
    holder_name = EncryptedTextField(_("name on the certificate"))
    hours = models.DecimalField(_("hours"), max_digits=7, decimal_places=2)
    issued_at = models.DateTimeField(_("issued"))

    class Meta:
        verbose_name = _("certificate of service")
        verbose_name_plural = _("certificates of service")

    def __str__(self):
        return self.code[:8]
