"""The summary rows the dashboards read, the state of each figures refresh, the end-of-week
report builds and their scheduled delivery."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cyberweek.geo.models import Region


class Figure(models.Model):
    """One figure for one region, day and sector: a row of the rolled-up summary table
    (insights/summaries.py). Level 0 is the country, 1 a province, 2 a prefecture, 3 a
    county; `region_code` is "" for the country and `parent_code` the region above."""

    edition = models.ForeignKey(
        "programme.Edition", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    level = models.PositiveSmallIntegerField()
    region_code = models.CharField(max_length=6, blank=True)
    parent_code = models.CharField(max_length=6, blank=True)
    day = models.DateField()
    sector = models.CharField(max_length=16, blank=True)
    metric = models.CharField(max_length=32)
    value = models.BigIntegerField()

    class Meta:
        verbose_name = _("figure")
        verbose_name_plural = _("figures")
        indexes = [
            models.Index(fields=["edition", "level", "region_code", "day"], name="figure_region"),
            models.Index(fields=["edition", "level", "parent_code", "day"], name="figure_parent"),
        ]

    def __str__(self):
        return f"{self.region_code or 'CN'} {self.day} {self.sector} {self.metric}={self.value}"


class Refresh(models.Model):
    """When the figures of an edition were last rolled up. `generation` grows with every
    refresh, so dashboards cached under the old one are not served again."""

    edition = models.OneToOneField(
        "programme.Edition", on_delete=models.CASCADE, related_name="+", primary_key=True
    )
    generation = models.PositiveIntegerField(default=0)
    refreshed_at = models.DateTimeField(_("refreshed"))
    full_at = models.DateTimeField(_("last full refresh"), null=True, blank=True)
    seconds = models.FloatField(_("time taken (s)"), default=0)

    class Meta:
        verbose_name = _("figures refresh")
        verbose_name_plural = _("figures refreshes")

    def __str__(self):
        return f"{self.edition_id} #{self.generation}"


class Language(models.TextChoices):
    CHINESE = "zh-hans", "中文"
    ENGLISH = "en", "English"


def report_path(instance, filename) -> str:
    return f"insights/reports/{instance.edition_id}/{instance.pk}-{instance.region.code}.pdf"


class ReportBuild(models.Model):
    """One build of a region's end-of-week report. At most one build per edition, region
    and language is queued or running at a time (a partial unique constraint): asking again
    meanwhile returns that build."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("waiting to start")
        BUILDING = "building", _("being built")
        DONE = "done", _("ready")
        FAILED = "failed", _("failed")

    ACTIVE = (Status.QUEUED, Status.BUILDING)

    edition = models.ForeignKey(
        "programme.Edition", verbose_name=_("edition"), on_delete=models.CASCADE, related_name="+"
    )
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    language = models.CharField(_("language"), max_length=8, choices=Language.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    file = models.FileField(_("report"), upload_to=report_path, max_length=200, blank=True)
    error = models.CharField(_("what went wrong"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("report build")
        verbose_name_plural = _("report builds")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "region", "language"],
                condition=Q(status__in=["queued", "building"]),
                name="one_active_report_build",
            ),
        ]

    def __str__(self):
        return f"{self.region} {self.edition_id} {self.language}"


class ReportSubscription(models.Model):
    """An organiser who gets a region's report by mail: each evening of the Week, or once
    on the evening of its last day."""

    class Frequency(models.TextChoices):
        DAILY = "daily", _("every evening of the Week")
        END = "end", _("once, on the evening of the last day")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("organiser"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    language = models.CharField(_("language"), max_length=8, choices=Language.choices)
    frequency = models.CharField(_("how often"), max_length=8, choices=Frequency.choices)
    last_sent_on = models.DateField(_("last sent"), null=True, blank=True)
    created_at = models.DateTimeField(_("subscribed"), auto_now_add=True)

    class Meta:
        verbose_name = _("report subscription")
        verbose_name_plural = _("report subscriptions")
        constraints = [
            models.UniqueConstraint(fields=["user", "region"], name="one_subscription_per_region")
        ]

    def __str__(self):
        return f"{self.user_id} {self.region_id} {self.frequency}"
