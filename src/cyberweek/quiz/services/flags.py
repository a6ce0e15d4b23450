"""Deciding on a flagged attempt: an organiser with `quiz.flags` (national) clears the flag
(the attempt stands) or voids the attempt (it no longer counts), always with a reason. The
decision is audited, and the participant is told by mail through the outbox."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from cyberweek.core import audit, outbox
from cyberweek.core.errors import InvalidTransition, ValidationFailed
from cyberweek.core.permissions import require_scope
from cyberweek.core.queries import one_or_not_found
from cyberweek.core.screening import screen_text

from .. import leaderboards, mail
from ..actions import FLAGS
from ..models import Attempt, Certificate

MAX_REASON = 300


def _reviewable(actor, attempt_id: int, reason: str) -> tuple[Attempt, str]:
    require_scope(actor, action=FLAGS)
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationFailed(_("Give the reason; the participant is told it."), field="reason")
    if len(reason) > MAX_REASON:
        raise ValidationFailed(
            _("A reason of at most %(n)d characters, please.") % {"n": MAX_REASON},
            field="reason",
        )
    attempt = one_or_not_found(
        Attempt.objects.select_for_update().select_related("entry", "contest"), pk=attempt_id
    )
    if not attempt.is_flagged or attempt.voided_at is not None:
        raise InvalidTransition(_("This attempt is not flagged, or was decided already."))
    # Screened like the access log's reasons: a name typed into it is not kept.
    return attempt, screen_text(reason).public_text


def _tell(attempt: Attempt, decision: str) -> None:
    outbox.enqueue(
        mail.send_flag_decision, attempt_id=attempt.pk, decision=decision, language=get_language()
    )


@transaction.atomic
def clear_flag(*, actor, attempt_id: int, reason: str) -> Attempt:
    """The attempt stands as it was scored; the flag is lifted."""
    attempt, reason = _reviewable(actor, attempt_id, reason)
    attempt.is_flagged = False
    attempt.flag_reviewed_at = timezone.now()
    attempt.review_reason = reason
    attempt.save(update_fields=["is_flagged", "flag_reviewed_at", "review_reason"])
    audit.record(actor, "quiz.flag_cleared", attempt, reason=reason)
    _tell(attempt, "cleared")
    return attempt


@transaction.atomic
def void_attempt(*, actor, attempt_id: int, reason: str) -> Attempt:
    """The attempt no longer counts: its certificate is withdrawn, and the entry's best
    score (and so its place on the leaderboards) comes from its other attempts."""
    attempt, reason = _reviewable(actor, attempt_id, reason)
    now = timezone.now()
    attempt.is_flagged = False
    attempt.passed = False
    attempt.flag_reviewed_at = attempt.voided_at = now
    attempt.review_reason = reason
    attempt.save(
        update_fields=["is_flagged", "passed", "flag_reviewed_at", "voided_at", "review_reason"]
    )
    Certificate.objects.filter(attempt=attempt).delete()
    entry = attempt.entry
    best = (
        Attempt.objects.filter(entry=entry, status=Attempt.Status.SUBMITTED, voided_at__isnull=True)
        .exclude(score__isnull=True)
        .order_by("-score", "duration_ms")
        .first()
    )
    entry.best_score = best.score if best else None
    entry.best_duration_ms = best.duration_ms if best else None
    entry.save(update_fields=["best_score", "best_duration_ms", "updated_at"])
    # Off every board, then back with what still counts (a board only raises scores).
    leaderboards.remove(entry)
    if best is not None:
        leaderboards.record(entry)
    audit.record(actor, "quiz.attempt_voided", attempt, reason=reason)
    _tell(attempt, "voided")
    return attempt
