"""What the CTF keeps about a person (see core/personal_data.py).

A person is a member of a team (and maybe its captain), with a year of birth only in the
youth division; the flags, solves and hint unlocks they sent are recorded under their team
and name them as the sender; the write-ups they sent name them as author. The public sees
team names and screened write-ups only.

Erasing a person also deletes the write-ups they wrote (their own words); at the end of
retention accepted write-ups stay as screened text without an author, and the others go.

Erasing a person takes them out of their team and blanks them as the sender of flags,
solves and unlocks: the team, its solves and its score stay as they were, so no other
team's rank moves. `Retention.CONTEST` days after the edition ends the same happens to
everyone in the competition, and the flags sent (right or wrong) are deleted.
"""

from datetime import timedelta

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from cyberweek.core.personal_data import PersonalDataSource, Retention, field_label, iso

from . import cached_state
from .models import HintUnlock, Membership, SharingIncident, Solve, Submission, Team, WriteUp


def _labelled(model, **values) -> dict:
    return {field_label(model, name): value for name, value in values.items()}


def export(user) -> list[dict]:
    records = []
    memberships = Membership.objects.filter(user=user).select_related(
        "competition", "team__division", "team__region"
    )
    for membership in memberships:
        team = membership.team
        records.append(
            {
                "what": str(_("CTF team")),
                **_labelled(
                    Team,
                    competition=membership.competition.title,
                    division=team.division.name,
                    name=team.name,
                    captain=str(_("you")) if team.captain_id == user.pk else "",
                    invite_token=team.invite_token,
                    region=team.region.code,
                    sector=team.sector,
                    status=team.get_status_display(),
                    review_note=team.review_note,
                    reviewed_at=iso(team.reviewed_at),
                    score=team.score,
                    last_solve_at=iso(team.last_solve_at),
                    created_at=iso(team.created_at),
                    updated_at=iso(team.updated_at),
                ),
                **_labelled(
                    Membership,
                    team=team.name,
                    birth_year=membership.birth_year or "",
                    joined_at=iso(membership.joined_at),
                ),
            }
        )
    for submission in Submission.objects.filter(user=user).select_related("challenge", "team"):
        records.append(
            {
                "what": str(_("Flag you sent")),
                **_labelled(
                    Submission,
                    competition=submission.challenge.competition_id,
                    challenge=submission.challenge.title,
                    team=submission.team.name,
                    text=submission.text,
                    is_correct=submission.is_correct,
                    submitted_at=iso(submission.submitted_at),
                ),
            }
        )
    for solve in Solve.objects.filter(user=user).select_related("challenge", "team"):
        records.append(
            {
                "what": str(_("Challenge you solved")),
                **_labelled(
                    Solve,
                    competition=solve.competition_id,
                    challenge=solve.challenge.title,
                    team=solve.team.name,
                    solved_at=iso(solve.solved_at),
                    position=solve.position,
                ),
            }
        )
    for unlock in HintUnlock.objects.filter(user=user).select_related("hint", "team"):
        records.append(
            {
                "what": str(_("Hint you unlocked")),
                **_labelled(
                    HintUnlock,
                    hint=unlock.hint.text,
                    team=unlock.team.name,
                    cost=unlock.cost,
                    unlocked_at=iso(unlock.unlocked_at),
                ),
            }
        )
    incidents = SharingIncident.objects.filter(submission__user=user).select_related(
        "challenge", "submitting_team", "owner_team"
    )
    for incident in incidents:
        records.append(
            {
                "what": str(_("Flag you sent that belonged to another team")),
                **_labelled(
                    SharingIncident,
                    competition=incident.competition_id,
                    challenge=incident.challenge.title,
                    submitting_team=incident.submitting_team.name,
                    owner_team=incident.owner_team.name,
                    submission=incident.submission_id,
                    detected_at=iso(incident.detected_at),
                ),
            }
        )
    for writeup in WriteUp.objects.filter(author=user).select_related("challenge", "team"):
        records.append(
            {
                "what": str(_("Write-up you sent")),
                **_labelled(
                    WriteUp,
                    challenge=writeup.challenge.title,
                    team=writeup.team.name,
                    text=writeup.text,
                    public_text=writeup.public_text,
                    found_types=", ".join(writeup.found_types),
                    status=writeup.get_status_display(),
                    review_note=writeup.review_note,
                    reviewed_at=iso(writeup.reviewed_at),
                    created_at=iso(writeup.created_at),
                    updated_at=iso(writeup.updated_at),
                ),
            }
        )
    return records


