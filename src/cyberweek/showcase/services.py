"""Every state change of the micro-video contest but uploads (`uploads.py`), the check
(`processing.py`) and voting (`voting.py`): entries, captions, screening and judging."""

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cyberweek.core import audit, certificates
from cyberweek.core.errors import (
    Conflict,
    InvalidTransition,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from cyberweek.core.permissions import require_scope
from cyberweek.core.screening import screen_text
from cyberweek.core.transactions import service
from cyberweek.privacy import services as privacy_services
from cyberweek.privacy.models import Purpose

from . import casting, queries
from .actions import MANAGE, SCREEN
from .models import (
    Category,
    Certificate,
    ConflictDeclaration,
    Entry,
    JudgeAssignment,
    Score,
    VideoContest,
)

MAX_CAPTIONS_BYTES = 512 * 1024


def _signed_in(actor) -> None:
    if not getattr(actor, "is_authenticated", False):
        raise NotAuthenticated()


def _clean(value: str, *, field: str, limit: int, required: bool = True) -> str:
    value = " ".join((value or "").split()) if field != "description" else (value or "").strip()
    if required and not value:
        raise ValidationFailed(_("This field is required."), field=field)
    if len(value) > limit:
        raise ValidationFailed(_("At most %(limit)d characters.") % {"limit": limit}, field=field)
    if "\x00" in value:
        raise ValidationFailed(_("The text contains a NUL character."), field=field)
    return value


# --- Entries --------------------------------------------------------------------------------
@service
def save_entry(
    *,
    actor,
    contest_id: int,
    title: str,
    description: str = "",
    category: str,
    theme: str = "",
    display_name: str,
    show_name: bool = False,
    entry_ref: str | None = None,
    now=None,
) -> Entry:
    """Create (or, with `entry_ref`, change) the actor's entry while submissions are open.
    The title and description are screened by the `pii` engine: the public sees the masked
    text. Ticking "show my name" is the leaderboard-display consent of the privacy centre,
    the same one the knowledge contest's leaderboards use."""
    _signed_in(actor)
    now = now or timezone.now()
    contest = VideoContest.objects.filter(pk=contest_id, is_published=True).first()
    if contest is None:
        raise NotFound(_("No such contest."))
    if not contest.submissions_open(now):
        raise InvalidTransition(_("Submissions to this contest are closed."))
    if category not in Category.values or category not in contest.categories:
        raise ValidationFailed(_("Choose one of the contest's categories."), field="category")
    if theme and theme not in contest.theme_list():
        raise ValidationFailed(_("Choose one of the contest's themes."), field="theme")
    title = _clean(title, field="title", limit=80)
    description = _clean(description, field="description", limit=2000, required=False)
    display_name = _clean(display_name, field="display_name", limit=30)
    if entry_ref:
        entry = Entry.objects.select_for_update().filter(ref=entry_ref, entrant=actor).first()
        if entry is None or entry.erased:
            raise NotFound(_("No such entry of yours."))
        if entry.status == Entry.Status.REJECTED:
            raise InvalidTransition(_("This entry was rejected and cannot be changed."))
    else:
        entry = Entry(contest=contest, entrant=actor)
    title_screened = screen_text(title)
    description_screened = screen_text(description)
    entry.category, entry.theme = category, theme
    entry.title, entry.description = title, description
    entry.public_title = title_screened.public_text
    entry.public_description = description_screened.public_text
    entry.found_types = sorted(
        set(title_screened.found_types) | set(description_screened.found_types)
    )
    entry.display_name, entry.show_name = display_name, show_name
    if entry.status == Entry.Status.RETURNED:
        # Changed after being returned: back in the screening queue (if it has a video).
        entry.status = Entry.Status.SCREENING if entry.video_id else Entry.Status.UPLOADING
    entry.save()
    if show_name:
        if privacy_services.current_notice(Purpose.LEADERBOARD_DISPLAY) is not None:
            privacy_services.give_consent(user=actor, purpose=Purpose.LEADERBOARD_DISPLAY)
    else:
        privacy_services.withdraw_consent(user=actor, purpose=Purpose.LEADERBOARD_DISPLAY)
    audit.record(actor, "showcase.entry_saved", entry)
    return entry


@service
def set_captions(*, actor, entry_ref: str, content: bytes, now=None) -> Entry:
    """Attach WebVTT captions to the actor's entry (or replace them) before the deadline."""
    _signed_in(actor)
    now = now or timezone.now()
    entry = (
        Entry.objects.select_for_update()
        .select_related("contest")
        .filter(ref=entry_ref, entrant=actor, erased=False)
        .first()
    )
    if entry is None:
        raise NotFound(_("No such entry of yours."))
    if not entry.contest.submissions_open(now):
        raise InvalidTransition(_("Submissions to this contest are closed."))
    text = validate_webvtt(content)
    old = entry.captions_name
    name = f"showcase/{entry.contest_id}/{entry.ref}/captions.vtt"
    entry.captions_name = default_storage.save(name, ContentFile(text.encode("utf-8")))
    entry.save(update_fields=["captions_name", "updated_at"])
    if old:
        default_storage.delete(old)
    return entry


def validate_webvtt(content: bytes) -> str:
    """The text of a WebVTT file, or a `ValidationFailed` saying what is wrong with it."""
    if len(content) > MAX_CAPTIONS_BYTES:
        raise ValidationFailed(_("Captions may be at most 512 KB."), field="captions")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValidationFailed(_("Captions must be UTF-8 text."), field="captions") from error
    if "\x00" in text:
        raise ValidationFailed(_("Captions must be UTF-8 text."), field="captions")
    lines = text.replace("\r\n", "\n").split("\n")
    if not lines[0].startswith("WEBVTT"):
        raise ValidationFailed(_("Captions must be a WebVTT file (starting with WEBVTT)."))
    cues = [line for line in lines if "-->" in line]
    if not cues:
        raise ValidationFailed(_("The captions file has no cues."), field="captions")
    for line in cues:
        start, _sep, rest = line.partition("-->")
        end = rest.strip().split(" ")[0]
        if not (_timestamp(start.strip()) is not None and _timestamp(end) is not None):
            raise ValidationFailed(
                _("A cue timing is not valid: %(line)s") % {"line": line[:60]}, field="captions"
            )
        if _timestamp(end) < _timestamp(start.strip()):
            raise ValidationFailed(
                _("A cue ends before it starts: %(line)s") % {"line": line[:60]}, field="captions"
            )
    return "\n".join(lines)


def _timestamp(value: str) -> float | None:
    parts = value.split(":")
    if len(parts) not in (2, 3):
        return None
    try:
        seconds = float(parts[-1])
        minutes = int(parts[-2])
        hours = int(parts[0]) if len(parts) == 3 else 0
    except ValueError:
        return None
    if not (0 <= seconds < 60 and 0 <= minutes < 60 and "." in parts[-1]):
        return None
    return hours * 3600 + minutes * 60 + seconds


def delete_entry_files(entry: Entry) -> None:
    """The entry's stored videos, posters, web versions and captions."""
    for video in entry.videos.all():
        for name in (video.original_name, video.poster_name, video.rendition_name):
            if name:
                default_storage.delete(name)
    if entry.captions_name:
        default_storage.delete(entry.captions_name)


# --- Screening ------------------------------------------------------------------------------
@service
def screen_entry(*, actor, entry_id: int, decision: str, reason: str = "") -> Entry:
    """An organiser accepts an entry waiting for screening, returns it to the entrant with
    reasons, or rejects it (with a reason). Only an entry with a checked video is screened."""
    require_scope(actor, action=SCREEN)
    entry = Entry.objects.select_for_update().filter(pk=entry_id, erased=False).first()
    if entry is None:
        raise NotFound(_("No such entry."))
    targets = {
        "accept": Entry.Status.ACCEPTED,
        "return": Entry.Status.RETURNED,
        "reject": Entry.Status.REJECTED,
    }
    if decision not in targets:
        raise ValidationFailed(_("Unknown decision."), field="decision")
    if entry.status != Entry.Status.SCREENING:
        raise InvalidTransition(_("Only an entry waiting for screening can be screened."))
    reason = _clean(reason, field="reason", limit=1000, required=decision != "accept")
    entry.status = targets[decision]
    entry.screening_reason = reason
    entry.screened_at = timezone.now()
    entry.save()
    casting.votable_changed()
    audit.record(actor, f"showcase.entry_{decision}ed", entry)
    return entry


# --- Judging --------------------------------------------------------------------------------
def _judged_entry(actor, entry_id: int) -> Entry:
    _signed_in(actor)
    entry = (
        Entry.objects.select_related("contest")
        .filter(pk=entry_id, status=Entry.Status.ACCEPTED, erased=False)
        .first()
    )
    if entry is None:
        raise NotFound(_("No such entry to judge."))
    if not JudgeAssignment.objects.filter(
        contest=entry.contest_id, judge=actor, category=entry.category
    ).exists():
        raise PermissionDenied(_("You are not a judge of this category."))
    return entry


@service
def declare_conflict(*, actor, entry_id: int, reason: str) -> ConflictDeclaration:
    """A judge declares a conflict of interest with an entry; their scores on it, if any,
    are withdrawn, and they cannot score it from now on."""
    entry = _judged_entry(actor, entry_id)
    reason = _clean(reason, field="reason", limit=200)
    try:
        declaration = ConflictDeclaration.objects.create(judge=actor, entry=entry, reason=reason)
    except IntegrityError as error:
        raise Conflict(_("You have already declared a conflict with this entry.")) from error
    Score.objects.filter(judge=actor, entry=entry).delete()
    audit.record(actor, "showcase.conflict_declared", entry)
    return declaration


@service
def score_entry(*, actor, entry_id: int, scores: dict[int, int], comment: str = "") -> list[Score]:
    """A judge assigned to the entry's category scores it on every criterion of the contest
    (again, to change the scores). Not after a declared conflict; not their own entry."""
    entry = _judged_entry(actor, entry_id)
    if entry.entrant_id == actor.pk:
        raise PermissionDenied(_("You cannot judge your own entry."))
    if ConflictDeclaration.objects.filter(judge=actor, entry=entry).exists():
        raise PermissionDenied(_("You declared a conflict of interest with this entry."))
    if entry.contest.results_published_at is not None:
        raise InvalidTransition(_("The results are published; scores are final."))
    criteria = list(entry.contest.criteria.all())
    if not criteria:
        raise InvalidTransition(_("The contest has no criteria yet."))
    if set(scores) != {c.pk for c in criteria}:
        raise ValidationFailed(_("Score every criterion."), field="scores")
    comment = _clean(comment, field="comment", limit=2000, required=False)
    saved = []
    for criterion in criteria:
        value = scores[criterion.pk]
        if not isinstance(value, int) or not 0 <= value <= criterion.max_score:
            raise ValidationFailed(
                _("%(name)s: a score from 0 to %(max)d.")
                % {"name": criterion.name, "max": criterion.max_score},
                field="scores",
            )
        score, _new = Score.objects.update_or_create(
            entry=entry,
            judge=actor,
            criterion=criterion,
            defaults={"value": value, "comment": comment},
        )
        saved.append(score)
    audit.record(actor, "showcase.entry_scored", entry)
    return saved


@service
def publish_results(*, actor, contest_id: int, now=None) -> VideoContest:
    """Publish the ranking once voting has closed, and issue a certificate to each entry
    placed within the contest's `winners`. Publishing again changes nothing."""
    require_scope(actor, action=MANAGE)
    now = now or timezone.now()
    contest = VideoContest.objects.select_for_update().filter(pk=contest_id).first()
    if contest is None:
        raise NotFound(_("No such contest."))
    if now < contest.voting_closes_at:
        raise InvalidTransition(_("Results can be published once voting has closed."))
    if contest.results_published_at is None:
        contest.results_published_at = now
        contest.save(update_fields=["results_published_at", "updated_at"])
        winners = [row for row in queries.results(contest) if row.rank <= contest.winners]
        Certificate.objects.bulk_create(
            Certificate(entry=row.entry, rank=row.rank, code=certificates.new_code())
            for row in winners
        )
        audit.record(actor, "showcase.results_published", contest, certificates=len(winners))
    return contest
