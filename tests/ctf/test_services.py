"""Teams, flags and hints: the good paths, every refusal and bad input."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cyberweek.core.errors import (
    Conflict,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from cyberweek.core.models import AuditEvent
from cyberweek.ctf import flags, services
from cyberweek.ctf.models import (
    Challenge,
    Division,
    Membership,
    SharingIncident,
    Solve,
    Submission,
    Team,
)
from cyberweek.ctf.ratelimits import RateLimited
from cyberweek.geo.models import Region
from tests.accounts.factories import UserFactory

from .factories import ChallengeFactory, CompetitionFactory, division, hint, team

pytestmark = pytest.mark.django_db


def province():
    return Region.objects.filter(level=Region.Level.PROVINCE).first()


def register(user, competition, name="红队", kind=Division.Kind.OPEN, **kwargs):
    return services.register_team(
        actor=user,
        competition_id=competition.pk,
        name=name,
        division_id=division(competition, kind).pk,
        region=province(),
        sector="school",
        **kwargs,
    )


# --- teams --------------------------------------------------------------------------------
def test_a_captain_registers_a_team_and_others_join_by_invite():
    competition = CompetitionFactory(team_size=2)
    captain = UserFactory()
    made = register(captain, competition)
    assert made.status == Team.Status.APPROVED
    assert made.captain == captain
    friend = UserFactory()
    services.join_team(actor=friend, invite_token=made.invite_token)
    assert set(made.memberships.values_list("user", flat=True)) == {captain.pk, friend.pk}
    with pytest.raises(InvalidTransition, match="full"):
        services.join_team(actor=UserFactory(), invite_token=made.invite_token)


def test_one_team_per_person_per_competition():
    competition = CompetitionFactory()
    user = UserFactory()
    register(user, competition)
    with pytest.raises(Conflict):
        register(user, competition, name="蓝队")
    other = register(UserFactory(), competition, name="蓝队")
    with pytest.raises(Conflict):
        services.join_team(actor=user, invite_token=other.invite_token)
    # The database holds the rule too.
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(competition=competition, team=other, user=user)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("<script>x</script>", "markup"),
        ("a", "2 to 40"),
        ("x" * 41, "2 to 40"),
        ("zero\u200bwidth", "invisible"),
        ('队"名', "markup"),
    ],
)
def test_team_names_with_markup_or_bad_lengths_are_refused(name, message):
    with pytest.raises(ValidationFailed, match=message):
        register(UserFactory(), CompetitionFactory(), name=name)
    assert not Team.objects.exists()


def test_names_that_look_alike_are_one_name():
    competition = CompetitionFactory()
    register(UserFactory(), competition, name="Red Team")
    with pytest.raises(Conflict, match="name"):
        register(UserFactory(), competition, name="ＲＥＤ team")


def test_the_youth_division_checks_the_year_of_birth_and_keeps_it_only_there():
    competition = CompetitionFactory()
    year = competition.starts_at.year
    with pytest.raises(ValidationFailed, match="year of birth"):
        register(UserFactory(), competition, kind=Division.Kind.YOUTH)
    with pytest.raises(ValidationFailed, match="18 or younger"):
        register(UserFactory(), competition, kind=Division.Kind.YOUTH, birth_year=year - 30)
    young = register(UserFactory(), competition, kind=Division.Kind.YOUTH, birth_year=year - 15)
    assert young.memberships.get().birth_year == year - 15
    adult = register(UserFactory(), competition, name="成人队", birth_year=year - 30)
    assert adult.memberships.get().birth_year is None


def test_a_university_team_without_a_school_address_waits_for_an_organiser(staff):
    competition = CompetitionFactory()
    division(competition, Division.Kind.UNIVERSITY, email_domains="tsinghua.edu.cn\n")
    student = UserFactory(email="li@tsinghua.edu.cn")
    school = register(student, competition, kind=Division.Kind.UNIVERSITY)
    assert school.status == Team.Status.APPROVED
    outsider = register(UserFactory(), competition, name="外校", kind=Division.Kind.UNIVERSITY)
    assert outsider.status == Team.Status.PENDING
    services.review_team(actor=staff, team_id=outsider.pk, approve=True)
    outsider.refresh_from_db()
    assert outsider.status == Team.Status.APPROVED
    assert AuditEvent.objects.filter(action="ctf.team.approved").exists()
    # A member without a school address joining an unreviewed team sends it to review.
    services.join_team(actor=UserFactory(), invite_token=school.invite_token)
    school.refresh_from_db()
    assert school.status == Team.Status.PENDING


def test_only_organisers_review_and_ban_and_refusals_are_recorded():
    competition = CompetitionFactory()
    made = team(competition)
    with pytest.raises(PermissionDenied):
        services.ban_team(actor=made.captain, team_id=made.pk)
    assert AuditEvent.objects.filter(outcome="denied").exists()
    made.refresh_from_db()
    assert made.status == Team.Status.APPROVED


def test_registration_is_refused_after_the_end_and_for_unknown_invites():
    competition = CompetitionFactory(
        starts_at=timezone.now() - timedelta(days=2), ends_at=timezone.now() - timedelta(days=1)
    )
    with pytest.raises(InvalidTransition, match="ended"):
        register(UserFactory(), competition)
    with pytest.raises(NotFound):
        services.join_team(actor=UserFactory(), invite_token="nope")


# --- flags --------------------------------------------------------------------------------
def submit(team_, challenge, text):
    return services.submit_flag(actor=team_.captain, challenge_id=challenge.pk, text=text)


def test_a_right_flag_scores_and_a_wrong_one_is_recorded_and_changes_nothing():
    challenge = ChallengeFactory(flag="flag{right}")
    made = team(challenge.competition)
    assert not submit(made, challenge, "flag{wrong}").correct
    made.refresh_from_db()
    assert made.score == 0
    assert Submission.objects.filter(is_correct=False).count() == 1
    outcome = submit(made, challenge, "flag{right}")
    assert outcome.correct
    assert outcome.points == 500 + 25  # the first blood bonus: 5 %
    made.refresh_from_db()
    assert made.score == 525
    again = submit(made, challenge, "flag{right}")
    assert again.already_solved
    assert Solve.objects.count() == 1


def test_case_option_and_regex_flags():
    loose = ChallengeFactory(flag="flag{MiXeD}", case_insensitive=True)
    strict = ChallengeFactory(competition=loose.competition, flag="flag{MiXeD}")
    pattern = ChallengeFactory(
        competition=loose.competition, flag_kind="regex", flag=r"flag\{[0-9]{4}\}"
    )
    made = team(loose.competition)
    assert not submit(made, strict, "flag{mixed}").correct
    assert submit(made, loose, "FLAG{mixed}").correct
    assert not submit(made, pattern, "flag{12345}").correct
    assert submit(made, pattern, "flag{2019}").correct


def test_a_pathological_regex_is_cut_off_not_waited_for():
    challenge = ChallengeFactory(flag_kind="regex", flag=r"(a+)+$")
    made = team(challenge.competition)
    assert not submit(made, challenge, "a" * 200 + "!").correct


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("x" * (1024 * 1024), "at most 256"),
        ("ｆｌａｇ{x}", "stands in for"),
        ("flаg{x}", "look-alike"),  # a Cyrillic а
        ("   ", "Enter a flag"),
        ("flag{\x00}", "plain ASCII"),
    ],
)
def test_bad_flags_are_refused_with_a_clear_reason_and_not_recorded(text, message):
    challenge = ChallengeFactory()
    made = team(challenge.competition)
    with pytest.raises(ValidationFailed, match=message):
        submit(made, challenge, text)
    assert not Submission.objects.exists()


def test_flags_are_refused_after_the_end_before_the_start_and_for_closed_challenges(staff):
    competition = CompetitionFactory()
    made = team(competition)
    hidden = ChallengeFactory(competition=competition, is_hidden=True)
    later = ChallengeFactory(
        competition=competition, release_at=timezone.now() + timedelta(hours=1)
    )
    for closed in (hidden, later):
        with pytest.raises(NotFound):
            submit(made, closed, closed.flag)
    challenge = ChallengeFactory(competition=competition)
    # Each organiser change is seen by the very next flag (the cached state is told).
    ended = {
        "ends_at": timezone.now() - timedelta(minutes=1),
        "starts_at": timezone.now() - timedelta(hours=3),
    }
    services.save_competition(actor=staff, competition_id=competition.pk, data=ended)
    with pytest.raises(InvalidTransition, match="ended"):
        submit(made, challenge, challenge.flag)
    later_window = {
        "starts_at": timezone.now() + timedelta(hours=1),
        "ends_at": timezone.now() + timedelta(hours=3),
    }
    services.save_competition(actor=staff, competition_id=competition.pk, data=later_window)
    with pytest.raises(InvalidTransition, match="not started"):
        submit(made, challenge, challenge.flag)
    assert not Submission.objects.exists()


def test_banned_pending_and_teamless_people_cannot_submit(staff):
    challenge = ChallengeFactory()
    banned = team(challenge.competition)
    services.ban_team(actor=staff, team_id=banned.pk, note="shared flags")
    with pytest.raises(PermissionDenied, match="banned"):
        submit(banned, challenge, challenge.flag)
    pending = team(challenge.competition, status=Team.Status.PENDING)
    with pytest.raises(PermissionDenied, match="review"):
        submit(pending, challenge, challenge.flag)
    with pytest.raises(PermissionDenied, match="team first"):
        services.submit_flag(actor=UserFactory(), challenge_id=challenge.pk, text="flag{x}")


def test_a_locked_challenge_opens_once_its_prerequisite_is_solved():
    first = ChallengeFactory()
    second = ChallengeFactory(competition=first.competition)
    second.prerequisites.add(first)
    made = team(first.competition)
    with pytest.raises(InvalidTransition, match="first"):
        submit(made, second, second.flag)
    submit(made, first, first.flag)
    assert submit(made, second, second.flag).correct


def test_per_team_flags_and_sharing_is_shown_with_both_teams():
    challenge = ChallengeFactory(flag_kind="per_team", flag="cw")
    alice = team(challenge.competition)
    bob = team(challenge.competition)
    alice_flag = flags.team_flag(challenge, alice.pk)
    assert alice_flag != flags.team_flag(challenge, bob.pk)
    assert not submit(bob, challenge, alice_flag).correct
    incident = SharingIncident.objects.get()
    assert (incident.submitting_team, incident.owner_team) == (bob, alice)
    assert submit(alice, challenge, alice_flag).correct
    # A forged flag naming another team is a wrong flag, not an incident.
    forged = f"cw{{t{alice.pk}_{'0' * 20}}}"
    assert not submit(bob, challenge, forged).correct
    assert SharingIncident.objects.count() == 1


def test_too_many_flags_are_refused(settings):
    settings.CTF_RATE_LIMITS = (100, 3)
    challenge = ChallengeFactory()
    made = team(challenge.competition)
    for _ in range(3):
        submit(made, challenge, "flag{nope}")
    with pytest.raises(RateLimited):
        submit(made, challenge, "flag{nope}")
    assert Submission.objects.count() == 3


# --- scoring through the services ---------------------------------------------------------
def test_dynamic_values_fall_for_earlier_solvers_when_retroactive():
    challenge = ChallengeFactory(scoring="linear", initial_value=500, minimum_value=100, decay=50)
    competition = challenge.competition
    competition.first_blood_pct = competition.second_blood_pct = competition.third_blood_pct = 0
    competition.save()
    teams = [team(competition) for _ in range(3)]
    for made in teams:
        submit(made, challenge, challenge.flag)
    scores = list(Team.objects.filter(pk__in=[t.pk for t in teams]).values_list("score", flat=True))
    assert scores == [400, 400, 400]


def test_non_retroactive_solves_keep_their_value_and_blood_bonuses_apply():
    challenge = ChallengeFactory(scoring="linear", initial_value=500, minimum_value=100, decay=50)
    competition = challenge.competition
    competition.retroactive = False
    competition.save()
    teams = [team(competition) for _ in range(4)]
    for made in teams:
        submit(made, challenge, challenge.flag)
    got = [Team.objects.get(pk=t.pk).score for t in teams]
    assert got == [500 + 25, 450 + 15, 400 + 5, 350]


def test_a_hint_costs_its_points_once():
    challenge = ChallengeFactory()
    tip = hint(challenge, cost=40)
    made = team(challenge.competition)
    services.unlock_hint(actor=made.captain, hint_id=tip.pk)
    services.unlock_hint(actor=made.captain, hint_id=tip.pk)
    made.refresh_from_db()
    assert made.score == -40


def test_organisers_save_challenges_and_bad_patterns_are_refused(staff):
    competition = CompetitionFactory()
    data = {
        "title": "注入",
        "category": "web",
        "flag_kind": "regex",
        "flag": "flag{(",
        "initial_value": 300,
        "minimum_value": 50,
        "decay": 5,
        "scoring": "linear",
    }
    with pytest.raises(ValidationFailed, match="regular expression"):
        services.save_challenge(actor=staff, competition_id=competition.pk, data=data)
    data["flag"] = r"flag\{sql_[a-z]+\}"
    made = services.save_challenge(actor=staff, competition_id=competition.pk, data=data)
    assert made.pk
    assert AuditEvent.objects.filter(action="ctf.challenge.created").exists()
    with pytest.raises(ValidationFailed, match="lowest value"):
        services.save_challenge(
            actor=staff,
            competition_id=competition.pk,
            challenge_id=made.pk,
            data={"minimum_value": 400},
        )


def test_changing_a_challenges_scoring_recomputes_the_board(staff):
    challenge = ChallengeFactory(initial_value=500)
    made = team(challenge.competition)
    submit(made, challenge, challenge.flag)
    services.save_challenge(
        actor=staff,
        competition_id=challenge.competition_id,
        challenge_id=challenge.pk,
        data={"initial_value": 300, "minimum_value": 100},
    )
    made.refresh_from_db()
    assert made.score == 300 + 15
    assert Challenge.objects.get(pk=challenge.pk).solve_count == 1


def test_the_final_board_is_published_only_after_the_end(staff):
    competition = CompetitionFactory()
    with pytest.raises(InvalidTransition, match="after the competition ends"):
        services.publish_board(actor=staff, competition_id=competition.pk)
    competition.ends_at = timezone.now() - timedelta(minutes=1)
    competition.save()
    services.publish_board(actor=staff, competition_id=competition.pk)
    competition.refresh_from_db()
    assert competition.board_published
