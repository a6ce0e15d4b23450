"""The knowledge contest: a question bank with revisions, contests with a paper
specification, and attempts that each draw their own paper."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from cyberweek.core.fields import BlindIndexField, EncryptedTextField
from cyberweek.core.models import TimeStampedModel
from cyberweek.geo.models import Region, Sector


class Topic(models.TextChoices):
    PERSONAL_INFORMATION = "personal_information", _("Personal information protection")
    TELECOM_FRAUD = "telecom_fraud", _("Telecom and online fraud")
    FINANCE = "finance", _("Finance")
    CAMPUS = "campus", _("Campus")
    LAW = "law", _("Law")
    TECHNOLOGY = "technology", _("Technology")


class Difficulty(models.IntegerChoices):
    EASY = 1, _("easy")
    MEDIUM = 2, _("medium")
    HARD = 3, _("hard")


class Question(TimeStampedModel):
    """A question's identity: its code, topic and difficulty. What it says lives in its
    versions, so a revision never changes what an earlier attempt was asked."""

    class Kind(models.TextChoices):
        SINGLE = "single", _("single choice")
        MULTIPLE = "multiple", _("multiple choice")
        TRUE_FALSE = "true_false", _("true or false")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    topic = models.CharField(_("topic"), max_length=24, choices=Topic.choices)
    difficulty = models.PositiveSmallIntegerField(_("difficulty"), choices=Difficulty.choices)
    is_active = models.BooleanField(
        _("in use"), default=True, help_text=_("Only questions in use are drawn for new papers.")
    )
    current = models.ForeignKey(
        "QuestionVersion",
        verbose_name=_("current version"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Digest of the normalised Chinese text of the current version: finds duplicates.
    text_digest = models.CharField(max_length=64, db_index=True, editable=False)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["code"]
        indexes = [models.Index(fields=["is_active", "topic", "difficulty"])]

    def __str__(self):
        return self.code


class QuestionVersion(models.Model):
    """What a question said at one revision. Never edited once written."""

    question = models.ForeignKey(
        Question, verbose_name=_("question"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("revision"))
    text = models.TextField(_("question"))
    text_en = models.TextField(_("question (English)"), blank=True)
    # [{"key": "A", "text": "…", "text_en": "…"}, …] in the bank's order.
    options = models.JSONField(_("options"))
    correct = models.JSONField(_("correct options"), help_text=_("Keys of the right options."))
    explanation = models.TextField(_("explanation"), blank=True)
    explanation_en = models.TextField(_("explanation (English)"), blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("question version")
        verbose_name_plural = _("question versions")
        ordering = ["question", "number"]
        constraints = [
            models.UniqueConstraint(fields=["question", "number"], name="unique_question_revision")
        ]

    def __str__(self):
        return f"{self.question.code} v{self.number}"

    def option_text(self, key: str, english: bool = False) -> str:
        for option in self.options:
            if option["key"] == key:
                return (english and option.get("text_en")) or option["text"]
        return key


class Contest(TimeStampedModel):
    """One contest of an edition: its window, paper specification and rules."""

    class ReviewOpens(models.TextChoices):
        """When a participant may see the right answers of a submitted attempt (Moodle's
        review options). A contest open for days with several attempts each must not show
        them at once: answers collected from one review would score the next attempt."""

        IMMEDIATELY = "immediately", _("immediately after the attempt")
        AFTER_LAST_ATTEMPT = "after_last_attempt", _("after the participant's last attempt")
        AFTER_CLOSE = "after_close", _("after the contest closes")

    edition = models.ForeignKey(
        "programme.Edition",
        verbose_name=_("edition"),
        on_delete=models.PROTECT,
        related_name="quiz_contests",
    )
    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    title = models.CharField(_("title"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(_("closes"))
    time_limit_minutes = models.PositiveSmallIntegerField(_("time limit (minutes)"), default=20)
    attempts_allowed = models.PositiveSmallIntegerField(_("attempts allowed per person"), default=1)
    pass_mark = models.PositiveSmallIntegerField(
        _("pass mark (%)"), default=60, help_text=_("Share of the points needed to pass.")
    )
    review_opens = models.CharField(
        _("right answers shown"),
        max_length=20,
        choices=ReviewOpens.choices,
        default=ReviewOpens.AFTER_CLOSE,
        help_text=_(
            "When participants may review their attempts with the right answers and "
            "explanations. Before that they see only their score (if shown) and when the "
            "review opens."
        ),
    )
    score_shown_at_once = models.BooleanField(
        _("show the score after each attempt"),
        default=True,
        help_text=_(
            "Untick to keep scores, passes and certificates hidden until the review opens."
        ),
    )
    youth_track = models.BooleanField(_("youth track"), default=False)
    youth_min_age = models.PositiveSmallIntegerField(_("youth track: youngest age"), default=6)
    youth_max_age = models.PositiveSmallIntegerField(_("youth track: oldest age"), default=18)
    is_published = models.BooleanField(_("published"), default=False)

    class Meta:
        verbose_name = _("contest")
        verbose_name_plural = _("contests")
        ordering = ["-opens_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=F("opens_at")), name="contest_closes_after_opening"
            ),
            models.CheckConstraint(
                condition=Q(pass_mark__lte=100), name="contest_pass_mark_at_most_100"
            ),
        ]

    def __str__(self):
        return self.title

    def is_open_at(self, moment) -> bool:
        return self.is_published and self.opens_at <= moment < self.closes_at


class PaperRule(models.Model):
    """Part of a contest's paper: draw `count` questions of a topic (and difficulty)."""

    contest = models.ForeignKey(
        Contest, verbose_name=_("contest"), on_delete=models.CASCADE, related_name="paper_rules"
    )
    topic = models.CharField(_("topic"), max_length=24, choices=Topic.choices)
    difficulty = models.PositiveSmallIntegerField(
        _("difficulty"), choices=Difficulty.choices, null=True, blank=True
    )
    count = models.PositiveSmallIntegerField(_("questions"))
    points = models.PositiveSmallIntegerField(_("points each"), default=5)

    class Meta:
        verbose_name = _("paper rule")
        verbose_name_plural = _("paper rules")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=Q(count__gt=0), name="paper_rule_draws_something"),
        ]

    def __str__(self):
        return f"{self.get_topic_display()} × {self.count}"


