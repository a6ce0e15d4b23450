"""The cached challenges, teams and competitions (`ctf.cached_state`): every organiser
change is seen by the next request, time-driven rules hold on cached entries, and with
the cache unreachable everything comes from the database."""

import warnings
from datetime import timedelta

import pytest
from django.contrib import admin
from django.core.cache import cache
from django.core.cache.backends.base import CacheKeyWarning
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from cyberweek.core import outbox
from cyberweek.core.errors import InvalidTransition, NotFound, PermissionDenied
from cyberweek.ctf import cached_state, personal_data, services
from cyberweek.ctf.models import Challenge, Competition, Submission, Team
from tests.accounts.factories import UserFactory
from tests.core.test_outages import redis_down  # noqa: F401 (a fixture)
from tests.shared_redis import next_try_is_due

from .factories import ChallengeFactory, CompetitionFactory, division, team

pytestmark = pytest.mark.django_db


def submit(team_, challenge, text, actor=None):
    return services.submit_flag(actor=actor or team_.captain, challenge_id=challenge.pk, text=text)


def cached_for(team_, challenge):
    """A wrong flag, so that the challenge and the team are in the cache."""
    assert not submit(team_, challenge, "flag{warming}").correct
    _version, found = cached_state._read(
        [cached_state._challenge_key(challenge.pk), cached_state._teams_key(team_.captain_id)]
    )
    assert len(found) == 2


def challenge_data(challenge, **changes):
    return {name: getattr(challenge, name) for name in services.organisers.CHALLENGE_FIELDS} | (
        changes
    )


def test_a_wrong_flag_reads_the_challenge_and_team_from_the_cache_once_cached(
    django_assert_num_queries,
):
    challenge = ChallengeFactory()
    made = team(challenge.competition)
    cached_for(made, challenge)
    # Only the INSERT, which also asks whether the team solved the challenge.
    with django_assert_num_queries(1):
        assert not submit(made, challenge, "flag{again}").correct
    assert Submission.objects.filter(team=made, is_correct=False).count() == 2


def test_a_wrong_flag_after_a_solve_says_solved_and_records_nothing():
    challenge = ChallengeFactory(flag="flag{right}")
    made = team(challenge.competition)
    cached_for(made, challenge)
    assert submit(made, challenge, "flag{right}").correct
    outcome = submit(made, challenge, "flag{wrong}")
    assert outcome.already_solved
    assert Submission.objects.filter(team=made, is_correct=False).count() == 1  # the warm-up


def test_a_ban_review_and_reinstatement_are_seen_by_the_next_flag(staff):
    challenge = ChallengeFactory()
    made = team(challenge.competition)
    cached_for(made, challenge)
    services.ban_team(actor=staff, team_id=made.pk, note="shared flags")
    with pytest.raises(PermissionDenied, match="banned"):
        submit(made, challenge, "flag{x}")
    services.reinstate_team(actor=staff, team_id=made.pk)
    assert not submit(made, challenge, "flag{x}").correct
    services.review_team(actor=staff, team_id=made.pk, approve=False)
    with pytest.raises(PermissionDenied, match="not accepted"):
        submit(made, challenge, "flag{x}")


def test_leaving_and_joining_a_team_are_seen_by_the_next_flag():
    challenge = ChallengeFactory()
    made = team(challenge.competition, members=2)
    member = made.memberships.exclude(user=made.captain).get().user
    cached_for(made, challenge)
    assert not submit(made, challenge, "flag{x}", actor=member).correct
    services.leave_team(actor=member, team_id=made.pk)
    with pytest.raises(PermissionDenied, match="team first"):
        submit(made, challenge, "flag{x}", actor=member)
    services.join_team(actor=member, invite_token=made.invite_token)
    assert not submit(made, challenge, "flag{x}", actor=member).correct


def test_a_person_who_registers_a_team_may_send_flags_at_once():
    challenge = ChallengeFactory()
    person = UserFactory()
    with pytest.raises(PermissionDenied, match="team first"):
        services.submit_flag(actor=person, challenge_id=challenge.pk, text="flag{x}")
    from .test_services import register

    register(person, challenge.competition)
    outcome = services.submit_flag(actor=person, challenge_id=challenge.pk, text="flag{x}")
    assert not outcome.correct


