from datetime import timedelta

from django.db import models
from django.db.models import F, Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from cyberweek.core.models import TimeStampedModel


class Edition(TimeStampedModel):
    """One year's Week: theme, slogan, host city and dates."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    slug = models.SlugField(_("short name"), max_length=40, unique=True)
    theme = models.CharField(_("theme"), max_length=200)
    theme_en = models.CharField(_("theme (English)"), max_length=200, blank=True)
    slogan = models.CharField(_("slogan"), max_length=200, blank=True)
    slogan_en = models.CharField(_("slogan (English)"), max_length=200, blank=True)
    host_city = models.CharField(_("host city"), max_length=60)
    host_city_en = models.CharField(_("host city (English)"), max_length=60, blank=True)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    is_published = models.BooleanField(
        _("published"), default=False, help_text=_("Only published editions are public.")
    )

    class Meta:
        verbose_name = _("edition")
        verbose_name_plural = _("editions")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="edition_ends_after_start"
            )
        ]

    def __str__(self):
        english = (get_language() or "").startswith("en") and self.theme_en
        return f"{self.year} · {self.theme_en if english else self.theme}"

    @property
    def days(self):
        return [
            self.starts_on + timedelta(days=i)
            for i in range((self.ends_on - self.starts_on).days + 1)
        ]


class ThemedDay(TimeStampedModel):
    """A day of the Week given to one audience: Campus Day, Finance Day, ..."""

    class Kind(models.TextChoices):
        OPENING = "opening", _("Opening Day")
        CAMPUS = "campus", _("Campus Day")
        TELECOM = "telecom", _("Telecom Day")
        RULE_OF_LAW = "rule_of_law", _("Rule of Law Day")
        FINANCE = "finance", _("Finance Day")
        YOUTH = "youth", _("Youth Day")
        PERSONAL_INFORMATION = "personal_information", _("Personal Information Protection Day")
        OTHER = "other", _("Other")

    edition = models.ForeignKey(
        Edition, verbose_name=_("edition"), on_delete=models.CASCADE, related_name="themed_days"
    )
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=120)
    title_en = models.CharField(_("title (English)"), max_length=120, blank=True)
    description = models.TextField(_("description"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)

    class Meta:
        verbose_name = _("themed day")
        verbose_name_plural = _("themed days")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "date"], name="one_themed_day_per_date")
        ]

    def __str__(self):
        # Shown in choice lists (the activity filters): the reader's language, as `tr` does.
        english = (get_language() or "").startswith("en") and self.title_en
        return f"{self.date:%m-%d} {self.title_en if english else self.title}"


class Room(TimeStampedModel):
    edition = models.ForeignKey(
        Edition, verbose_name=_("edition"), on_delete=models.CASCADE, related_name="rooms"
    )
    name = models.CharField(_("name"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True)
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    venue_en = models.CharField(_("venue (English)"), max_length=200, blank=True)
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)

    class Meta:
        verbose_name = _("room")
        verbose_name_plural = _("rooms")
        ordering = ["venue", "name"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "venue", "name"], name="unique_room")
        ]

    def __str__(self):
        return f"{self.venue} {self.name}".strip()


class Speaker(TimeStampedModel):
    """A public figure on the programme. Only what the printed programme shows."""

    edition = models.ForeignKey(
        Edition, verbose_name=_("edition"), on_delete=models.CASCADE, related_name="speakers"
    )
    name = models.CharField(_("name"), max_length=80)
    name_en = models.CharField(_("name (English)"), max_length=80, blank=True)
    affiliation = models.CharField(_("affiliation"), max_length=200, blank=True)
    affiliation_en = models.CharField(_("affiliation (English)"), max_length=200, blank=True)
    bio = models.TextField(_("biography"), blank=True)
    bio_en = models.TextField(_("biography (English)"), blank=True)

    class Meta:
        verbose_name = _("speaker")
        verbose_name_plural = _("speakers")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Event(TimeStampedModel):
    """An official event: the opening ceremony, the expo, the forum, a sub-forum, a session."""

    class Kind(models.TextChoices):
        CEREMONY = "ceremony", _("Ceremony")
        EXPO = "expo", _("Expo")
        FORUM = "forum", _("Forum")
        SUB_FORUM = "sub_forum", _("Sub-forum")
        SESSION = "session", _("Session")
        CONTEST = "contest", _("Contest")
        OTHER = "other", _("Other")

    edition = models.ForeignKey(
        Edition, verbose_name=_("edition"), on_delete=models.CASCADE, related_name="events"
    )
    slug = models.SlugField(_("short name"), max_length=80)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
        help_text=_("A sub-forum belongs to a forum, a session to a forum or sub-forum."),
    )
    title = models.CharField(_("title"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    room = models.ForeignKey(
        Room,
        verbose_name=_("room"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="events",
    )
    speakers = models.ManyToManyField(
        Speaker, verbose_name=_("speakers"), blank=True, related_name="events"
    )
    is_published = models.BooleanField(_("published"), default=True)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "slug"], name="unique_event_slug"),
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="event_ends_after_start"
            ),
        ]
        indexes = [models.Index(fields=["edition", "starts_at"])]

    def __str__(self):
        return self.title
