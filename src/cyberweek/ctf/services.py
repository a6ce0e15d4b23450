"""Every state change of the CTF competition: teams (register, join, review, ban), flags,
hints, challenges and the board (rebuild, publish)."""

import unicodedata
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from cyberweek.core import audit
from cyberweek.core.errors import (
    Conflict,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from cyberweek.core.permissions import require_scope
from cyberweek.core.transactions import service
from cyberweek.geo.models import Sector

from . import board, flags, ratelimits
from .actions import MANAGE
from .models import (
    Challenge,
    Competition,
    Division,
    Hint,
    HintUnlock,
    Membership,
    SharingIncident,
    Solve,
    Submission,
    Team,
)

TEAM_NAME_MIN, TEAM_NAME_MAX = 2, 40
_MARKUP = set("<>&\"'`{}\\")


# --- teams --------------------------------------------------------------------------------
def clean_team_name(name: str) -> tuple[str, str]:
    """The name as shown and the key two names that look alike share, or a refusal."""
    name = unicodedata.normalize("NFKC", (name or "").strip())
    name = " ".join(name.split())
    if not TEAM_NAME_MIN <= len(name) <= TEAM_NAME_MAX:
        raise ValidationFailed(
            _("A team name has %(low)d to %(high)d characters.")
            % {"low": TEAM_NAME_MIN, "high": TEAM_NAME_MAX},
            field="name",
        )
    if any(char in _MARKUP for char in name):
        raise ValidationFailed(
            _("A team name cannot contain markup characters such as < > & \" ' ` { } \\."),
            field="name",
        )
    if any(unicodedata.category(char)[0] == "C" for char in name):
        raise ValidationFailed(
            _("A team name cannot contain control or invisible characters."), field="name"
        )
    return name, "".join(name.casefold().split())


def _email_domain(user) -> str:
    return (user.email or "").rpartition("@")[2].lower()


def _youth_birth_year(division: Division, competition: Competition, birth_year) -> int | None:
    """The year of birth to keep: the youth division needs one in its age range; other
    divisions keep none."""
    if division.kind != Division.Kind.YOUTH:
        return None
    if birth_year is None:
        raise ValidationFailed(
            _("The youth division needs your year of birth."), field="birth_year"
        )
    age = competition.starts_at.year - int(birth_year)
    if not 0 < age <= division.youth_max_age:
        raise ValidationFailed(
            _("The youth division is for those aged %(age)d or younger this year.")
            % {"age": division.youth_max_age},
            field="birth_year",
        )
    return int(birth_year)


def _open_for_teams(competition: Competition) -> None:
    if not competition.is_published:
        raise NotFound(_("No such competition."))
    if timezone.now() >= competition.ends_at:
        raise InvalidTransition(_("The competition has ended."))


@service
def register_team(
    *,
    actor,
    competition_id: int,
    name: str,
    division_id: int,
    region,
    sector: str,
    birth_year: int | None = None,
) -> Team:
    """Register a team with the actor as captain. A team waits for review when the
    competition asks for it, or when a university team's captain has no school address."""
    competition = Competition.objects.filter(pk=competition_id).first()
    if competition is None:
        raise NotFound(_("No such competition."))
    _open_for_teams(competition)
    division = Division.objects.filter(pk=division_id, competition=competition).first()
    if division is None:
        raise ValidationFailed(_("Choose one of this competition's divisions."), field="division")
    if region is None:
        raise ValidationFailed(_("Choose your team's region."), field="region")
    if sector not in Sector.values:
        raise ValidationFailed(_("Choose your team's sector."), field="sector")
    shown, key = clean_team_name(name)
    kept_birth_year = _youth_birth_year(division, competition, birth_year)
    needs_review = competition.requires_review or (
        division.kind == Division.Kind.UNIVERSITY and _email_domain(actor) not in division.domains()
    )
    if Membership.objects.filter(competition=competition, user=actor).exists():
        raise Conflict(_("You are already in a team of this competition."))
    if Team.objects.filter(competition=competition, name_key=key).exists():
        raise Conflict(_("Another team already has this name."), field="name")
    try:
        with transaction.atomic():
            team = Team.objects.create(
                competition=competition,
                division=division,
                name=shown,
                name_key=key,
                captain=actor,
                region=region,
                sector=sector,
                status=Team.Status.PENDING if needs_review else Team.Status.APPROVED,
            )
            Membership.objects.create(
                competition=competition, team=team, user=actor, birth_year=kept_birth_year
            )
    except IntegrityError as error:
        # Two requests at once: the constraints decide, and say which rule was hit.
        raise Conflict(_("You are already in a team, or the name was just taken.")) from error
    board.publish_after_commit(competition, [team.pk])
    return team


@service
def join_team(*, actor, invite_token: str, birth_year: int | None = None) -> Team:
    """Join the team whose invite code this is, within its size limit."""
    team = (
        Team.objects.select_for_update()
        .select_related("competition", "division")
        .filter(invite_token=(invite_token or "")[:40])
        .first()
    )
    if team is None:
        raise NotFound(_("This invite code does not belong to any team."))
    competition = team.competition
    _open_for_teams(competition)
    if team.status in (Team.Status.BANNED, Team.Status.REJECTED):
        raise InvalidTransition(_("This team cannot take new members."))
    if Membership.objects.filter(competition=competition, user=actor).exists():
        raise Conflict(_("You are already in a team of this competition."))
    if team.memberships.count() >= competition.team_size:
        raise InvalidTransition(
            _("The team is full (%(n)d members).") % {"n": competition.team_size}
        )
    kept_birth_year = _youth_birth_year(team.division, competition, birth_year)
    if (
        team.division.kind == Division.Kind.UNIVERSITY
        and team.reviewed_at is None
        and _email_domain(actor) not in team.division.domains()
    ):
        # Without a school address, an organiser has to accept the team (again).
        team.status = Team.Status.PENDING
        team.board_version += 1
        team.save(update_fields=["status", "board_version", "updated_at"])
        board.publish_after_commit(competition, [team.pk])
    try:
        with transaction.atomic():
            Membership.objects.create(
                competition=competition, team=team, user=actor, birth_year=kept_birth_year
            )
    except IntegrityError as error:
        raise Conflict(_("You are already in a team of this competition.")) from error
    return team


def _team_for_update(actor, team_id: int) -> Team:
    team = Team.objects.select_for_update().select_related("competition").filter(pk=team_id).first()
    if team is None:
        raise NotFound(_("No such team."))
    require_scope(actor, action=MANAGE)
    return team


def _set_status(team: Team, status: str, note: str) -> None:
    team.status = status
    team.review_note = (note or "")[:300]
    team.board_version += 1
    team.save(update_fields=["status", "review_note", "board_version", "reviewed_at", "updated_at"])
    # A ban or reinstatement changes the frozen board: compute it again.
    Competition.objects.filter(pk=team.competition_id).update(
        board_generation=F("board_generation") + 1
    )
    board.publish_after_commit(team.competition, [team.pk])


@service
def review_team(*, actor, team_id: int, approve: bool, note: str = "") -> Team:
    """Accept or refuse a team waiting for review (or refused before)."""
    team = _team_for_update(actor, team_id)
    if team.status not in (Team.Status.PENDING, Team.Status.REJECTED, Team.Status.APPROVED):
        raise InvalidTransition(_("A banned team is reinstated, not reviewed."))
    team.reviewed_at = timezone.now()
    _set_status(team, Team.Status.APPROVED if approve else Team.Status.REJECTED, note)
    audit.record(actor, "ctf.team.approved" if approve else "ctf.team.rejected", team)
    return team


@service
def ban_team(*, actor, team_id: int, note: str = "") -> Team:
    """Ban a team: it leaves every board and cannot submit. Its solves still count in the
    challenges' solve counts, so no other team's score moves."""
    team = _team_for_update(actor, team_id)
    if team.status == Team.Status.BANNED:
        raise InvalidTransition(_("The team is banned already."))
    _set_status(team, Team.Status.BANNED, note)
    audit.record(actor, "ctf.team.banned", team)
    return team


@service
def reinstate_team(*, actor, team_id: int, note: str = "") -> Team:
    team = _team_for_update(actor, team_id)
    if team.status != Team.Status.BANNED:
        raise InvalidTransition(_("Only a banned team can be reinstated."))
    _set_status(team, Team.Status.APPROVED, note)
    audit.record(actor, "ctf.team.reinstated", team)
    return team


# --- flags --------------------------------------------------------------------------------
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
    team = team_of(actor, competition.pk)
    if team is None:
        raise PermissionDenied(_("Join or register a team first."))
    if team.status == Team.Status.BANNED:
        raise PermissionDenied(_("Your team is banned from this competition."))
    if team.status == Team.Status.PENDING:
        raise PermissionDenied(_("Your team is waiting for the organisers' review."))
    if team.status == Team.Status.REJECTED:
        raise PermissionDenied(_("Your team was not accepted."))
    return team


def _open_challenge(challenge_id: int, *, now) -> Challenge:
    challenge = (
        Challenge.objects.select_related("competition")
        .filter(pk=challenge_id, competition__is_published=True)
        .first()
    )
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
    released, outside the window) or still locked, and too many flags."""
    cleaned = flags.clean_submission(text)
    now = timezone.now()
    challenge = _open_challenge(challenge_id, now=now)
    competition = challenge.competition
    team = _playing_team(actor, competition)
    if Solve.objects.filter(team=team, challenge=challenge).exists():
        return Outcome(correct=True, already_solved=True)
    locked = _locked_prerequisites(challenge, team)
    if locked:
        raise InvalidTransition(
            _("Solve %(names)s first.") % {"names": ", ".join(c.title for c in locked)}
        )
    ratelimits.check_submission(team_id=team.pk, challenge_id=challenge.pk)
    if not flags.matches(challenge, team.pk, cleaned):
        _record_wrong(actor, challenge, team, cleaned)
        return Outcome(correct=False)
    return _record_solve(actor, challenge, team, cleaned)


def _record_wrong(actor, challenge: Challenge, team: Team, text: str) -> None:
    fields = {
        "competition_id": challenge.competition_id,
        "challenge": challenge,
        "team": team,
        "user": actor,
        "text": text,
        "is_correct": False,
    }
    owner = flags.owner_of(challenge, text)
    shared = owner is not None and owner != team.pk
    if shared:
        shared = Team.objects.filter(pk=owner, competition_id=challenge.competition_id).exists()
    if not shared:
        # One INSERT in autocommit: wrong flags are most of the traffic.
        Submission.objects.create(**fields)
        return
    with transaction.atomic():
        submission = Submission.objects.create(**fields)
        SharingIncident.objects.create(
            competition_id=challenge.competition_id,
            challenge=challenge,
            submitting_team=team,
            owner_team_id=owner,
            submission=submission,
        )


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
    challenge = _open_challenge(hint.challenge_id, now=now)
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


# --- organisers ---------------------------------------------------------------------------
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
    audit.record(actor, "ctf.board.published", competition)
    return competition
