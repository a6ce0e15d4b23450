"""Local publicity activities, their review and outcome workflow, and its history.

An activity sits in a county (or a prefecture-level city without counties). The organisers
of that region register it and report its outcome; the organisers of the region above
review it and verify the outcome. Every step is an `ActivityStep` row.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from cyberweek.core.fields import EncryptedTextField
from cyberweek.core.models import TimeStampedModel
from cyberweek.geo.models import Region, Sector


class Activity(TimeStampedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted for review")
        RETURNED = "returned", _("Returned for changes")
        APPROVED = "approved", _("Approved")
        HELD = "held", _("Held")
        REPORTED = "reported", _("Outcome reported")
        VERIFIED = "verified", _("Outcome verified")

    class Format(models.TextChoices):
        OFFLINE = "offline", _("Offline")
        ONLINE = "online", _("Online")
        HYBRID = "hybrid", _("Online and offline")

    # The public sees an activity once it is approved, and keeps seeing it afterwards.
    PUBLIC_STATUSES = (Status.APPROVED, Status.HELD, Status.REPORTED, Status.VERIFIED)
    EDITABLE_STATUSES = (Status.DRAFT, Status.RETURNED)

    edition = models.ForeignKey(
        "programme.Edition",
        verbose_name=_("edition"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    themed_day = models.ForeignKey(
        "programme.ThemedDay",
        verbose_name=_("themed day"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    title = models.CharField(_("title"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    # The text as the organiser wrote it stays encrypted with them; the public reads the
    # screened copy, in which personal information is masked.
    description = EncryptedTextField(_("description"), blank=True)
    public_description = models.TextField(_("public description"), blank=True)
    # Part of the screening result: words the organiser masks by hand (one a line), for
    # what the engine missed. Every screening applies them again, so an edit keeps them.
    # They are names, so they are encrypted like the text they come from.
    hand_masks = EncryptedTextField(_("also mask"), blank=True)
    sector = models.CharField(_("sector"), max_length=16, choices=Sector.choices)
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    # A copy of the region's path: the subtree filters of lists, coverage and the map are
    # one indexed prefix match on this table, without a join.
    region_path = models.CharField(_("region path"), max_length=40, editable=False)
    format = models.CharField(_("format"), max_length=8, choices=Format.choices)
    venue_address = models.CharField(_("venue address"), max_length=200, blank=True)
    latitude = models.DecimalField(
        _("latitude"), max_digits=8, decimal_places=5, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=8, decimal_places=5, null=True, blank=True
    )
    online_url = models.URLField(_("online link"), max_length=300, blank=True)
    audience = models.CharField(_("audience"), max_length=120)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    expected_reach = models.PositiveIntegerField(_("expected reach"))
    public_registration = models.BooleanField(_("the public can register"), default=False)
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    # NULL once erased (encrypted columns cannot be compared with "").
    contact_name = EncryptedTextField(_("contact name"), null=True)
    contact_phone = EncryptedTextField(_("contact phone"), null=True)

    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    is_public = models.BooleanField(_("public"), default=False, editable=False)
    # Lower-case title, English title, public description and region name, for the
    # full-text search (a trigram index on PostgreSQL; Chinese has no spaces to split on).
    search_text = models.TextField(editable=False, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    participants = models.PositiveIntegerField(_("participants on site"), null=True, blank=True)
    online_reach = models.PositiveIntegerField(_("online reach"), null=True, blank=True)
    outcome_summary = EncryptedTextField(_("outcome summary"), blank=True)
    public_outcome_summary = models.TextField(_("public outcome summary"), blank=True)
    outcome_reported_at = models.DateTimeField(_("outcome reported"), null=True, blank=True)

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="activity_ends_after_start"
            ),
        ]
        # The subtree filters (`region_path LIKE '/440000/%'`) are served on PostgreSQL by
        # pattern-ops indexes that migration 0002 creates; these two serve every database.
        indexes = [
            models.Index(
                fields=["edition", "starts_at"],
                condition=Q(is_public=True),
                name="activity_public_start",
            ),
            models.Index(fields=["status", "ends_at"], name="activity_status_end"),
        ]

    def __str__(self):
        return self.title

    @property
    def reach(self) -> int:
        if self.outcome_reported_at:
            return (self.participants or 0) + (self.online_reach or 0)
        return self.expected_reach

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE_STATUSES


class ActivityStep(models.Model):
    """One step of an activity's workflow: who took it, when, from which state, and why."""

    class Action(models.TextChoices):
        CREATED = "created", _("Registered")
        IMPORTED = "imported", _("Imported")
        UPDATED = "updated", _("Edited")
        SUBMITTED = "submitted", _("Submitted for review")
        APPROVED = "approved", _("Approved")
        RETURNED = "returned", _("Returned for changes")
        HELD = "held", _("Marked as held")
        OUTCOME_REPORTED = "outcome_reported", _("Outcome reported")
        OUTCOME_RETURNED = "outcome_returned", _("Outcome returned for changes")
        VERIFIED = "verified", _("Outcome verified")

    activity = models.ForeignKey(
        Activity, verbose_name=_("activity"), on_delete=models.CASCADE, related_name="steps"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("step"), max_length=20, choices=Action.choices)
    from_status = models.CharField(_("from"), max_length=10, blank=True)
    to_status = models.CharField(_("to"), max_length=10)
    # Screened: personal information in a reviewer's comment is masked before it is kept.
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("workflow step")
        verbose_name_plural = _("workflow steps")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.activity_id} {self.action}"


def photo_path(instance, filename) -> str:
    # The stored name never carries the uploader's file name, which may say who is pictured.
    return f"activities/{instance.activity_id}/{instance.token}.{instance.extension}"


class OutcomePhoto(models.Model):
    """A photo of a held activity, sent with its outcome report (JPEG or PNG)."""

    activity = models.ForeignKey(
        Activity, verbose_name=_("activity"), on_delete=models.CASCADE, related_name="photos"
    )
    file = models.FileField(_("photo"), upload_to=photo_path, max_length=200)
    token = models.CharField(max_length=32, unique=True, editable=False)
    extension = models.CharField(max_length=4, editable=False)
    content_type = models.CharField(max_length=20, editable=False)
    size = models.PositiveIntegerField(editable=False)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("outcome photo")
        verbose_name_plural = _("outcome photos")
        ordering = ["pk"]

    def __str__(self):
        return self.token


class OverdueReminder(models.Model):
    """That the organisers of an activity were reminded of its overdue outcome on a day,
    so that the daily job never sends the same reminder twice."""

    activity = models.ForeignKey(
        Activity, verbose_name=_("activity"), on_delete=models.CASCADE, related_name="reminders"
    )
    sent_on = models.DateField(_("sent on"))
    recipients = models.PositiveIntegerField(_("recipients"), default=0)

    class Meta:
        verbose_name = _("overdue reminder")
        verbose_name_plural = _("overdue reminders")
        constraints = [
            models.UniqueConstraint(fields=["activity", "sent_on"], name="one_reminder_a_day")
        ]

    def __str__(self):
        return f"{self.activity_id} {self.sent_on}"
