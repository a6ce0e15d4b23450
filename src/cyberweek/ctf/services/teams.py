"""Teams: registering, joining by invite, review, bans."""

import unicodedata

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

from .. import board, cached_state
from ..actions import MANAGE
from ..models import (
    Competition,
    Division,
    Membership,
    Team,
)

TEAM_NAME_MIN, TEAM_NAME_MAX = 2, 40
_MARKUP = set("<>&\"'`{}\\")


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
    cached_state.changed()
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
    cached_state.changed()
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
    cached_state.changed()
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


@service
def leave_team(*, actor, team_id: int) -> Team:
    """The actor leaves their team before the end. A captain hands over first while others
    remain; the last member may leave too, and the team keeps its solves and score."""
    team = Team.objects.select_for_update().select_related("competition").filter(pk=team_id).first()
    membership = Membership.objects.filter(team=team, user=actor).first() if team else None
    if membership is None:
        raise NotFound(_("You are not in this team."))
    if timezone.now() >= team.competition.ends_at:
        raise InvalidTransition(_("The competition has ended; teams stay as they played."))
    others = team.memberships.exclude(pk=membership.pk).count()
    if team.captain_id == actor.pk and others:
        raise InvalidTransition(
            _("Hand the captaincy to another member before you leave."), field="captain"
        )
    membership.delete()
    cached_state.changed()
    if team.captain_id == actor.pk:
        team.captain = None
        team.save(update_fields=["captain", "updated_at"])
    audit.record(actor, "ctf.team.left", team, members_left=others)
    return team


@service
def hand_over_captaincy(*, actor, team_id: int, new_captain_id: int) -> Team:
    """The captain makes another member of the team captain."""
    team = Team.objects.select_for_update().filter(pk=team_id).first()
    if team is None or team.captain_id != actor.pk:
        raise PermissionDenied(_("Only the team's captain can hand over the captaincy."))
    if new_captain_id == actor.pk:
        raise InvalidTransition(_("You are the captain already."), field="captain")
    if not team.memberships.filter(user_id=new_captain_id).exists():
        raise ValidationFailed(_("Choose a member of your team."), field="captain")
    team.captain_id = new_captain_id
    team.save(update_fields=["captain", "updated_at"])
    audit.record(actor, "ctf.team.captain_changed", team)
    return team
