"""The innovation (CTF) competition: competitions with divisions, teams and their members,
challenges with hints and flags, and what teams did (submissions, solves, hint unlocks).

A team's running total lives on the team row (`score`, `last_solve_at`), updated in the
same transaction as the solve or unlock that changes it; `board.rebuild` recomputes it
from solves and unlocks, and the two must agree (tested on random histories)."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cyberweek.core.models import TimeStampedModel
from cyberweek.geo.models import Region, Sector


def new_token() -> str:
    return secrets.token_urlsafe(18)


def new_flag_secret() -> str:
    return secrets.token_hex(32)


class Competition(TimeStampedModel):
    """One CTF of an edition: its window, freeze, board publication and scoring rules."""

    edition = models.ForeignKey(
        "programme.Edition",
        verbose_name=_("edition"),
        on_delete=models.PROTECT,
        related_name="ctf_competitions",
    )
    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    title = models.CharField(_("title"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    freeze_at = models.DateTimeField(
        _("board freezes"),
        null=True,
        blank=True,
        help_text=_("From then on the public and teams see the board as it was at this time."),
    )
    is_published = models.BooleanField(_("published"), default=False)
    board_published = models.BooleanField(
        _("final board published"),
        default=False,
        help_text=_("After the end: everyone sees the live, final board."),
    )
    requires_review = models.BooleanField(_("organisers review new teams"), default=False)
    team_size = models.PositiveSmallIntegerField(_("largest team"), default=4)
    retroactive = models.BooleanField(
        _("dynamic values apply to earlier solves"),
        default=True,
        help_text=_(
            "On: every team that solved a dynamic challenge holds its current value. "
            "Off: each solve keeps the value it had when it was made."
        ),
    )
    first_blood_pct = models.PositiveSmallIntegerField(_("first blood bonus (%)"), default=5)
    second_blood_pct = models.PositiveSmallIntegerField(_("second blood bonus (%)"), default=3)
    third_blood_pct = models.PositiveSmallIntegerField(_("third blood bonus (%)"), default=1)

    class WriteUpRule(models.TextChoices):
        ORGANISERS = "organisers", _("organisers only")
        TEAMS = "teams", _("teams of the competition")
        PUBLIC = "public", _("everyone")

    writeups_visible_to = models.CharField(
        _("accepted write-ups are visible to"),
        max_length=12,
        choices=WriteUpRule.choices,
        default=WriteUpRule.PUBLIC,
    )
    # Bumped when something changes the frozen board other than a solve (a ban, a rebuild),
    # so a cached frozen board is computed again.
    board_generation = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("CTF competition")
        verbose_name_plural = _("CTF competitions")
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="ctf_competition_ends_after_start",
                violation_error_message=_("The competition ends after it starts."),
            ),
            models.CheckConstraint(
                condition=Q(freeze_at__isnull=True)
                | (Q(freeze_at__gt=F("starts_at")) & Q(freeze_at__lt=F("ends_at"))),
                name="ctf_freeze_inside_window",
                violation_error_message=_("The board freezes after the start and before the end."),
            ),
            models.CheckConstraint(
                condition=Q(first_blood_pct__lte=100)
                & Q(second_blood_pct__lte=100)
                & Q(third_blood_pct__lte=100),
                name="ctf_blood_bonus_at_most_100",
                violation_error_message=_("A blood bonus is 0 to 100 percent."),
            ),
        ]

    def __str__(self):
        return self.title

    def blood_pcts(self) -> tuple[int, int, int]:
        return (self.first_blood_pct, self.second_blood_pct, self.third_blood_pct)

    def is_running_at(self, moment) -> bool:
        return self.is_published and self.starts_at <= moment < self.ends_at

    def is_frozen_at(self, moment) -> bool:
        """Whether the public and teams see the frozen board at `moment`."""
        return self.freeze_at is not None and moment >= self.freeze_at and not self.board_published


class Division(models.Model):
    """A bracket with its own board and who may enter it."""

    class Kind(models.TextChoices):
        UNIVERSITY = "university", _("university")
        ENTERPRISE = "enterprise", _("enterprise")
        OPEN = "open", _("open")
        YOUTH = "youth", _("youth")

    competition = models.ForeignKey(
        Competition,
        verbose_name=_("competition"),
        on_delete=models.CASCADE,
        related_name="divisions",
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True)
    youth_max_age = models.PositiveSmallIntegerField(
        _("youth: oldest age"),
        default=18,
        help_text=_("Counted as the start year minus the year of birth."),
    )
    email_domains = models.TextField(
        _("university: school email domains"),
        blank=True,
        help_text=_(
            "One per line, such as tsinghua.edu.cn. A team whose members all sign in with "
            "such an address is accepted; others wait for an organiser's approval."
        ),
    )

    class Meta:
        verbose_name = _("division")
        verbose_name_plural = _("divisions")
        ordering = ["competition", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["competition", "kind"], name="ctf_one_division_per_kind"
            )
        ]

    def __str__(self):
        return self.name

    def domains(self) -> list[str]:
        return [d.strip().lower().lstrip("@") for d in self.email_domains.split() if d.strip()]


class Team(TimeStampedModel):
    """A team in one competition and division. The public sees only `name`."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for review")
        APPROVED = "approved", _("taking part")
        REJECTED = "rejected", _("not accepted")
        BANNED = "banned", _("banned")

    competition = models.ForeignKey(
        Competition, verbose_name=_("competition"), on_delete=models.CASCADE, related_name="teams"
    )
    division = models.ForeignKey(
        Division, verbose_name=_("division"), on_delete=models.PROTECT, related_name="teams"
    )
    name = models.CharField(_("team name"), max_length=40)
    # NFKC, case-folded and without spaces: two names that look alike are one name.
    name_key = models.CharField(max_length=40, editable=False)
    captain = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("captain"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    invite_token = models.CharField(_("invite code"), max_length=40, unique=True, default=new_token)
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT)
    sector = models.CharField(_("sector"), max_length=16, choices=Sector.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.APPROVED
    )
    review_note = models.CharField(_("review note"), max_length=300, blank=True)
    # Set when an organiser accepted the team: a university team then needs no school
    # address from members who join later.
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    score = models.IntegerField(_("score"), default=0)
    last_solve_at = models.DateTimeField(_("last scoring solve"), null=True, blank=True)
    # Grows with every change of score, so a late write to Redis cannot undo a newer one.
    board_version = models.PositiveBigIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["competition", "name"]
        constraints = [
            models.UniqueConstraint(fields=["competition", "name_key"], name="ctf_unique_team_name")
        ]
        indexes = [
            models.Index(
                fields=["competition", "status", "-score", "last_solve_at"], name="ctf_team_board"
            )
        ]

    def __str__(self):
        return self.name

    @property
    def on_board(self) -> bool:
        return self.status == self.Status.APPROVED