NOT_EXPORTED = {
    "ctf.writeup.competition": "The competition of the challenge above.",
    "ctf.writeup.author": "You.",
    "ctf.team.competition": "The competition, named with the team above.",
    "ctf.team.name_key": "The team name folded for comparison: the name above again.",
    "ctf.team.board_version": "A counter that orders writes to the board.",
    "ctf.membership.competition": "The competition of the team above.",
    "ctf.membership.user": "You.",
    "ctf.submission.user": "You.",
    "ctf.solve.user": "You.",
    "ctf.hintunlock.user": "You.",
}


def _anonymise(memberships) -> int:
    """Take people out of their teams; the teams and their scores stay."""
    changed = 0
    for membership in memberships.select_related("team"):
        user_id = membership.user_id
        team = membership.team
        Submission.objects.filter(team=team, user_id=user_id).update(user=None)
        Solve.objects.filter(team=team, user_id=user_id).update(user=None)
        HintUnlock.objects.filter(team=team, user_id=user_id).update(user=None)
        if team.captain_id == user_id:
            Team.objects.filter(pk=team.pk).update(captain=None)
        membership.delete()
        changed += 1
    if changed:
        # The person is in no team any more: the next flag they send is refused.
        cached_state.changed()
    return changed


def erase(user) -> int:
    with transaction.atomic():
        # A write-up is the person's own words: it goes (the team's score does not move).
        changed = WriteUp.objects.filter(author=user).delete()[0]
        changed += _anonymise(Membership.objects.filter(user=user))
        # Rows left from a team the person was no longer in.
        changed += Submission.objects.filter(user=user).update(user=None)
        changed += Solve.objects.filter(user=user).update(user=None)
        changed += HintUnlock.objects.filter(user=user).update(user=None)
        return changed


def purge(*, today, dry_run: bool) -> int:
    days = Retention.days(Retention.CONTEST)
    if days is None:
        return 0
    cutoff = today - timedelta(days=days)
    due = Membership.objects.filter(competition__edition__ends_on__lt=cutoff)
    flags_sent = Submission.objects.filter(competition__edition__ends_on__lt=cutoff)
    writeups = WriteUp.objects.filter(
        competition__edition__ends_on__lt=cutoff, author__isnull=False
    )
    if dry_run:
        return due.count() + flags_sent.count() + writeups.count()
    with transaction.atomic():
        # Accepted write-ups stay readable as screened, without their author; the rest go.
        changed = writeups.exclude(status=WriteUp.Status.ACCEPTED).delete()[0]
        changed += writeups.update(author=None, text=F("public_text"))
        changed += _anonymise(due)
        # The flags people typed (wrong ones may say anything) go; solves keep the board.
        SharingIncident.objects.filter(submission__in=flags_sent).delete()
        changed += flags_sent.delete()[0]
        return changed


SOURCES = [
    PersonalDataSource(
        key="ctf.teams",
        label=_("CTF: your teams, the flags you sent, your solves, hint unlocks and write-ups"),
        origin=_("You, when you register or join a team and play"),
        retention=Retention.CONTEST,
        models=(
            "ctf.Team",
            "ctf.Membership",
            "ctf.Submission",
            "ctf.Solve",
            "ctf.HintUnlock",
            "ctf.SharingIncident",
            "ctf.WriteUp",
        ),
        export=export,
        erase=erase,
        purge=purge,
        purpose=_(
            "To run the competition: your team and its membership, the flags your team "
            "sent and solved, and the board, which shows team names only."
        ),
        exempt_fields=NOT_EXPORTED,
    ),
]
