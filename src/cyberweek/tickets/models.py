"""What can be registered for, and who registered.

`Offering` is the registrable side of an official event or a local activity: the other
apps open registration through `tickets.services.open_registration`, so this app never
reads their models. Its counters (`confirmed_seats`, `checked_in_seats`) are the
attendance figures other apps read; they are changed only with the row locked, and the
database refuses a `confirmed_seats` above `capacity`.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cyberweek.core.fields import EncryptedTextField
from cyberweek.core.models import TimeStampedModel
from cyberweek.geo.models import Region, Sector

# No 0/O, 1/I/L or U: a code read aloud or typed at the door is hard to get wrong.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 12  # 30**12 ≈ 2**59: not guessable, short enough to type.


def new_ticket_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_ticket_code(value: str) -> str:
    """What a person typed (any case, with dashes or spaces) as the stored code."""
    return "".join(ch for ch in (value or "").upper() if ch.isalnum())


class Offering(TimeStampedModel):
    class Source(models.TextChoices):
        EVENT = "programme.event", _("official event")
        ACTIVITY = "activities.activity", _("local activity")

    source = models.CharField(_("source"), max_length=32, choices=Source.choices)
    source_id = models.PositiveBigIntegerField(_("source number"))
    title = models.CharField(_("title"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    venue = models.CharField(_("venue"), max_length=300, blank=True)
    venue_en = models.CharField(_("venue (English)"), max_length=300, blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    capacity = models.PositiveIntegerField(_("seats"))
    per_person_limit = models.PositiveSmallIntegerField(_("seats one person may take"), default=1)
    closes_at = models.DateTimeField(_("registration closes"), null=True, blank=True)
    is_open = models.BooleanField(_("registration open"), default=True)
    asks_name = models.BooleanField(_("asks for the attendee's name"), default=False)
    asks_phone = models.BooleanField(_("asks for a mobile number"), default=False)
    region = models.ForeignKey(
        Region,
        verbose_name=_("responsible region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty for official events: national scope."),
    )
    sector = models.CharField(_("sector"), max_length=16, choices=Sector.choices, blank=True)
    confirmed_seats = models.PositiveIntegerField(_("confirmed seats"), default=0)
    waitlisted_seats = models.PositiveIntegerField(_("waitlisted seats"), default=0)
    checked_in_seats = models.PositiveIntegerField(_("checked-in seats"), default=0)
    # Arrival order of registrations; taken with the row locked, so it is commit order.
    last_position = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("registrable event")
        verbose_name_plural = _("registrable events")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["source", "source_id"], name="offering_unique_source"),
            models.CheckConstraint(
                condition=Q(confirmed_seats__lte=F("capacity")), name="offering_not_oversold"
            ),
            models.CheckConstraint(
                condition=Q(checked_in_seats__lte=F("confirmed_seats")),
                name="offering_checked_in_within_confirmed",
            ),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="offering_capacity_positive"),
            models.CheckConstraint(
                condition=Q(per_person_limit__gte=1), name="offering_limit_positive"
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gte=F("starts_at")), name="offering_ends_after_start"
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def free_seats(self) -> int:
        return max(0, self.capacity - self.confirmed_seats)

    def closed_reason(self, now=None) -> str:
        """Why registration is closed now, or "" while it is open."""
        now = now or timezone.now()
        if not self.is_open:
            return str(_("Registration for this event is not open."))
        if self.closes_at and now >= self.closes_at:
            return str(_("Registration for this event has closed."))
        if now >= self.ends_at:
            return str(_("This event is over."))
        return ""


class Registration(models.Model):
    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("confirmed")
        WAITLISTED = "waitlisted", _("on the waiting list")
        CANCELLED = "cancelled", _("cancelled")

    ACTIVE = (Status.CONFIRMED, Status.WAITLISTED)

    offering = models.ForeignKey(
        Offering,
        verbose_name=_("event"),
        on_delete=models.CASCADE,
        related_name="registrations",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("participant"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    seats = models.PositiveSmallIntegerField(_("seats"), default=1)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    position = models.PositiveIntegerField(_("arrival number"))
    code = models.CharField(_("ticket code"), max_length=16, unique=True, default=new_ticket_code)
    attendee_name = EncryptedTextField(_("attendee name"), null=True, blank=True)
    attendee_phone = EncryptedTextField(_("attendee mobile number"), null=True, blank=True)
    created_at = models.DateTimeField(_("registered"), default=timezone.now)
    promoted_at = models.DateTimeField(_("moved off the waiting list"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)
    repeat_scans = models.PositiveSmallIntegerField(_("scanned again after check-in"), default=0)
    # Set when the holder's account was deleted: the row stays for the counts, without
    # personal data, and its ticket no longer opens the door.
    erased_at = models.DateTimeField(_("account deleted"), null=True, blank=True)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["offering", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["offering", "user"],
                condition=Q(status__in=["confirmed", "waitlisted"]),
                name="registration_one_active_per_person",
            ),
            models.UniqueConstraint(
                fields=["offering", "position"], name="registration_unique_position"
            ),
            models.CheckConstraint(condition=Q(seats__gte=1), name="registration_seats_positive"),
            models.CheckConstraint(
                condition=Q(checked_in_at__isnull=True) | Q(status="confirmed"),
                name="registration_checked_in_only_confirmed",
            ),
        ]
        indexes = [
            models.Index(fields=["offering", "status", "position"], name="registration_queue")
        ]

    def __str__(self):
        return f"{self.offering} #{self.position}"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE

    @property
    def display_code(self) -> str:
        return "-".join(self.code[i : i + 4] for i in range(0, len(self.code), 4))