class Membership(models.Model):
    """A person in a team. `competition` repeats the team's so that the database itself
    holds one team per person per competition."""

    competition = models.ForeignKey(
        Competition, verbose_name=_("competition"), on_delete=models.CASCADE, related_name="+"
    )
    team = models.ForeignKey(
        Team, verbose_name=_("team"), on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        on_delete=models.CASCADE,
        related_name="ctf_memberships",
    )
    birth_year = models.PositiveSmallIntegerField(
        _("year of birth"), null=True, blank=True, help_text=_("Kept for the youth division only.")
    )
    joined_at = models.DateTimeField(_("joined"), auto_now_add=True)

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        ordering = ["team", "joined_at"]
        constraints = [
            models.UniqueConstraint(fields=["competition", "user"], name="ctf_one_team_per_person")
        ]

    def __str__(self):
        return f"{self.team} #{self.user_id}"


class Challenge(TimeStampedModel):
    class Category(models.TextChoices):
        WEB = "web", _("Web")
        PWN = "pwn", _("Pwn")
        REVERSE = "reverse", _("Reverse engineering")
        CRYPTO = "crypto", _("Cryptography")
        FORENSICS = "forensics", _("Forensics")
        MISC = "misc", _("Miscellaneous")

    class Scoring(models.TextChoices):
        STATIC = "static", _("static")
        LINEAR = "linear", _("dynamic, linear decay (CTFd)")
        PARABOLIC = "parabolic", _("dynamic, parabolic decay (CTFd logarithmic)")
        EXPONENTIAL = "exponential", _("dynamic, exponential decay (GZ::CTF)")

    class FlagKind(models.TextChoices):
        STATIC = "static", _("one flag for everyone")
        REGEX = "regex", _("regular expression")
        PER_TEAM = "per_team", _("a flag of its own for each team")

    competition = models.ForeignKey(
        Competition,
        verbose_name=_("competition"),
        on_delete=models.CASCADE,
        related_name="challenges",
    )
    title = models.CharField(_("title"), max_length=120)
    title_en = models.CharField(_("title (English)"), max_length=120, blank=True)
    category = models.CharField(_("category"), max_length=12, choices=Category.choices)
    description = models.TextField(_("description (Markdown)"), blank=True)
    description_en = models.TextField(_("description (English, Markdown)"), blank=True)
    instance_url = models.URLField(
        _("instance"), blank=True, help_text=_("Where the challenge runs; hosted elsewhere.")
    )
    scoring = models.CharField(
        _("scoring"), max_length=12, choices=Scoring.choices, default=Scoring.STATIC
    )
    initial_value = models.PositiveIntegerField(_("value"), default=500)
    minimum_value = models.PositiveIntegerField(_("lowest value"), default=100)
    decay = models.PositiveIntegerField(
        _("decay"),
        default=20,
        help_text=_(
            "Linear: points lost per solve. Parabolic: solves until the lowest value. "
            "Exponential: solves over which the value falls by a factor e."
        ),
    )
    flag_kind = models.CharField(
        _("flag kind"), max_length=10, choices=FlagKind.choices, default=FlagKind.STATIC
    )
    flag = models.CharField(
        _("flag"),
        max_length=200,
        blank=True,
        help_text=_("The flag, or the pattern for a regular expression; per-team: the prefix."),
    )
    case_insensitive = models.BooleanField(_("ignore case"), default=False)
    flag_secret = models.CharField(max_length=64, default=new_flag_secret, editable=False)
    release_at = models.DateTimeField(_("released"), null=True, blank=True)
    is_hidden = models.BooleanField(_("hidden"), default=False)
    prerequisites = models.ManyToManyField(
        "self", verbose_name=_("solve first"), symmetrical=False, blank=True
    )
    solve_count = models.PositiveIntegerField(_("solves"), default=0, editable=False)

    class Meta:
        verbose_name = _("challenge")
        verbose_name_plural = _("challenges")
        ordering = ["competition", "category", "initial_value", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(minimum_value__lte=F("initial_value")),
                name="ctf_minimum_at_most_initial",
            ),
            models.CheckConstraint(condition=Q(decay__gt=0), name="ctf_decay_positive"),
        ]

    def __str__(self):
        return self.title

    def get_organiser_url(self) -> str:
        return reverse("organiser:ctf_challenge", args=[self.competition_id, self.pk])

    def is_released_at(self, moment) -> bool:
        return not self.is_hidden and (self.release_at is None or self.release_at <= moment)