def test_an_erased_person_is_in_no_team_for_the_next_flag():
    challenge = ChallengeFactory()
    made = team(challenge.competition)
    person = made.captain
    cached_for(made, challenge)
    personal_data.erase(person)
    with pytest.raises(PermissionDenied, match="team first"):
        services.submit_flag(actor=person, challenge_id=challenge.pk, text="flag{x}")


def test_challenge_edits_are_seen_by_the_next_flag(staff):
    challenge = ChallengeFactory(flag="flag{old}")
    made = team(challenge.competition)
    cached_for(made, challenge)
    save = services.save_challenge
    competition_id = challenge.competition_id
    save(
        actor=staff,
        competition_id=competition_id,
        challenge_id=challenge.pk,
        data=challenge_data(challenge, flag="flag{new}"),
    )
    assert not submit(made, challenge, "flag{old}").correct
    challenge.refresh_from_db()
    save(
        actor=staff,
        competition_id=competition_id,
        challenge_id=challenge.pk,
        data=challenge_data(challenge, is_hidden=True),
    )
    with pytest.raises(NotFound):
        submit(made, challenge, "flag{new}")
    challenge.refresh_from_db()
    later = timezone.now() + timedelta(hours=1)
    save(
        actor=staff,
        competition_id=competition_id,
        challenge_id=challenge.pk,
        data=challenge_data(challenge, is_hidden=False, release_at=later),
    )
    with pytest.raises(NotFound):
        submit(made, challenge, "flag{new}")
    # A prerequisite added is asked for at once.
    first = ChallengeFactory(competition=challenge.competition)
    challenge.refresh_from_db()
    save(
        actor=staff,
        competition_id=competition_id,
        challenge_id=challenge.pk,
        data=challenge_data(challenge, release_at=None),
        prerequisites=[first],
    )
    with pytest.raises(InvalidTransition, match="first"):
        submit(made, challenge, "flag{new}")
    submit(made, first, first.flag)
    assert submit(made, challenge, "flag{new}").correct


def test_a_scheduled_release_and_the_end_hold_on_cached_entries(monkeypatch):
    competition = CompetitionFactory()
    soon = timezone.now() + timedelta(minutes=10)
    scheduled = ChallengeFactory(competition=competition, release_at=soon)
    open_now = ChallengeFactory(competition=competition)
    made = team(competition)
    cached_for(made, open_now)
    with pytest.raises(NotFound):
        submit(made, scheduled, scheduled.flag)  # cached as not released yet
    real_now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: real_now() + timedelta(minutes=11))
    assert submit(made, scheduled, scheduled.flag).correct
    monkeypatch.setattr(timezone, "now", lambda: competition.ends_at + timedelta(seconds=1))
    with pytest.raises(InvalidTransition, match="ended"):
        submit(made, open_now, open_now.flag)


def test_a_competition_deleted_in_the_admin_takes_no_more_flags(staff):
    challenge = ChallengeFactory()
    made = team(challenge.competition)
    cached_for(made, challenge)
    request = RequestFactory().post("/")
    request.user = staff
    Team.objects.filter(pk=made.pk).delete()  # a division protects its teams
    admin.site._registry[Competition].delete_model(request, challenge.competition)
    with pytest.raises(NotFound):
        submit(made, challenge, "flag{x}")


def test_entries_are_not_served_once_the_version_is_lost():
    """Redis flushed or restarted without its data: a new start makes old entries stale."""
    challenge = ChallengeFactory(flag="flag{old}")
    made = team(challenge.competition)
    cached_for(made, challenge)
    # A change made behind the services' back, which only a lost version can reveal.
    Challenge.objects.filter(pk=challenge.pk).update(flag="flag{new}")
    cache.delete(cached_state.VERSION_KEY)
    assert submit(made, challenge, "flag{new}").correct


