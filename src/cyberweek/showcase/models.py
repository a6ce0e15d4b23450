"""The micro-video contest: contests with their limits, entries and their video files,
screening, judging against weighted criteria, and public votes.

The one-vote rule is the database's: `Vote` is unique on (voter, entry, day), where `day`
is the voting day, or the contest's first voting day when the contest allows one vote per
entry in all. Redis only sheds load in front of it (see `voting.py`).
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cyberweek.accounts.identifiers import normalise_mobile
from cyberweek.core.fields import BlindIndexField, EncryptedTextField
from cyberweek.core.models import TimeStampedModel


class Category(models.TextChoices):
    YOUTH = "youth", _("Youth")
    UNIVERSITY = "university", _("University")
    OPEN = "open", _("Open")


def _all_categories():
    return list(Category.values)


def _default_formats():
    return ["mp4", "mov", "webm", "mkv"]


def new_ref() -> str:
    return secrets.token_urlsafe(9)


class VideoContest(TimeStampedModel):
    class VotePeriod(models.TextChoices):
        DAY = "day", _("one vote per entry per day")
        CONTEST = "contest", _("one vote per entry for the whole contest")

    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    title = models.CharField(_("title"), max_length=120)
    title_en = models.CharField(_("title in English"), max_length=120, blank=True)
    rules = models.TextField(_("rules"), blank=True)
    themes = models.TextField(_("themes"), blank=True, help_text=_("One theme a line."))
    categories = models.JSONField(_("categories"), default=_all_categories)
    is_published = models.BooleanField(_("published"), default=False)
    submission_opens_at = models.DateTimeField(_("submissions open"))
    submission_closes_at = models.DateTimeField(_("submissions close"))
    voting_opens_at = models.DateTimeField(_("voting opens"))
    voting_closes_at = models.DateTimeField(_("voting closes"))
    max_duration_seconds = models.PositiveIntegerField(_("longest video (seconds)"), default=300)
    max_size_bytes = models.PositiveBigIntegerField(_("largest file (bytes)"), default=1 << 30)
    max_width = models.PositiveIntegerField(_("widest picture (pixels)"), default=1920)
    max_height = models.PositiveIntegerField(_("tallest picture (pixels)"), default=1080)
    max_fps = models.PositiveIntegerField(_("highest frame rate"), default=60)
    formats = models.JSONField(_("accepted formats"), default=_default_formats)
    vote_period = models.CharField(
        _("vote period"), max_length=8, choices=VotePeriod.choices, default=VotePeriod.DAY
    )
    hide_tallies = models.BooleanField(_("hide vote counts until voting closes"), default=True)
    judge_weight = models.PositiveSmallIntegerField(_("judges' share (%)"), default=70)
    public_weight = models.PositiveSmallIntegerField(_("public vote share (%)"), default=30)
    results_published_at = models.DateTimeField(_("results published"), null=True, blank=True)
    winners = models.PositiveSmallIntegerField(
        _("places with a certificate"),
        default=3,
        help_text=_("The entries ranked this high get a winner's certificate."),
    )

    class Meta:
        verbose_name = _("video contest")
        verbose_name_plural = _("video contests")
        ordering = ["-submission_opens_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(judge_weight__lte=100) & Q(public_weight__lte=100),
                name="showcase_contest_weights_at_most_100",
            ),
            models.CheckConstraint(
                condition=Q(submission_closes_at__gt=models.F("submission_opens_at"))
                & Q(voting_closes_at__gt=models.F("voting_opens_at")),
                name="showcase_contest_windows_ordered",
            ),
        ]

    def __str__(self):
        return self.title

    def theme_list(self) -> list[str]:
        return [line.strip() for line in self.themes.splitlines() if line.strip()]

    def submissions_open(self, now) -> bool:
        return self.submission_opens_at <= now < self.submission_closes_at

    def voting_open(self, now) -> bool:
        return self.voting_opens_at <= now < self.voting_closes_at


class Entry(TimeStampedModel):
    """One video submitted to a contest. The title and description the public sees are the
    screened ones; what the entrant typed stays with the entrant."""

    class Status(models.TextChoices):
        UPLOADING = "uploading", _("uploading")
        CHECKING = "checking", _("checking the video")
        SCREENING = "screening", _("waiting for screening")
        RETURNED = "returned", _("returned for changes")
        REJECTED = "rejected", _("rejected")
        ACCEPTED = "accepted", _("accepted")

    class Step(models.TextChoices):
        PENDING = "pending", _("waiting")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    contest = models.ForeignKey(
        VideoContest, verbose_name=_("contest"), on_delete=models.PROTECT, related_name="entries"
    )
    entrant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entrant"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="video_entries",
    )
    ref = models.CharField(_("reference"), max_length=16, unique=True, default=new_ref)
    category = models.CharField(_("category"), max_length=12, choices=Category.choices)
    theme = models.CharField(_("theme"), max_length=120, blank=True)
    title = models.CharField(_("title as written"), max_length=80)
    description = models.TextField(_("description as written"), blank=True)
    public_title = models.CharField(_("title shown"), max_length=80)
    public_description = models.TextField(_("description shown"), blank=True)
    found_types = models.JSONField(_("personal information found"), default=list, blank=True)
    display_name = models.CharField(_("name shown"), max_length=30)
    show_name = models.BooleanField(_("show my name"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.UPLOADING
    )
    probe_status = models.CharField(
        _("format check"), max_length=8, choices=Step.choices, default=Step.PENDING
    )
    decode_status = models.CharField(
        _("full decode"), max_length=8, choices=Step.choices, default=Step.PENDING
    )
    poster_status = models.CharField(
        _("poster frame"), max_length=8, choices=Step.choices, default=Step.PENDING
    )
    rendition_status = models.CharField(
        _("web version"), max_length=8, choices=Step.choices, default=Step.PENDING
    )
    # The untranslated reason and its values: shown in the reader's language.
    check_error = models.TextField(_("why the video was refused"), blank=True)
    check_error_params = models.JSONField(_("values in the reason"), default=dict, blank=True)
    screening_reason = models.TextField(_("screening reason"), blank=True)
    screened_at = models.DateTimeField(_("screened"), null=True, blank=True)
    video = models.ForeignKey(
        "VideoFile",
        verbose_name=_("current video"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    captions_name = models.CharField(_("captions file"), max_length=255, blank=True)
    erased = models.BooleanField(_("erased"), default=False)

    class Meta:
        verbose_name = _("entry")
        verbose_name_plural = _("entries")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["contest", "status", "category"])]

    def text_can_change(self, now) -> bool:
        """Whether the entrant may still change the title and description (what
        `services.save_entry` allows, and refuses with the reason otherwise)."""
        return self.status != self.Status.REJECTED and self.contest.submissions_open(now)

    def __str__(self):
        return self.public_title

    def check_error_message(self) -> str:
        if not self.check_error:
            return ""
        text = gettext(self.check_error)
        return text % self.check_error_params if self.check_error_params else text

    def steps(self) -> list[tuple[str, str, str]]:
        """(label, status code, status label) of each processing step, in order."""
        names = ["probe_status", "decode_status", "poster_status", "rendition_status"]
        return [
            (
                str(self._meta.get_field(name).verbose_name),
                getattr(self, name),
                self.Step(getattr(self, name)).label,
            )
            for name in names
        ]


class VideoFile(TimeStampedModel):
    """One upload of an entry's video: received over tus into a staging file, then checked
    and, once good, moved to the media storage with its poster and web version."""

    class State(models.TextChoices):
        RECEIVING = "receiving", _("receiving")
        RECEIVED = "received", _("received")
        READY = "ready", _("ready")
        FAILED = "failed", _("refused")
        REPLACED = "replaced", _("replaced")

    entry = models.ForeignKey(
        Entry, verbose_name=_("entry"), on_delete=models.CASCADE, related_name="videos"
    )
    upload_id = models.CharField(max_length=40, unique=True, default=new_ref, editable=False)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.RECEIVING
    )
    length = models.PositiveBigIntegerField(_("size (bytes)"))
    offset = models.PositiveBigIntegerField(_("bytes received"), default=0)
    filename = models.CharField(_("file name"), max_length=120, blank=True)
    expires_at = models.DateTimeField(_("upload expires"))
    original_name = models.CharField(_("stored original"), max_length=255, blank=True)
    poster_name = models.CharField(_("stored poster"), max_length=255, blank=True)
    rendition_name = models.CharField(_("stored web version"), max_length=255, blank=True)
    probe = models.JSONField(_("format details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("video file")
        verbose_name_plural = _("video files")

    def __str__(self):
        return self.upload_id


class Criterion(models.Model):
    contest = models.ForeignKey(
        VideoContest, verbose_name=_("contest"), on_delete=models.CASCADE, related_name="criteria"
    )
    name = models.CharField(_("name"), max_length=80)
    name_en = models.CharField(_("name in English"), max_length=80, blank=True)
    description = models.TextField(_("what judges look for"), blank=True)
    weight = models.PositiveSmallIntegerField(_("weight"), default=1)
    max_score = models.PositiveSmallIntegerField(_("highest score"), default=10)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(weight__gte=1), name="showcase_criterion_weight"),
            models.CheckConstraint(condition=Q(max_score__gte=1), name="showcase_criterion_max"),
        ]

    def __str__(self):
        return self.name


class JudgeAssignment(models.Model):
    contest = models.ForeignKey(
        VideoContest, verbose_name=_("contest"), on_delete=models.CASCADE, related_name="judges"
    )
    judge = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("judge"),
        on_delete=models.CASCADE,
        related_name="video_judging",
    )
    category = models.CharField(_("category"), max_length=12, choices=Category.choices)
    created_at = models.DateTimeField(_("assigned"), auto_now_add=True)

    class Meta:
        verbose_name = _("judge assignment")
        verbose_name_plural = _("judge assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["contest", "judge", "category"], name="showcase_one_assignment"
            )
        ]

    def __str__(self):
        return f"{self.contest_id}/{self.category}/{self.judge_id}"


class ConflictDeclaration(models.Model):
    """A judge declared a conflict of interest with an entry: they may not score it."""

    judge = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("judge"),
        on_delete=models.CASCADE,
        related_name="video_conflicts",
    )
    entry = models.ForeignKey(
        Entry, verbose_name=_("entry"), on_delete=models.CASCADE, related_name="conflicts"
    )
    reason = models.CharField(_("reason"), max_length=200)
    declared_at = models.DateTimeField(_("declared"), auto_now_add=True)

    class Meta:
        verbose_name = _("conflict of interest")
        verbose_name_plural = _("conflicts of interest")
        constraints = [
            models.UniqueConstraint(fields=["judge", "entry"], name="showcase_one_conflict")
        ]

    def __str__(self):
        return f"{self.judge_id}/{self.entry_id}"


class Score(models.Model):
    entry = models.ForeignKey(
        Entry, verbose_name=_("entry"), on_delete=models.CASCADE, related_name="scores"
    )
    judge = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("judge"),
        on_delete=models.CASCADE,
        related_name="video_scores",
    )
    criterion = models.ForeignKey(
        Criterion, verbose_name=_("criterion"), on_delete=models.CASCADE, related_name="scores"
    )
    value = models.PositiveSmallIntegerField(_("score"))
    comment = models.TextField(_("comment"), blank=True)
    scored_at = models.DateTimeField(_("scored"), auto_now=True)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(
                fields=["entry", "judge", "criterion"], name="showcase_one_score"
            )
        ]

    def __str__(self):
        return f"{self.entry_id}/{self.judge_id}/{self.criterion_id}"


class Vote(models.Model):
    contest = models.ForeignKey(
        VideoContest, verbose_name=_("contest"), on_delete=models.CASCADE, related_name="votes"
    )
    entry = models.ForeignKey(
        Entry, verbose_name=_("entry"), on_delete=models.CASCADE, related_name="votes"
    )
    voter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("voter"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="video_votes",
    )
    day = models.DateField(_("voting day"))
    cast_at = models.DateTimeField(_("cast"), auto_now_add=True)
    # A keyed digest of the voter's /24 (IPv4) or /48 (IPv6) network: groups votes from one
    # network for the fraud signals without keeping an address.
    network = models.CharField(_("network (keyed digest)"), max_length=64, blank=True)
    # A keyed digest of the browser's device cookie (`voting.DEVICE_COOKIE`): groups votes
    # of several accounts from one browser, without keeping the cookie.
    device = models.CharField(_("device (keyed digest)"), max_length=64, blank=True)
    played = models.BooleanField(_("played before voting"), default=False)
    voided_at = models.DateTimeField(_("voided"), null=True, blank=True)
    void_reason = models.CharField(_("why voided"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [
            models.UniqueConstraint(fields=["voter", "entry", "day"], name="showcase_one_vote")
        ]
        indexes = [models.Index(fields=["contest", "cast_at"])]

    def __str__(self):
        return f"{self.entry_id}/{self.day}"


class PhoneVerification(TimeStampedModel):
    """A voter's mobile number, proven by a one-time code. One number verifies one person:
    the constraint on the number's keyed digest holds it for verified numbers."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="video_phone",
    )
    mobile = EncryptedTextField(_("mobile number"))
    mobile_index = BlindIndexField(
        _("mobile number"),
        source="mobile",
        normaliser=normalise_mobile,
        purpose="showcase.phone.mobile",
    )
    code_digest = models.CharField(max_length=64, blank=True)
    code_expires_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("wrong codes"), default=0)
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True)

    class Meta:
        verbose_name = _("phone verification")
        verbose_name_plural = _("phone verifications")
        constraints = [
            models.UniqueConstraint(
                fields=["mobile_index"],
                condition=Q(verified_at__isnull=False),
                name="showcase_one_person_per_number",
            )
        ]

    def __str__(self):
        return f"{self.user_id}"