class Hint(models.Model):
    challenge = models.ForeignKey(
        Challenge, verbose_name=_("challenge"), on_delete=models.CASCADE, related_name="hints"
    )
    text = models.TextField(_("hint"))
    text_en = models.TextField(_("hint (English)"), blank=True)
    cost = models.PositiveIntegerField(_("cost"), default=0)

    class Meta:
        verbose_name = _("hint")
        verbose_name_plural = _("hints")
        ordering = ["challenge", "cost", "pk"]

    def __str__(self):
        return f"{self.challenge} hint {self.pk}"


class Submission(models.Model):
    """Every flag a team sent, right or wrong. Wrong ones never touch the board."""

    competition = models.ForeignKey(
        Competition, verbose_name=_("competition"), on_delete=models.CASCADE, related_name="+"
    )
    challenge = models.ForeignKey(
        Challenge, verbose_name=_("challenge"), on_delete=models.CASCADE, related_name="+"
    )
    team = models.ForeignKey(
        Team, verbose_name=_("team"), on_delete=models.CASCADE, related_name="submissions"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    text = models.CharField(_("what was sent"), max_length=256)
    is_correct = models.BooleanField(_("right"))
    submitted_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        verbose_name = _("flag submission")
        verbose_name_plural = _("flag submissions")
        ordering = ["-submitted_at", "-pk"]
        indexes = [models.Index(fields=["team", "challenge", "submitted_at"])]

    def __str__(self):
        return f"{self.team_id}/{self.challenge_id} {self.is_correct}"


class Solve(models.Model):
    competition = models.ForeignKey(
        Competition, verbose_name=_("competition"), on_delete=models.CASCADE, related_name="+"
    )
    challenge = models.ForeignKey(
        Challenge, verbose_name=_("challenge"), on_delete=models.CASCADE, related_name="solves"
    )
    team = models.ForeignKey(
        Team, verbose_name=_("team"), on_delete=models.CASCADE, related_name="solves"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("solved by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    solved_at = models.DateTimeField(_("solved"))
    # Which solve of the challenge this was (1 = first blood); the order the challenge's
    # lock gave, so a rebuild replays exactly the order the incremental board saw.
    position = models.PositiveIntegerField(_("solve number"))

    class Meta:
        verbose_name = _("solve")
        verbose_name_plural = _("solves")
        ordering = ["solved_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["team", "challenge"], name="ctf_one_solve_per_team"),
            models.UniqueConstraint(
                fields=["challenge", "position"], name="ctf_unique_solve_position"
            ),
        ]
        indexes = [models.Index(fields=["competition", "solved_at"])]

    def __str__(self):
        return f"{self.team_id} solved {self.challenge_id}"


class HintUnlock(models.Model):
    hint = models.ForeignKey(
        Hint, verbose_name=_("hint"), on_delete=models.CASCADE, related_name="+"
    )
    team = models.ForeignKey(
        Team, verbose_name=_("team"), on_delete=models.CASCADE, related_name="hint_unlocks"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("unlocked by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    cost = models.PositiveIntegerField(_("cost"))
    unlocked_at = models.DateTimeField(_("unlocked"))

    class Meta:
        verbose_name = _("hint unlock")
        verbose_name_plural = _("hint unlocks")
        constraints = [
            models.UniqueConstraint(fields=["team", "hint"], name="ctf_one_unlock_per_team")
        ]

    def __str__(self):
        return f"{self.team_id} unlocked {self.hint_id}"


class SharingIncident(models.Model):
    """A team sent the per-team flag that belongs to another team."""

    competition = models.ForeignKey(
        Competition, verbose_name=_("competition"), on_delete=models.CASCADE, related_name="+"
    )
    challenge = models.ForeignKey(
        Challenge, verbose_name=_("challenge"), on_delete=models.CASCADE, related_name="+"
    )
    submitting_team = models.ForeignKey(
        Team, verbose_name=_("team that sent it"), on_delete=models.CASCADE, related_name="+"
    )
    owner_team = models.ForeignKey(
        Team, verbose_name=_("team the flag belongs to"), on_delete=models.CASCADE, related_name="+"
    )
    submission = models.OneToOneField(
        Submission, verbose_name=_("submission"), on_delete=models.CASCADE, related_name="+"
    )
    detected_at = models.DateTimeField(_("detected"), auto_now_add=True)

    class Meta:
        verbose_name = _("flag sharing incident")
        verbose_name_plural = _("flag sharing incidents")
        ordering = ["-detected_at", "-pk"]

    def __str__(self):
        return f"{self.submitting_team_id} sent {self.owner_team_id}'s flag"


def attachment_path(instance, filename) -> str:
    # The stored name is a random token: the organiser's file name may say more than the
    # challenge should, and a guessable name would let anyone fetch it from the storage.
    return f"ctf/{instance.challenge.competition_id}/{instance.token}"


class Attachment(models.Model):
    """A file of a challenge, checked by `attachments.check` and kept in the media storage.
    Teams download it through a view that checks the challenge is open to them."""

    challenge = models.ForeignKey(
        Challenge, verbose_name=_("challenge"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)
    token = models.CharField(max_length=32, unique=True, default=new_token, editable=False)
    name = models.CharField(_("file name"), max_length=100)
    content_type = models.CharField(max_length=60, editable=False)
    size = models.PositiveIntegerField(_("size (bytes)"), editable=False)
    sha256 = models.CharField(_("SHA-256"), max_length=64, editable=False)
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["challenge", "pk"]

    def __str__(self):
        return self.name


class WriteUp(TimeStampedModel):
    """A team's account of how it solved a challenge, sent after the end. Others read
    `public_text` only: the text as `core.screening` masked it."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("waiting for review")
        ACCEPTED = "accepted", _("accepted")
        REJECTED = "rejected", _("not accepted")

    competition = models.ForeignKey(
        Competition, verbose_name=_("competition"), on_delete=models.CASCADE, related_name="+"
    )
    team = models.ForeignKey(
        Team, verbose_name=_("team"), on_delete=models.CASCADE, related_name="writeups"
    )
    challenge = models.ForeignKey(
        Challenge, verbose_name=_("challenge"), on_delete=models.CASCADE, related_name="writeups"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    text = models.TextField(_("write-up (Markdown)"))
    public_text = models.TextField(_("write-up as others read it"), editable=False)
    found_types = models.JSONField(_("personal information masked"), default=list, editable=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.SUBMITTED
    )
    review_note = models.CharField(_("reason"), max_length=300, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)

    class Meta:
        verbose_name = _("write-up")
        verbose_name_plural = _("write-ups")
        ordering = ["challenge", "team", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["team", "challenge"], name="ctf_one_writeup_per_team")
        ]

    def __str__(self):
        return f"{self.team_id}/{self.challenge_id}"
