"""Entries, screening, judging, verification, voting, fraud signals and results."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from cyberweek.core.errors import (
    Conflict,
    InvalidTransition,
    LimitReached,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from cyberweek.core.models import AuditEvent
from cyberweek.privacy import services as privacy_services
from cyberweek.privacy.models import Purpose
from cyberweek.showcase import casting, queries, services, voting
from cyberweek.showcase.models import Entry, JudgeAssignment, PhoneVerification, Vote
from tests.accounts.factories import UserFactory

from .factories import accepted_entry, contest, criteria

pytestmark = pytest.mark.django_db


def verified(user=None, number=None):
    user = user or UserFactory()
    PhoneVerification.objects.create(
        user=user,
        mobile=number or f"1380013{PhoneVerification.objects.count():04d}",
        verified_at=timezone.now(),
    )
    return user


# --- Entries --------------------------------------------------------------------------------
def test_an_entry_is_screened_by_the_pii_engine_and_the_author_keeps_the_original():
    the_contest = contest()
    user = UserFactory()
    entry = services.save_entry(
        actor=user,
        contest_id=the_contest.pk,
        title="反诈短片",
        description="联系我 13812345678",
        category="open",
        theme="反诈",
        display_name="李小明",
    )
    assert "13812345678" not in entry.public_description
    assert entry.description == "联系我 13812345678"
    assert entry.found_types
    assert entry.status == Entry.Status.UPLOADING
    assert queries.public_name(entry) == "李**"


def test_show_name_is_the_leaderboard_consent_of_the_privacy_centre(national):
    privacy_services.publish_notice(
        actor=national, purpose=Purpose.LEADERBOARD_DISPLAY, text="显示姓名"
    )
    user = UserFactory()
    entry = services.save_entry(
        actor=user,
        contest_id=contest().pk,
        title="t",
        category="youth",
        display_name="李小明",
        show_name=True,
    )
    assert privacy_services.has_consent(user, Purpose.LEADERBOARD_DISPLAY)
    assert queries.public_name(entry) == "李小明"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"category": "elders"}, "category"),
        ({"theme": "cooking"}, "theme"),
        ({"title": "   "}, "title"),
        ({"title": "x" * 81}, "title"),
        ({"display_name": ""}, "display_name"),
    ],
)
def test_bad_entry_details_are_refused_with_the_field_named(fields, field):
    values = {"title": "t", "category": "open", "display_name": "n", **fields}
    with pytest.raises(ValidationFailed) as error:
        services.save_entry(actor=UserFactory(), contest_id=contest().pk, **values)
    assert error.value.field == field
    assert not Entry.objects.exists()


def test_no_entry_after_the_submission_deadline():
    now = timezone.now()
    closed = contest(submission_opens_at=now - timedelta(days=3), submission_closes_at=now)
    with pytest.raises(InvalidTransition):
        services.save_entry(
            actor=UserFactory(), contest_id=closed.pk, title="t", category="open", display_name="n"
        )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"WEBVTT\n\n00:00.000 --> 00:01.000\nhello\n", None),
        (b"hello", "WebVTT"),
        (b"WEBVTT\n\nno cues here\n", "no cues"),
        (b"WEBVTT\n\n00:02.000 --> 00:01.000\nx\n", "ends before"),
        (b"WEBVTT\n\n0:99.000 --> 00:01.000\nx\n", "not valid"),
        (b"\xff\xfe\x00", "UTF-8"),
    ],
)
def test_captions_are_validated_as_webvtt(content, message):
    if message is None:
        assert services.validate_webvtt(content).startswith("WEBVTT")
    else:
        with pytest.raises(ValidationFailed, match=message):
            services.validate_webvtt(content)


# --- Screening ------------------------------------------------------------------------------
def test_screening_accepts_returns_with_a_reason_and_is_audited(national):
    entry = accepted_entry(contest(), UserFactory(), status=Entry.Status.SCREENING)
    with pytest.raises(ValidationFailed):
        services.screen_entry(actor=national, entry_id=entry.pk, decision="return")
    services.screen_entry(actor=national, entry_id=entry.pk, decision="return", reason="声音太小")
    entry.refresh_from_db()
    assert entry.status == Entry.Status.RETURNED
    assert entry.screening_reason == "声音太小"
    assert AuditEvent.objects.filter(action="showcase.entry_returned").exists()
    with pytest.raises(InvalidTransition):
        services.screen_entry(actor=national, entry_id=entry.pk, decision="accept")


def test_only_national_organisers_screen():
    entry = accepted_entry(contest(), UserFactory(), status=Entry.Status.SCREENING)
    with pytest.raises(PermissionDenied):
        services.screen_entry(actor=UserFactory(), entry_id=entry.pk, decision="accept")
    entry.refresh_from_db()
    assert entry.status == Entry.Status.SCREENING


# --- Judging --------------------------------------------------------------------------------
@pytest.fixture
def judged():
    the_contest = contest()
    first, second = criteria(the_contest)
    judge = UserFactory()
    JudgeAssignment.objects.create(contest=the_contest, judge=judge, category="open")
    entry = accepted_entry(the_contest, UserFactory())
    return the_contest, judge, entry, first, second


def test_a_judge_scores_every_criterion_and_sees_only_their_own_scores(judged):
    the_contest, judge, entry, first, second = judged
    other = UserFactory()
    JudgeAssignment.objects.create(contest=the_contest, judge=other, category="open")
    services.score_entry(actor=other, entry_id=entry.pk, scores={first.pk: 1, second.pk: 1})
    services.score_entry(actor=judge, entry_id=entry.pk, scores={first.pk: 8, second.pk: 5})
    queue = queries.judge_queue(judge, the_contest)
    assert queue[0]["scores"] == {first.pk: 8, second.pk: 5}
    # Weighted: (2*8/10 + 1*5/10) / 3 * 100 = 70; the other judge 10; mean 40.
    assert queries.judge_scores(the_contest)[entry.pk] == pytest.approx(40)


def test_incomplete_or_out_of_range_scores_are_refused(judged):
    _contest, judge, entry, first, second = judged
    with pytest.raises(ValidationFailed):
        services.score_entry(actor=judge, entry_id=entry.pk, scores={first.pk: 8})
    with pytest.raises(ValidationFailed):
        services.score_entry(actor=judge, entry_id=entry.pk, scores={first.pk: 11, second.pk: 1})


def test_a_judge_of_another_category_cannot_score(judged):
    the_contest, _judge, entry, first, second = judged
    youth_judge = UserFactory()
    JudgeAssignment.objects.create(contest=the_contest, judge=youth_judge, category="youth")
    with pytest.raises(PermissionDenied):
        services.score_entry(
            actor=youth_judge, entry_id=entry.pk, scores={first.pk: 1, second.pk: 1}
        )
    assert queries.judge_queue(youth_judge, the_contest) == []


def test_a_declared_conflict_withdraws_scores_and_blocks_scoring(judged):
    _contest, judge, entry, first, second = judged
    services.score_entry(actor=judge, entry_id=entry.pk, scores={first.pk: 8, second.pk: 5})
    services.declare_conflict(actor=judge, entry_id=entry.pk, reason="我的学生")
    assert not entry.scores.exists()
    with pytest.raises(PermissionDenied):
        services.score_entry(actor=judge, entry_id=entry.pk, scores={first.pk: 8, second.pk: 5})
    with pytest.raises(Conflict):
        services.declare_conflict(actor=judge, entry_id=entry.pk, reason="again")


def test_judging_progress_counts_scored_entries_per_judge(judged):
    the_contest, judge, entry, first, second = judged
    accepted_entry(the_contest, UserFactory())
    services.score_entry(actor=judge, entry_id=entry.pk, scores={first.pk: 8, second.pk: 5})
    [row] = queries.judging_progress(the_contest)
    assert (row["scored"], row["total"], row["conflicts"]) == (1, 2, 0)


def test_the_blended_score_ranks_and_ties_are_broken_by_the_judges(judged):
    the_contest, judge, entry, first, second = judged
    the_contest.judge_weight, the_contest.public_weight = 50, 50
    the_contest.save()
    rival = accepted_entry(the_contest, UserFactory())
    # entry: judges 100, votes 0 -> 50; rival: judges 0, 1 vote (the most) -> 50. A tie.
    services.score_entry(actor=judge, entry_id=entry.pk, scores={first.pk: 10, second.pk: 10})
    services.score_entry(actor=judge, entry_id=rival.pk, scores={first.pk: 0, second.pk: 0})
    Vote.objects.create(contest=the_contest, entry=rival, voter=UserFactory(), day="2026-12-06")
    ranked = queries.results(the_contest)
    assert [r.entry for r in ranked] == [entry, rival]
    assert ranked[0].final == ranked[1].final == 50


def test_results_are_published_only_after_voting_closes(national):
    the_contest = contest()
    with pytest.raises(InvalidTransition):
        services.publish_results(actor=national, contest_id=the_contest.pk)
    later = the_contest.voting_closes_at + timedelta(minutes=1)
    services.publish_results(actor=national, contest_id=the_contest.pk, now=later)
    the_contest.refresh_from_db()
    assert the_contest.results_published_at == later


# --- Verification ---------------------------------------------------------------------------
def test_a_code_by_sms_verifies_the_number(sms_outbox, django_capture_on_commit_callbacks):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        voting.request_code(actor=user, mobile="13800138000")
    number, text = sms_outbox[-1]
    assert number.endswith("13800138000")
    code = re.search(r"\b(\d{6})\b", text).group(1)
    with pytest.raises(ValidationFailed):
        voting.confirm_code(actor=user, code="000000" if code != "000000" else "111111")
    assert PhoneVerification.objects.get(user=user).attempts == 1
    voting.confirm_code(actor=user, code=code)
    assert voting.is_verified(user)


def test_one_number_verifies_one_person():
    verified(number="13800138000")
    with pytest.raises(Conflict):
        voting.request_code(actor=UserFactory(), mobile="138 0013 8000")


def test_too_many_wrong_codes_lock_the_code(django_capture_on_commit_callbacks):
    user = UserFactory()
    voting.request_code(actor=user, mobile="13800138001")
    for _ in range(voting.MAX_WRONG_CODES):
        with pytest.raises(ValidationFailed):
            voting.confirm_code(actor=user, code="abcdef")
    with pytest.raises(LimitReached):
        voting.confirm_code(actor=user, code="abcdef")


def test_an_expired_code_is_refused():
    user = UserFactory()
    voting.request_code(actor=user, mobile="13800138002")
    with pytest.raises(InvalidTransition):
        voting.confirm_code(actor=user, code="123456", now=timezone.now() + timedelta(minutes=11))


def test_a_bad_number_is_refused():
    with pytest.raises(ValidationFailed):
        voting.request_code(actor=UserFactory(), mobile="call me")


# --- Votes ----------------------------------------------------------------------------------
def test_one_vote_per_entry_per_day_and_another_the_next_day():
    entry = accepted_entry(contest(), UserFactory())
    voter = verified()
    casting.cast_vote(actor=voter, entry_ref=entry.ref, address="10.1.2.3")
    with pytest.raises(Conflict):
        casting.cast_vote(actor=voter, entry_ref=entry.ref)
    casting.cast_vote(actor=voter, entry_ref=entry.ref, now=timezone.now() + timedelta(days=1))
    assert Vote.objects.filter(voter=voter).count() == 2


def test_one_vote_per_contest_when_the_contest_says_so():
    entry = accepted_entry(contest(vote_period="contest"), UserFactory())
    voter = verified()
    casting.cast_vote(actor=voter, entry_ref=entry.ref)
    with pytest.raises(Conflict):
        casting.cast_vote(actor=voter, entry_ref=entry.ref, now=timezone.now() + timedelta(days=1))


def test_the_database_refuses_a_double_vote_even_when_the_cache_forgot():
    from django.core.cache import cache

    entry = accepted_entry(contest(), UserFactory())
    voter = verified()
    casting.cast_vote(actor=voter, entry_ref=entry.ref)
    cache.clear()
    with pytest.raises(Conflict):
        casting.cast_vote(actor=voter, entry_ref=entry.ref)
    assert Vote.objects.count() == 1


def test_votes_are_refused_unverified_for_oneself_outside_the_window_and_for_rejected():
    now = timezone.now()
    entrant = verified()
    the_contest = contest()
    entry = accepted_entry(the_contest, entrant)
    with pytest.raises(PermissionDenied):
        casting.cast_vote(actor=UserFactory(), entry_ref=entry.ref)
    with pytest.raises(PermissionDenied):
        casting.cast_vote(actor=entrant, entry_ref=entry.ref)
    voter = verified()
    with pytest.raises(InvalidTransition):
        casting.cast_vote(actor=voter, entry_ref=entry.ref, now=now + timedelta(days=11))
    with pytest.raises(InvalidTransition):
        casting.cast_vote(actor=voter, entry_ref=entry.ref, now=now - timedelta(days=1))
    rejected = accepted_entry(the_contest, UserFactory(), status=Entry.Status.REJECTED)
    with pytest.raises(InvalidTransition):
        casting.cast_vote(actor=voter, entry_ref=rejected.ref)
    with pytest.raises(NotFound):
        casting.cast_vote(actor=voter, entry_ref="nope")
    assert not Vote.objects.exists()
    # A refusal for being unverified does not count as the day's vote.
    casting.cast_vote(actor=voter, entry_ref=entry.ref)


def test_a_vote_records_whether_the_video_was_played():
    entry = accepted_entry(contest(), UserFactory())
    listener, silent = verified(), verified()
    casting.record_play(actor=listener, entry_ref=entry.ref)
    assert casting.cast_vote(actor=listener, entry_ref=entry.ref).played
    assert not casting.cast_vote(actor=silent, entry_ref=entry.ref).played


# --- Fraud ----------------------------------------------------------------------------------
def test_fraud_signals_find_bursts_shared_networks_intervals_and_no_play(national):
    the_contest = contest()
    entry = accepted_entry(the_contest, UserFactory())
    start = timezone.now()
    votes = []
    for i in range(5):
        voter = UserFactory(date_joined=start - timedelta(hours=1))
        vote = Vote.objects.create(
            contest=the_contest,
            entry=entry,
            voter=voter,
            day=start.date(),
            network=voting.network_digest(f"10.0.0.{i + 1}"),
            played=True,
        )
        Vote.objects.filter(pk=vote.pk).update(cast_at=start + timedelta(minutes=i))
        votes.append(vote)
    robot = UserFactory(date_joined=start - timedelta(days=30))
    others = [accepted_entry(the_contest, UserFactory()) for _ in range(4)]
    for i, other in enumerate(others):
        vote = Vote.objects.create(
            contest=the_contest, entry=other, voter=robot, day=start.date(), played=False
        )
        Vote.objects.filter(pk=vote.pk).update(cast_at=start + timedelta(seconds=30 * i))
    flagged = {f.vote.pk: f.signals for f in queries.fraud_signals(the_contest)}
    assert {"burst", "network"} <= flagged[votes[0].pk]
    robot_votes = Vote.objects.filter(voter=robot)
    assert all({"interval", "no_play"} <= flagged[v.pk] for v in robot_votes)
    # Voiding takes a reason, is audited, and the vote no longer counts.
    with pytest.raises(ValidationFailed):
        voting.void_vote(actor=national, vote_id=votes[0].pk, reason=" ")
    voting.void_vote(actor=national, vote_id=votes[0].pk, reason="刷票")
    assert queries.vote_count(entry) == 4
    assert AuditEvent.objects.filter(action="showcase.vote_voided").exists()
    with pytest.raises(InvalidTransition):
        voting.void_vote(actor=national, vote_id=votes[0].pk, reason="again")
    with pytest.raises(PermissionDenied):
        voting.void_vote(actor=UserFactory(), vote_id=votes[1].pk, reason="x")


def test_the_network_digest_groups_a_24_and_keeps_no_address():
    assert voting.network_digest("10.0.0.1") == voting.network_digest("10.0.0.200")
    assert voting.network_digest("10.0.0.1") != voting.network_digest("10.0.1.1")
    assert "10.0.0" not in voting.network_digest("10.0.0.1")
    assert voting.network_digest("not an address") == ""
