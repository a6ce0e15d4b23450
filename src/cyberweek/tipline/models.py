"""The tip line's data: anonymous reports, their evidence, the observables they name
(clustered so a thousand reports of one link are one threat), the volunteers' triage
steps and votes, and who may triage where."""

import hashlib

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cyberweek.core.fields import EncryptedTextField
from cyberweek.core.models import TimeStampedModel
from cyberweek.geo.models import Region


class Report(TimeStampedModel):
    """One person's report. Volunteers see `masked_text`; `original_text` and `reported_value`
    are encrypted and shown only through the access-logged reveal."""

    class Kind(models.TextChoices):
        PHISHING = "phishing", _("Phishing link")
        FRAUD_PHONE = "fraud_phone", _("Fraud call or text message")
        FAKE_APP = "fake_app", _("Fake app or QR code")
        DATA_LEAK = "data_leak", _("Personal data leak")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        NEW = "new", _("Received")
        CLAIMED = "claimed", _("Being checked")
        CONFIRMED = "confirmed", _("Confirmed, awaiting a second volunteer")
        ESCALATED = "escalated", _("Confirmed and passed to CERT teams and platforms")
        REJECTED = "rejected", _("Not a threat")
        DUPLICATE = "duplicate", _("Already reported")
        WITHDRAWN = "withdrawn", _("Withdrawn by the reporter")

    OPEN = (Status.NEW, Status.CLAIMED, Status.CONFIRMED)

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    # The province (or the country's code) the region sits in: statistics group by it.
    province_code = models.CharField(_("province code"), max_length=6, db_index=True)
    reported_value = EncryptedTextField(_("link, number or ID as written"), blank=True)
    original_text = EncryptedTextField(_("description as written"), blank=True)
    masked_text = models.TextField(_("description (personal information masked)"), blank=True)
    masked_types = models.JSONField(_("personal information masked"), default=list, blank=True)
    receipt_digest = models.CharField(_("receipt digest"), max_length=64, unique=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.NEW, db_index=True
    )
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("claimed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    escalated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed again and escalated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("duplicate of"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        indexes = [
            models.Index(fields=["status", "created_at"]),
            models.Index(fields=["kind", "created_at"]),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN


class Evidence(models.Model):
    """A screenshot, re-encoded (metadata gone) and stored encrypted: it may show the
    reporter's or a victim's name, so it is only ever seen through the access-logged reveal."""

    report = models.ForeignKey(
        Report, verbose_name=_("report"), on_delete=models.CASCADE, related_name="evidence"
    )
    content = EncryptedTextField(_("image (base64, re-encoded)"))
    content_type = models.CharField(_("content type"), max_length=32)
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))
    size = models.PositiveIntegerField(_("size in bytes"))
    created_at = models.DateTimeField(_("received"), auto_now_add=True)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self):
        return f"{self.content_type} {self.width}x{self.height}"


class Cluster(models.Model):
    """Every report naming one observable: one link, one host and path, one registrable
    domain, one number or one ID. `report_count` counts the reports that joined it."""

    class Kind(models.TextChoices):
        URL = "url", _("Link")
        HOST_PATH = "host_path", _("Host and path")
        DOMAIN = "domain", _("Registrable domain")
        PHONE = "phone", _("Phone number")
        QQ = "qq", _("QQ number")
        WECHAT = "wechat", _("WeChat ID")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    value = models.TextField(_("canonical value"))
    # The unique key: a digest, because a canonical link may be 2,048 characters long.
    key = models.CharField(_("key"), max_length=64, unique=True, editable=False)
    display = models.TextField(_("as shown to people"), blank=True)
    report_count = models.PositiveIntegerField(_("reports"), default=0)
    first_seen = models.DateTimeField(_("first reported"))
    last_seen = models.DateTimeField(_("last reported"))
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True, db_index=True)
    taken_down_at = models.DateTimeField(_("taken down"), null=True, blank=True)

    class Meta:
        verbose_name = _("cluster")
        verbose_name_plural = _("clusters")

    def __str__(self):
        return f"{self.get_kind_display()}: {self.display or self.value}"

    @staticmethod
    def key_for(kind: str, value: str) -> str:
        return hashlib.sha256(f"{kind}\x00{value}".encode()).hexdigest()

    @property
    def online(self) -> bool:
        return self.taken_down_at is None


class ReportObservable(models.Model):
    report = models.ForeignKey(
        Report, verbose_name=_("report"), on_delete=models.CASCADE, related_name="observables"
    )
    cluster = models.ForeignKey(
        Cluster, verbose_name=_("cluster"), on_delete=models.CASCADE, related_name="links"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["report", "cluster"], name="tipline_one_link")
        ]

    def __str__(self):
        return f"{self.report_id} -> {self.cluster_id}"


class TriageStep(models.Model):
    class Action(models.TextChoices):
        FILED = "filed", _("filed")
        CLAIMED = "claimed", _("claimed")
        RELEASED = "released", _("released")
        CONFIRMED = "confirmed", _("confirmed")
        ESCALATED = "escalated", _("confirmed again and escalated")
        REJECTED = "rejected", _("rejected")
        DUPLICATE = "duplicate", _("marked as duplicate")
        TAKEN_DOWN = "taken_down", _("taken down")
        WITHDRAWN = "withdrawn", _("withdrawn by the reporter")

    report = models.ForeignKey(
        Report, verbose_name=_("report"), on_delete=models.CASCADE, related_name="steps"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("volunteer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=12, choices=Action.choices)
    comment = models.TextField(_("comment (personal information masked)"), blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("triage step")
        verbose_name_plural = _("triage steps")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.get_action_display()} #{self.report_id}"


class Vote(models.Model):
    """A volunteer's view, as PhishTank's community votes: is a threat, is not, don't know."""

    class Choice(models.TextChoices):
        IS = "is", _("Is a threat")
        IS_NOT = "is_not", _("Is not a threat")
        DONT_KNOW = "dont_know", _("Don't know")

    report = models.ForeignKey(
        Report, verbose_name=_("report"), on_delete=models.CASCADE, related_name="votes"
    )
    volunteer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("volunteer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    choice = models.CharField(_("vote"), max_length=10, choices=Choice.choices)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [
            models.UniqueConstraint(fields=["report", "volunteer"], name="tipline_one_vote")
        ]

    def __str__(self):
        return f"{self.get_choice_display()} #{self.report_id}"


class Volunteer(TimeStampedModel):
    """A person an organiser recruited to triage reports from `region` and below."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="tipline_scopes",
    )
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    recruited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recruited by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")
        constraints = [models.UniqueConstraint(fields=["user", "region"], name="tipline_one_scope")]

    def __str__(self):
        return f"{self.user} — {self.region}"
