"""Playing: flags (wrong, right, another team's) and hints."""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from cyberweek.core.errors import (
    InvalidTransition,
    NotFound,
    PermissionDenied,
)
from cyberweek.core.transactions import service

from .. import board, cached_state, flags, ratelimits
from ..models import (
    Challenge,
    Competition,
    Hint,
    HintUnlock,
    Membership,
    SharingIncident,
    Solve,
    Submission,
    Team,
)


@dataclass(frozen=True)
class Outcome:
    correct: bool
    already_solved: bool = False
    points: int = 0


def team_of(actor, competition_id: int) -> Team | None:
    if not getattr(actor, "is_authenticated", False):
        return None
    membership = (
        Membership.objects.select_related("team")
        .filter(competition_id=competition_id, user=actor)
        .first()
    )
    return membership.team if membership else None


def _playing_team(actor, competition: Competition) -> Team:
    return _check_playing(team_of(actor, competition.pk))


def _check_playing(team: Team | None) -> Team:
    if team is None:
        raise PermissionDenied(_("Join or register a team first."))
    if team.status == Team.Status.BANNED:
        raise PermissionDenied(_("Your team is banned from this competition."))
    if team.status == Team.Status.PENDING:
        raise PermissionDenied(_("Your team is waiting for the organisers' review."))
    if team.status == Team.Status.REJECTED:
        raise PermissionDenied(_("Your team was not accepted."))
    return team


def _open_challenge(challenge: Challenge | None, *, now) -> Challenge:
    """The challenge if flags may be sent to it now, else a refusal. `challenge` is the row
    as `cached_state.challenge_row` gives it (None: no such challenge)."""
    if challenge is None or not challenge.is_released_at(now):
        # A hidden or unreleased challenge is "not found": its existence is not told.
        raise NotFound(_("No such challenge is open."))
    competition = challenge.competition
    if now < competition.starts_at:
        raise InvalidTransition(_("The competition has not started yet."))
    if now >= competition.ends_at:
        raise InvalidTransition(_("The competition has ended; flags are no longer accepted."))
    return challenge


def _locked_prerequisites(challenge: Challenge, team: Team) -> list[Challenge]:
    if not getattr(challenge, "gated", True):
        return []
    needed = list(challenge.prerequisites.all())
    if not needed:
        return []
    solved = set(
        Solve.objects.filter(team=team, challenge__in=needed).values_list("challenge_id", flat=True)
    )
    return [c for c in needed if c.pk not in solved]


def submit_flag(*, actor, challenge_id: int, text: str) -> Outcome:
    """Check a team's flag. A wrong flag is recorded and changes nothing else; a right one
    records the solve and updates every total it moves, in one transaction. Refused:
    bad input, no team or a team not taking part, a challenge not open (hidden, not
    released, outside the window) or still locked, and too many flags.

    The challenge and the team come from the shared cache (`cached_state`, invalidated by
    every organiser change); whether the team solved the challenge is asked of the
    database, by the wrong flag's INSERT itself when the challenge has no prerequisites."""
    cleaned = flags.clean_submission(text)
    now = timezone.now()
    challenge, team = cached_state.challenge_and_team(challenge_id, actor.pk)
    challenge = _open_challenge(challenge, now=now)
    team = _check_playing(team)
    if challenge.gated:
        # Prerequisites are asked about only once the challenge is not solved yet.
        if Solve.objects.filter(team_id=team.pk, challenge_id=challenge.pk).exists():
            return Outcome(correct=True, already_solved=True)
        locked = _locked_prerequisites(challenge, team)
        if locked:
            raise InvalidTransition(
                _("Solve %(names)s first.") % {"names": ", ".join(c.title for c in locked)}
            )
    ratelimits.check_submission(team_id=team.pk, challenge_id=challenge.pk)
    if not flags.matches(challenge, team.pk, cleaned):
        if not _record_wrong(actor, challenge, team, cleaned):
            return Outcome(correct=True, already_solved=True)
        return Outcome(correct=False)
    return _record_solve(actor, challenge, team, cleaned)


