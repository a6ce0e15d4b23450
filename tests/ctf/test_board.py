"""The board: the incremental totals equal a rebuild from the database on random
histories, Redis and SQL agree, and after the freeze nothing later shows."""

from datetime import timedelta

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cyberweek.ctf import board, queries, services
from cyberweek.ctf.models import Solve, Team
from tests.accounts.factories import UserFactory

from .factories import ChallengeFactory, CompetitionFactory, hint, team

pytestmark = pytest.mark.django_db

steps = st.lists(
    st.tuples(
        st.sampled_from(["solve", "solve", "solve", "wrong", "hint"]),
        st.integers(min_value=0, max_value=5),  # team
        st.integers(min_value=0, max_value=3),  # challenge
    ),
    max_size=30,
)


def play(history, *, retroactive, formulas):
    competition = CompetitionFactory(retroactive=retroactive)
    challenges = [
        ChallengeFactory(
            competition=competition, scoring=formula, initial_value=500, minimum_value=50, decay=3
        )
        for formula in formulas
    ]
    hints = [hint(c, cost=30) for c in challenges]
    teams = [team(competition) for _ in range(6)]
    for action, t, c in history:
        actor = teams[t].captain
        if action == "solve":
            services.submit_flag(
                actor=actor, challenge_id=challenges[c].pk, text=challenges[c].flag
            )
        elif action == "wrong":
            services.submit_flag(actor=actor, challenge_id=challenges[c].pk, text="flag{no}")
        else:
            services.unlock_hint(actor=actor, hint_id=hints[c].pk)
    return competition, teams


def incremental_totals(competition):
    return {
        pk: (score, last)
        for pk, score, last in Team.objects.filter(competition=competition).values_list(
            "pk", "score", "last_solve_at"
        )
    }


@settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    history=steps,
    retroactive=st.booleans(),
    formulas=st.lists(
        st.sampled_from(["static", "linear", "parabolic", "exponential"]), min_size=4, max_size=4
    ),
)
def test_the_incremental_board_equals_a_rebuild_from_the_database(history, retroactive, formulas):
    competition, _teams = play(history, retroactive=retroactive, formulas=formulas)
    assert incremental_totals(competition) == board.compute(competition).totals
    assert board.rebuild(competition) == 0  # nothing to correct


@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
@given(history=steps)
def test_redis_ranks_as_the_database_does(use_redis, history):
    competition, _teams = play(history, retroactive=True, formulas=["linear"] * 4)
    redis_rows = board.live_rows(competition, limit=100)  # refilled on first read
    sql = sorted(
        Team.objects.filter(competition=competition).values_list("pk", "score"),
        key=lambda r: -r[1],
    )
    assert sorted(r.score for r in redis_rows) == sorted(s for _pk, s in sql)
    assert [r.score for r in redis_rows] == sorted((r.score for r in redis_rows), reverse=True)


def test_redis_follows_solves_after_the_commit(use_redis, django_capture_on_commit_callbacks):
    challenge = ChallengeFactory(scoring="linear", decay=50)
    first, second = team(challenge.competition), team(challenge.competition)
    assert board.live_rows(challenge.competition) != []  # fills the sets
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_flag(actor=second.captain, challenge_id=challenge.pk, text=challenge.flag)
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_flag(actor=first.captain, challenge_id=challenge.pk, text=challenge.flag)
    rows = board.live_rows(challenge.competition)
    assert [(r.team_id, r.score) for r in rows] == [(second.pk, 450 + 25), (first.pk, 450 + 15)]
    assert board.live_rank(Team.objects.get(pk=first.pk)) == 2


def test_a_lost_redis_is_refilled_from_the_database(use_redis, django_capture_on_commit_callbacks):
    challenge = ChallengeFactory()
    made = team(challenge.competition)
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_flag(actor=made.captain, challenge_id=challenge.pk, text=challenge.flag)
    for key in use_redis.scan_iter(match="test-ctf-*"):
        use_redis.delete(key)
    assert [(r.team_id, r.score) for r in board.live_rows(challenge.competition)] == [
        (made.pk, 525)
    ]


def test_a_banned_team_leaves_the_board(use_redis, staff, django_capture_on_commit_callbacks):
    challenge = ChallengeFactory()
    made, other = team(challenge.competition), team(challenge.competition)
    board.live_rows(challenge.competition)
    with django_capture_on_commit_callbacks(execute=True):
        services.ban_team(actor=staff, team_id=made.pk)
    assert [r.team_id for r in board.live_rows(challenge.competition)] == [other.pk]


def test_sql_board_orders_by_points_then_earlier_last_solve(use_sql):
    challenge = ChallengeFactory()
    early, late, idle = (team(challenge.competition) for _ in range(3))
    for made in (early, late):
        services.submit_flag(actor=made.captain, challenge_id=challenge.pk, text=challenge.flag)
    Team.objects.filter(pk=late.pk).update(score=525)  # the same points as the first
    rows = board.live_rows(challenge.competition)
    assert [r.team_id for r in rows] == [early.pk, late.pk, idle.pk]
    assert board.live_rank(Team.objects.get(pk=late.pk)) == 2


def freeze_now(competition):
    competition.freeze_at = timezone.now() - timedelta(minutes=1)
    competition.save()
    Solve.objects.filter(competition=competition).update(
        solved_at=timezone.now() - timedelta(minutes=5)
    )


def test_after_the_freeze_teams_see_the_frozen_board_and_organisers_the_live_one(staff):
    challenge = ChallengeFactory(scoring="linear", decay=100)
    competition = challenge.competition
    before, after = team(competition), team(competition)
    services.submit_flag(actor=before.captain, challenge_id=challenge.pk, text=challenge.flag)
    freeze_now(competition)
    services.submit_flag(actor=after.captain, challenge_id=challenge.pk, text=challenge.flag)
    public = queries.board_page(competition, after.captain, team=after)
    assert public.frozen
    assert [(r.team_id, r.score) for r in public.rows[:1]] == [(before.pk, 525)]
    assert public.my_rank == 2
    cards = queries.challenge_cards(competition, after.captain, team=after)
    assert (cards[0].solves, cards[0].value) == (1, 500)
    live = queries.board_page(competition, staff, team=None)
    assert not live.frozen
    assert {(r.team_id, r.score) for r in live.rows} == {
        (before.pk, 400 + 25),
        (after.pk, 400 + 15),
    }
    assert queries.challenge_cards(competition, staff, team=None)[0].solves == 2


def test_publishing_the_final_board_unfreezes_it(staff):
    challenge = ChallengeFactory()
    competition = challenge.competition
    late = team(competition)
    freeze_now(competition)
    services.submit_flag(actor=late.captain, challenge_id=challenge.pk, text=challenge.flag)
    anyone = UserFactory()
    assert queries.board_page(competition, anyone, team=None).rows[0].score == 0
    competition.ends_at = timezone.now() - timedelta(seconds=1)
    competition.save()
    services.publish_board(actor=staff, competition_id=competition.pk)
    competition.refresh_from_db()
    assert queries.board_page(competition, anyone, team=None).rows[0].score == 525
