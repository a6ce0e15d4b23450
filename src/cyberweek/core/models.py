from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


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