class Certificate(models.Model):
    """A winner's certificate, verifiable by anyone with its code (on the PDF's QR code).
    Issued when the results are published, to the entries placed within the contest's
    `winners`; it goes with the entry."""

    entry = models.OneToOneField(
        Entry, verbose_name=_("entry"), on_delete=models.CASCADE, related_name="certificate"
    )
    code = models.CharField(_("code"), max_length=32, unique=True)
    rank = models.PositiveSmallIntegerField(_("place"))
    issued_at = models.DateTimeField(_("issued"), auto_now_add=True)

    class Meta:
        verbose_name = _("winner's certificate")
        verbose_name_plural = _("winners' certificates")

    def __str__(self):
        return self.code


class Report(models.Model):
    """Someone from the public reports an entry (copyright, personal information, harmful
    content...). Organisers see open reports beside screening and close them, with what
    they did."""

    class Reason(models.TextChoices):
        PERSONAL_DATA = "personal", _("It shows someone's personal information")
        COPYRIGHT = "copyright", _("It copies someone else's work")
        HARMFUL = "harmful", _("It is harmful, offensive or misleading")
        OFF_TOPIC = "off_topic", _("It is not about cybersecurity")
        OTHER = "other", _("Something else")

    class Outcome(models.TextChoices):
        OPEN = "open", _("open")
        DISMISSED = "dismissed", _("dismissed")
        RETURNED = "returned", _("entry returned to its entrant")
        REJECTED = "rejected", _("entry rejected")

    entry = models.ForeignKey(
        Entry, verbose_name=_("entry"), on_delete=models.CASCADE, related_name="reports"
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="video_reports",
    )
    reason = models.CharField(_("reason"), max_length=10, choices=Reason.choices)
    # Screened by the pii engine before an organiser reads it.
    details = models.TextField(_("details"), blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.OPEN
    )
    note = models.CharField(_("what the organisers did"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("reported"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        verbose_name = _("report of an entry")
        verbose_name_plural = _("reports of entries")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["outcome", "entry"])]

    def __str__(self):
        return f"{self.entry_id}/{self.reason}"
