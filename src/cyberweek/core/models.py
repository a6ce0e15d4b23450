from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .fields import EncryptedTextField


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class AuditEvent(models.Model):
    """One organiser action or refusal. Holds ids and action names, never personal text."""

    class Outcome(models.TextChoices):
        DONE = "done", _("done")
        DENIED = "denied", _("denied")

    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=80)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    target_type = models.CharField(_("target type"), max_length=80, blank=True)
    target_id = models.CharField(_("target id"), max_length=64, blank=True)
    region_code = models.CharField(_("region code"), max_length=12, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["action", "created_at"])]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.outcome}"


class OutboxMessage(models.Model):
    """A side effect (a mail, later a webhook) written in the same transaction as the change
    that causes it, and delivered after the commit by `core.outbox`. `payload` holds ids and
    a language, never personal data; what cannot be looked up again at delivery (the address
    of an account being erased) goes in `private_payload`, encrypted, and is blanked once
    delivered."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting")
        SENDING = "sending", _("being delivered")
        SENT = "sent", _("delivered")
        SKIPPED = "skipped", _("nothing to deliver")
        FAILED = "failed", _("failed")

    kind = models.CharField(_("kind"), max_length=120)
    payload = models.JSONField(_("payload"), default=dict, blank=True)
    private_payload = EncryptedTextField(_("private payload"), blank=True, default="")
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # While pending: not before. While sending: the claim lapses then, if the worker died.
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self):
        return f"{self.kind} #{self.pk} {self.status}"


class KeyRingCheck(models.Model):
    """A known value encrypted and blind-indexed under the key ring when the database was
    created, so that starting with another ring (or none) is caught before anyone signs in
    (`core.key_check`). Plain columns, not an `EncryptedTextField`: it is no one's personal
    data; `privacy rotate-key` rewrites it under the new active key."""

    ciphertext = models.TextField()
    blind_index = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("key ring check value")
        verbose_name_plural = _("key ring check values")

    def __str__(self):
        return f"key ring check {self.pk}"
