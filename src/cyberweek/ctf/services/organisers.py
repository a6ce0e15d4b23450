"""What organisers change: challenges, hints, the board (rebuild, publish)."""

from django.utils import timezone
from django.utils.translation import gettext as _

from cyberweek.core import audit
from cyberweek.core.errors import (
    InvalidTransition,
    NotFound,
    ValidationFailed,
)
from cyberweek.core.permissions import require_scope
from cyberweek.core.transactions import service

from .. import board, cached_state, flags
from ..actions import MANAGE
from ..models import (
    Challenge,
    Competition,
    Hint,
)

CHALLENGE_FIELDS = (
    "title", "title_en", "category", "description", "description_en", "instance_url",
    "scoring", "initial_value", "minimum_value", "decay", "flag_kind", "flag",
    "case_insensitive", "release_at", "is_hidden",
)  # fmt: skip
SCORING_FIELDS = {"scoring", "initial_value", "minimum_value", "decay"}


def _check_challenge(data: dict) -> None:
    kind = data.get("flag_kind")
    flag = data.get("flag") or ""
    if kind == Challenge.FlagKind.REGEX:
        problem = flags.check_pattern(flag)
        if problem:
            raise ValidationFailed(problem, field="flag")
    elif not flag:
        raise ValidationFailed(_("Enter the flag (or, per team, its prefix)."), field="flag")
    if kind != Challenge.FlagKind.REGEX:
        try:
            flags.clean_submission(flag)
        except ValidationFailed as error:
            raise ValidationFailed(error.message, field="flag") from error
    if data.get("minimum_value", 0) > data.get("initial_value", 0):
        raise ValidationFailed(
            _("The lowest value cannot be above the value."), field="minimum_value"
        )
    if data.get("scoring") == Challenge.Scoring.STATIC:
        data["minimum_value"] = min(data.get("minimum_value", 0), data.get("initial_value", 0))


@service
def save_challenge(
    *, actor, competition_id: int, data: dict, challenge_id: int | None = None,
    prerequisites=(),
) -> Challenge:  # fmt: skip
    """Create or change a challenge. A change to its scoring recomputes the board."""
    require_scope(actor, action=MANAGE)
    competition = Competition.objects.filter(pk=competition_id).first()
    if competition is None:
        raise NotFound(_("No such competition."))
    data = {k: v for k, v in data.items() if k in CHALLENGE_FIELDS}
    if challenge_id is None:
        challenge = Challenge(competition=competition)
    else:
        challenge = (
            Challenge.objects.select_for_update()
            .filter(pk=challenge_id, competition=competition)
            .first()
        )
        if challenge is None:
            raise NotFound(_("No such challenge."))
    merged = {name: getattr(challenge, name) for name in CHALLENGE_FIELDS} | data
    _check_challenge(merged)
    rescore = challenge.pk is not None and any(
        getattr(challenge, name) != merged[name] for name in SCORING_FIELDS
    )
    for name, value in merged.items():
        setattr(challenge, name, value)
    challenge.save()
    prerequisites = [p for p in prerequisites if p.pk != challenge.pk]
    if any(p.competition_id != competition.pk for p in prerequisites):
        raise ValidationFailed(
            _("Prerequisites come from the same competition."), field="prerequisites"
        )
    challenge.prerequisites.set(prerequisites)
    cached_state.changed()
    audit.record(
        actor, "ctf.challenge.created" if challenge_id is None else "ctf.challenge.changed",
        challenge, fields=sorted(data),
    )  # fmt: skip
    if rescore:
        board.rebuild(competition)
    return challenge


@service
def save_hint(*, actor, challenge_id: int, text: str, text_en: str = "", cost: int = 0) -> Hint:
    require_scope(actor, action=MANAGE)
    challenge = Challenge.objects.filter(pk=challenge_id).first()
    if challenge is None:
        raise NotFound(_("No such challenge."))
    if not (text or "").strip():
        raise ValidationFailed(_("Write the hint."), field="text")
    if cost is None or int(cost) < 0:
        raise ValidationFailed(_("A hint's cost is zero or more."), field="cost")
    hint = Hint.objects.create(challenge=challenge, text=text, text_en=text_en, cost=int(cost))
    audit.record(actor, "ctf.hint.created", hint, challenge=challenge.pk)
    return hint


@service
def rebuild_board(*, actor, competition_id: int) -> int:
    """Recompute every total from solves and unlocks (after a change of scoring rules)."""
    require_scope(actor, action=MANAGE)
    competition = Competition.objects.filter(pk=competition_id).first()
    if competition is None:
        raise NotFound(_("No such competition."))
    changed = board.rebuild(competition)
    audit.record(actor, "ctf.board.rebuilt", competition, changed=changed)
    return changed


@service
def publish_board(*, actor, competition_id: int) -> Competition:
    """After the end: unfreeze, so everyone sees the final board."""
    require_scope(actor, action=MANAGE)
    competition = Competition.objects.select_for_update().filter(pk=competition_id).first()
    if competition is None:
        raise NotFound(_("No such competition."))
    if timezone.now() < competition.ends_at:
        raise InvalidTransition(_("The final board is published after the competition ends."))
    if competition.board_published:
        raise InvalidTransition(_("The final board is published already."))
    competition.board_published = True
    competition.save(update_fields=["board_published", "updated_at"])
    cached_state.changed()
    audit.record(actor, "ctf.board.published", competition)
    return competition