class Entry(TimeStampedModel):
    """A person taking part in one contest, with what its leaderboards and certificate
    need to know about them, and nothing more."""

    class Track(models.TextChoices):
        GENERAL = "general", _("general")
        YOUTH = "youth", _("youth")

    contest = models.ForeignKey(
        Contest, verbose_name=_("contest"), on_delete=models.CASCADE, related_name="entries"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("participant"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="quiz_entries",
    )
    display_name = EncryptedTextField(_("display name"))
    show_name = models.BooleanField(_("show my name on leaderboards"), default=False)
    show_name_chosen_at = models.DateTimeField(_("name display chosen"), null=True, blank=True)
    region = models.ForeignKey(
        Region, verbose_name=_("region"), null=True, blank=True, on_delete=models.PROTECT
    )
    sector = models.CharField(_("sector"), max_length=16, choices=Sector.choices, blank=True)
    school = EncryptedTextField(_("school"), blank=True)
    school_index = BlindIndexField(source="school", purpose="quiz.school", db_index=True)
    track = models.CharField(_("track"), max_length=8, choices=Track.choices, default="general")
    birth_year = models.PositiveSmallIntegerField(_("year of birth"), null=True, blank=True)
    # The best submitted attempt, kept here so leaderboards are one indexed read.
    best_score = models.PositiveIntegerField(_("best score"), null=True, blank=True)
    best_duration_ms = models.PositiveIntegerField(_("time of best score (ms)"), null=True)
    erased = models.BooleanField(_("erased"), default=False)

    class Meta:
        verbose_name = _("entry")
        verbose_name_plural = _("entries")
        constraints = [
            models.UniqueConstraint(fields=["contest", "user"], name="one_entry_per_person")
        ]
        indexes = [models.Index(fields=["contest", "-best_score", "best_duration_ms"])]

    def __str__(self):
        return f"{self.contest.slug} #{self.pk}"


class Attempt(models.Model):
    """One go at a contest's paper. The server keeps the deadline."""

    class Status(models.TextChoices):
        OPEN = "open", _("in progress")
        SUBMITTED = "submitted", _("submitted")

    entry = models.ForeignKey(
        Entry, verbose_name=_("entry"), on_delete=models.CASCADE, related_name="attempts"
    )
    contest = models.ForeignKey(
        Contest, verbose_name=_("contest"), on_delete=models.CASCADE, related_name="attempts"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("participant"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="quiz_attempts",
    )
    number = models.PositiveSmallIntegerField(_("attempt"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default="open")
    started_at = models.DateTimeField(_("started"))
    deadline_at = models.DateTimeField(_("deadline"))
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    auto_submitted = models.BooleanField(_("submitted at the deadline"), default=False)
    score = models.PositiveIntegerField(_("score"), null=True, blank=True)
    max_score = models.PositiveIntegerField(_("maximum score"))
    duration_ms = models.PositiveIntegerField(_("time taken (ms)"), null=True, blank=True)
    passed = models.BooleanField(_("passed"), default=False)
    flags = models.JSONField(_("flags"), default=list, blank=True)
    is_flagged = models.BooleanField(_("flagged"), default=False, db_index=True)
    # An organiser's decision on a flagged attempt: the flag cleared, or the attempt voided
    # (it no longer counts: no score on the boards, no certificate). The reason is told to
    # the participant; it is stored screened of personal information.
    flag_reviewed_at = models.DateTimeField(_("flag reviewed"), null=True, blank=True)
    voided_at = models.DateTimeField(_("voided"), null=True, blank=True)
    review_reason = models.CharField(_("reason for the decision"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("attempt")
        verbose_name_plural = _("attempts")
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "number"], name="unique_attempt_number"),
            # The database itself keeps a person to one open attempt per contest.
            models.UniqueConstraint(
                fields=["entry"], condition=Q(status="open"), name="one_open_attempt"
            ),
        ]
        indexes = [models.Index(fields=["contest", "status", "submitted_at"])]

    def __str__(self):
        return f"{self.contest.slug} #{self.pk}"


class PaperItem(models.Model):
    """One question on one attempt's paper, at the version asked and in shuffled order."""

    attempt = models.ForeignKey(
        Attempt, verbose_name=_("attempt"), on_delete=models.CASCADE, related_name="items"
    )
    position = models.PositiveSmallIntegerField(_("position"))
    question = models.ForeignKey(Question, verbose_name=_("question"), on_delete=models.PROTECT)
    version = models.ForeignKey(
        QuestionVersion, verbose_name=_("version asked"), on_delete=models.PROTECT
    )
    option_order = models.JSONField(_("option order"))
    points = models.PositiveSmallIntegerField(_("points"))

    class Meta:
        verbose_name = _("paper item")
        verbose_name_plural = _("paper items")
        ordering = ["attempt", "position"]
        constraints = [
            models.UniqueConstraint(fields=["attempt", "position"], name="unique_paper_position"),
            models.UniqueConstraint(fields=["attempt", "question"], name="unique_paper_question"),
        ]

    def __str__(self):
        return f"{self.attempt_id}/{self.position}"


class Answer(models.Model):
    """The options a participant chose for one question of their paper; the last save
    wins, one row per question."""

    # No index of its own: the unique constraint's (attempt, question) index serves lookups
    # by attempt, and every answer saved would otherwise update one more index.
    attempt = models.ForeignKey(
        Attempt,
        verbose_name=_("attempt"),
        on_delete=models.CASCADE,
        related_name="answers",
        db_index=False,
    )
    question = models.ForeignKey(Question, verbose_name=_("question"), on_delete=models.PROTECT)
    version = models.ForeignKey(
        QuestionVersion, verbose_name=_("version asked"), on_delete=models.PROTECT
    )
    chosen = models.JSONField(_("chosen options"))
    answered_at = models.DateTimeField(_("answered"))
    is_correct = models.BooleanField(_("correct"), null=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(fields=["attempt", "question"], name="one_answer_per_question")
        ]

    def __str__(self):
        return f"{self.attempt_id}/{self.question_id}"


class Certificate(models.Model):
    """Proof of a pass, verifiable by anyone who has the code (on the PDF's QR code)."""

    attempt = models.OneToOneField(
        Attempt, verbose_name=_("attempt"), on_delete=models.CASCADE, related_name="certificate"
    )
    code = models.CharField(_("code"), max_length=32, unique=True)
    holder_name = EncryptedTextField(_("name on the certificate"))
    issued_at = models.DateTimeField(_("issued"), auto_now_add=True)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")

    def __str__(self):
        return self.code