def _record_wrong(actor, challenge: Challenge, team: Team, text: str) -> bool:
    """Record a wrong flag (and, when it is another team's per-team flag, the sharing
    incident); False when the team had solved the challenge, and nothing is recorded."""
    owner = flags.owner_of(challenge, text)
    shared = owner is not None and owner != team.pk
    if shared:
        shared = Team.objects.filter(pk=owner, competition_id=challenge.competition_id).exists()
    if not shared:
        # One INSERT in autocommit that also asks whether the team solved the challenge:
        # wrong flags are most of the traffic.
        return cached_state.record_wrong_unless_solved(
            challenge=challenge, team=team, user_id=actor.pk, text=text
        )
    with transaction.atomic():
        if Solve.objects.filter(team_id=team.pk, challenge_id=challenge.pk).exists():
            return False
        submission = Submission.objects.create(
            competition_id=challenge.competition_id,
            challenge=challenge,
            team=team,
            user=actor,
            text=text,
            is_correct=False,
        )
        SharingIncident.objects.create(
            competition_id=challenge.competition_id,
            challenge=challenge,
            submitting_team=team,
            owner_team_id=owner,
            submission=submission,
        )
    return True


@transaction.atomic
def _record_solve(actor, challenge: Challenge, team: Team, text: str) -> Outcome:
    # The challenge's row orders its solves: positions, blood and decay follow that order.
    challenge = Challenge.objects.select_for_update().get(pk=challenge.pk)
    competition = Competition.objects.get(pk=challenge.competition_id)
    if Solve.objects.filter(team=team, challenge=challenge).exists():
        return Outcome(correct=True, already_solved=True)
    now = timezone.now()
    before = challenge.solve_count
    position = before + 1
    Submission.objects.create(
        competition=competition, challenge=challenge, team=team, user=actor, text=text,
        is_correct=True,
    )  # fmt: skip
    Solve.objects.create(
        competition=competition,
        challenge=challenge,
        team=team,
        user=actor,
        solved_at=now,
        position=position,
    )
    Challenge.objects.filter(pk=challenge.pk).update(solve_count=position)
    earned = board.challenge_points(challenge, competition, position=position, solves=position)
    moved = [team.pk]
    if competition.retroactive and before:
        old = board.current_value(challenge, before)
        drop = board.current_value(challenge, position) - old
        if drop:
            earlier = Team.objects.filter(solves__challenge=challenge).exclude(pk=team.pk)
            moved += list(earlier.values_list("pk", flat=True))
            earlier.update(score=F("score") + drop, board_version=F("board_version") + 1)
    Team.objects.filter(pk=team.pk).update(
        score=F("score") + earned, last_solve_at=now, board_version=F("board_version") + 1
    )
    board.publish_after_commit(competition, moved)
    return Outcome(correct=True, points=earned)


@service
def unlock_hint(*, actor, hint_id: int) -> Hint:
    """Unlock a hint for the actor's team; its cost comes off the team's score once."""
    hint = Hint.objects.select_related("challenge").filter(pk=hint_id).first()
    if hint is None:
        raise NotFound(_("No such hint."))
    now = timezone.now()
    challenge = _open_challenge(cached_state.challenge_row(hint.challenge_id), now=now)
    team = _playing_team(actor, challenge.competition)
    team = Team.objects.select_for_update().get(pk=team.pk)
    if HintUnlock.objects.filter(team=team, hint=hint).exists():
        return hint
    HintUnlock.objects.create(hint=hint, team=team, user=actor, cost=hint.cost, unlocked_at=now)
    if hint.cost:
        Team.objects.filter(pk=team.pk).update(
            score=F("score") - hint.cost, board_version=F("board_version") + 1
        )
        board.publish_after_commit(challenge.competition, [team.pk])
    return hint