@pytest.mark.usefixtures("redis_down")
def test_flags_are_judged_from_the_database_when_the_cache_is_unreachable(staff):
    challenge = ChallengeFactory(flag="flag{right}")
    made = team(challenge.competition)
    assert not submit(made, challenge, "flag{wrong}").correct
    services.ban_team(actor=staff, team_id=made.pk)
    with pytest.raises(PermissionDenied, match="banned"):
        submit(made, challenge, "flag{right}")
    services.reinstate_team(actor=staff, team_id=made.pk)
    assert submit(made, challenge, "flag{right}").correct
    assert submit(made, challenge, "flag{wrong}").already_solved


# --- the board page -------------------------------------------------------------------------
def board_url(competition):
    return reverse("ctf:board", args=[competition.slug])


def test_the_freeze_holds_on_a_cached_competition_and_page(client, monkeypatch):
    competition = CompetitionFactory(freeze_at=timezone.now() + timedelta(minutes=30))
    team(competition, name="Early")
    before = client.get(board_url(competition)).content.decode()  # cached from now on
    assert "Early" in before
    assert "frozen-note" not in before
    real_now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: real_now() + timedelta(minutes=31))
    for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
        after = client.get(board_url(competition), **headers).content.decode()
        assert "frozen-note" in after


def test_the_board_page_follows_organiser_changes_at_once(client, staff):
    competition = CompetitionFactory()
    open_division = division(competition, name="公开组", name_en="Open teams")
    team(competition, name="Early")
    assert "Open teams" in client.get(board_url(competition)).content.decode()
    services.save_division(
        actor=staff,
        competition_id=competition.pk,
        division_id=open_division.pk,
        data={"name_en": "Everyone"},
    )
    page = client.get(board_url(competition)).content.decode()
    assert "Everyone" in page
    assert "Open teams" not in page
    services.save_competition(
        actor=staff, competition_id=competition.pk, data={"title_en": "Renamed final"}
    )
    assert "Renamed final" in client.get(board_url(competition)).content.decode()
    services.save_competition(
        actor=staff, competition_id=competition.pk, data={"is_published": False}
    )
    assert client.get(board_url(competition)).status_code == 404


def test_a_signed_in_person_never_gets_a_visitors_cached_page(client):
    competition = CompetitionFactory()
    made = team(competition, name="Mine")
    assert "X-CSRFToken" not in client.get(board_url(competition)).content.decode()
    client.force_login(made.captain)
    page = client.get(board_url(competition)).content.decode()
    assert "X-CSRFToken" in page
    assert "my-rank" in page


@pytest.mark.usefixtures("redis_down")
def test_the_board_page_is_served_from_the_database_when_the_cache_is_unreachable(client):
    challenge = ChallengeFactory()
    solver = team(challenge.competition, name="Solver")
    submit(solver, challenge, challenge.flag)
    for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
        response = client.get(board_url(challenge.competition), **headers)
        assert response.status_code == 200
        assert "525" in response.content.decode()


def test_a_challenge_hidden_while_redis_is_away_stays_hidden_when_it_answers(staff, shared_redis):
    challenge = ChallengeFactory()
    made = team(challenge.competition)
    cached_for(made, challenge)  # in the real Redis
    shared_redis(False)
    services.save_challenge(
        actor=staff,
        competition_id=challenge.competition_id,
        challenge_id=challenge.pk,
        data=challenge_data(challenge, is_hidden=True),
    )
    shared_redis(True)  # … back, with the entry the change could not reach
    next_try_is_due()
    outbox.deliver_due()
    with pytest.raises(NotFound):
        submit(made, challenge, challenge.flag)


def test_a_short_name_no_competition_can_have_makes_no_cache_key():
    assert cached_state.published_competition("~\x0e v") is None
    assert cached_state.published_competition("") is None
    with warnings.catch_warnings():
        # Looking for the key is the point; Django warns that memcached could not hold it.
        warnings.simplefilter("ignore", CacheKeyWarning)
        assert cache.get(cached_state._competition_key("~\x0e v")) is None
