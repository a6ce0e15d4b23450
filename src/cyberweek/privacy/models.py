from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cyberweek.core.fields import EncryptedTextField
from cyberweek.core.models import TimeStampedModel


class Purpose(models.TextChoices):
    """What a person may agree to, each on its own and withdrawable at any time."""

    LEADERBOARD_DISPLAY = "leaderboard_display", _("Show my name on contest leaderboards")
    NEWSLETTER = "newsletter", _("Send me news of the Week")
    RESEARCH_STATISTICS = "research_statistics", _("Use my answers in anonymised research")


class ConsentNotice(models.Model):
    """The text a person agrees to for one purpose. A new version asks everyone again."""

    purpose = models.CharField(_("purpose"), max_length=32, choices=Purpose.choices)
    version = models.PositiveIntegerField(_("version"))
    text = models.TextField(_("notice"))
    text_en = models.TextField(_("notice (English)"), blank=True)
    published_at = models.DateTimeField(_("published"), auto_now_add=True)

    class Meta:
        verbose_name = _("consent notice")
        verbose_name_plural = _("consent notices")
        ordering = ["purpose", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["purpose", "version"], name="one_notice_version")
        ]

    def __str__(self):
        return f"{self.get_purpose_display()} v{self.version}"


class ConsentRecord(models.Model):
    """One person's answer to one notice version: given, and perhaps later withdrawn."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="consents"
    )
    notice = models.ForeignKey(ConsentNotice, on_delete=models.PROTECT, related_name="records")
    given_at = models.DateTimeField(_("given"))
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    class Meta:
        verbose_name = _("consent record")
        verbose_name_plural = _("consent records")
        ordering = ["-given_at"]
        constraints = [
            # At most one standing consent per person and notice.
            models.UniqueConstraint(
                fields=["user", "notice"],
                condition=Q(withdrawn_at__isnull=True),
                name="one_standing_consent",
            )
        ]

    def __str__(self):
        return f"{self.notice} {self.given_at:%Y-%m-%d}"


class AccessChain(models.Model):
    """The head of the access log's chain: one row, locked while appending, so concurrent
    writers cannot fork the chain. `anchor_*` is where verification starts after old
    entries were purged; every start is also signed in a checkpoint outside the database
    (privacy/checkpoints.py), so moving it here alone is detected."""

    head_seq = models.BigIntegerField(default=0)
    head_hash = models.CharField(max_length=64)
    anchor_seq = models.BigIntegerField(default=0)
    anchor_hash = models.CharField(max_length=64)

    def __str__(self):
        return f"{self.head_seq} {self.head_hash}"


class AccessLogEntry(models.Model):
    """Who looked at or exported whose personal information, when, and why.

    `entry_hash` is a MAC, under a key derived from the key ring's key `key_id`, over
    `seq`, the previous entry's MAC and this entry's fields (privacy/access_log.py), so a
    changed, inserted or deleted row breaks the chain (`cyberweek privacy verify-log`) and
    cannot be recomputed without the key ring. People are referred to by account number
    only, so erasing an account never needs to rewrite history; `why` is stored screened.
    """

    seq = models.BigIntegerField(_("number"), unique=True)
    created_at = models.DateTimeField(_("when"))
    actor_ref = models.CharField(_("who"), max_length=32)
    subject_ref = models.CharField(_("whose"), max_length=32, blank=True)
    what = models.CharField(_("what"), max_length=200)
    why = models.CharField(_("why"), max_length=300)
    key_id = models.CharField(max_length=32)
    prev_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        ordering = ["seq"]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_ref} {self.what}"


class DataSubjectRequest(TimeStampedModel):
    """A request about personal information that staff must handle, e.g. from someone
    who cannot sign in. The law's clock runs from `received_at`."""

    class Kind(models.TextChoices):
        ACCESS = "access", _("See what is held")
        EXPORT = "export", _("Receive a copy")
        CORRECT = "correct", _("Correct information")
        DELETE = "delete", _("Delete the account")
        OBJECT = "object", _("Withdraw consent or object")

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        VERIFYING = "verifying", _("Verifying identity")
        IN_PROGRESS = "in_progress", _("In progress")
        COMPLETED = "completed", _("Completed")
        REJECTED = "rejected", _("Rejected")

    OPEN = (Status.RECEIVED, Status.VERIFYING, Status.IN_PROGRESS)

    kind = models.CharField(_("request"), max_length=12, choices=Kind.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.RECEIVED
    )
    requester_contact = EncryptedTextField(_("how to reach the requester"))
    details = EncryptedTextField(_("details"), blank=True, default="")
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account concerned"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    received_at = models.DateTimeField(_("received"))
    due_at = models.DateTimeField(_("due"))
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    resolution = EncryptedTextField(_("resolution"), blank=True, default="")
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        verbose_name = _("data-subject request")
        verbose_name_plural = _("data-subject requests")
        ordering = ["due_at", "pk"]
        indexes = [models.Index(fields=["status", "due_at"])]

    def __str__(self):
        return f"#{self.pk} {self.get_kind_display()}"


class DeletionReceipt(models.Model):
    """Proof that an account was deleted: a reference the person was shown, and when.
    Nothing in it identifies the person."""

    reference = models.CharField(max_length=24, unique=True)
    deleted_at = models.DateTimeField()
    records_erased = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("deletion receipt")
        verbose_name_plural = _("deletion receipts")

    def __str__(self):
        return self.reference
