"""The vote's hot path: the entry's facts come from the cache, and the database checks them
again while it inserts. A stale copy in the cache, or no cache at all, never changes an
answer."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cyberweek.core.errors import Conflict, InvalidTransition, NotFound, PermissionDenied
from cyberweek.privacy import registry
from cyberweek.showcase import casting, contest_setup, reports, services, voting
from cyberweek.showcase.models import Entry, PhoneVerification, Report, Vote
from tests.accounts.factories import UserFactory
from tests.ports import unused_port

from .factories import accepted_entry, contest
from .test_services import verified

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry():
    return accepted_entry(contest(), UserFactory())


def test_a_vote_for_an_entry_in_the_cache_is_one_sql_statement(entry):
    casting.cast_vote(actor=verified(), entry_ref=entry.ref)  # the entry's facts are cached
    voter = verified()
    with CaptureQueriesContext(connection) as queries:
        vote = casting.cast_vote(actor=voter, entry_ref=entry.ref, address="10.1.2.3")
    statements = [q["sql"] for q in queries.captured_queries if "SAVEPOINT" not in q["sql"]]
    assert len(statements) == 1
    stored = Vote.objects.get(pk=vote.pk)
    assert (stored.voter, stored.entry, stored.contest_id) == (voter, entry, entry.contest_id)
    assert (stored.day, stored.network) == (vote.day, voting.network_digest("10.1.2.3"))


def test_a_repeat_press_is_answered_from_the_cache_without_the_database(entry):
    voter = verified()
    casting.cast_vote(actor=voter, entry_ref=entry.ref)
    with CaptureQueriesContext(connection) as queries, pytest.raises(Conflict):
        casting.cast_vote(actor=voter, entry_ref=entry.ref)
    assert queries.captured_queries == []


def test_an_entry_rejected_after_a_report_refuses_votes_on_the_next_request(entry, national):
    casting.cast_vote(actor=verified(), entry_ref=entry.ref)
    report = Report.objects.create(entry=entry, reason=Report.Reason.HARMFUL)
    reports.close_report(
        actor=national, report_id=report.pk, outcome=Report.Outcome.REJECTED, note="不适合"
    )
    with pytest.raises(InvalidTransition, match="Only accepted entries"):
        casting.cast_vote(actor=verified(), entry_ref=entry.ref)
    assert Vote.objects.count() == 1


def test_a_change_the_cache_was_not_told_of_is_decided_by_the_database(entry):
    casting.cast_vote(actor=verified(), entry_ref=entry.ref)
    voter = verified()
    # Written behind the services' back: the cached copy still says "accepted".
    Entry.objects.filter(pk=entry.pk).update(status=Entry.Status.REJECTED)
    with pytest.raises(InvalidTransition, match="Only accepted entries"):
        casting.cast_vote(actor=voter, entry_ref=entry.ref)
    # And back: now the copy says "rejected", and the database lets the vote in.
    Entry.objects.filter(pk=entry.pk).update(status=Entry.Status.ACCEPTED)
    casting.cast_vote(actor=voter, entry_ref=entry.ref)
    assert Vote.objects.filter(voter=voter).count() == 1


def test_a_screening_decision_opens_the_entry_to_votes_on_the_next_request(national):
    waiting = accepted_entry(contest(), UserFactory(), status=Entry.Status.SCREENING)
    voter = verified()
    with pytest.raises(InvalidTransition):
        casting.cast_vote(actor=voter, entry_ref=waiting.ref)
    services.screen_entry(actor=national, entry_id=waiting.pk, decision="accept")
    casting.cast_vote(actor=voter, entry_ref=waiting.ref)
    assert Vote.objects.filter(voter=voter).count() == 1


def test_a_changed_voting_window_applies_on_the_next_request(entry, national):
    casting.cast_vote(actor=verified(), entry_ref=entry.ref)
    the_contest = entry.contest
    contest_setup.save_contest(
        actor=national,
        contest_id=the_contest.pk,
        values={
            "voting_opens_at": the_contest.voting_opens_at + timedelta(days=2),
            "voting_closes_at": the_contest.voting_closes_at + timedelta(days=2),
        },
    )
    with pytest.raises(InvalidTransition, match="Voting is not open"):
        casting.cast_vote(actor=verified(), entry_ref=entry.ref)


def test_a_changed_vote_period_applies_on_the_next_request(entry, national):
    voter = verified()
    casting.cast_vote(actor=voter, entry_ref=entry.ref)
    contest_setup.save_contest(
        actor=national, contest_id=entry.contest_id, values={"vote_period": "contest"}
    )
    tomorrow = timezone.now() + timedelta(days=1)
    other = verified()
    first = casting.cast_vote(actor=other, entry_ref=entry.ref, now=tomorrow)
    assert first.day == timezone.localdate(entry.contest.voting_opens_at)
    with pytest.raises(Conflict, match="already voted for this entry"):
        casting.cast_vote(actor=other, entry_ref=entry.ref, now=tomorrow + timedelta(days=1))


def test_a_vote_per_day_again_once_the_contest_changes_from_one_vote_in_all(national):
    entry = accepted_entry(contest(vote_period="contest"), UserFactory())
    voter = verified()
    casting.cast_vote(actor=voter, entry_ref=entry.ref)
    contest_setup.save_contest(
        actor=national, contest_id=entry.contest_id, values={"vote_period": "day"}
    )
    tomorrow = timezone.now() + timedelta(days=1)
    assert casting.cast_vote(actor=voter, entry_ref=entry.ref, now=tomorrow).day == (
        timezone.localdate(tomorrow)
    )


def test_an_erased_verification_refuses_the_next_vote(entry):
    voter = verified()
    token, _new = voting.device_token(RequestFactory().get("/"))
    cast = casting.cast_vote(actor=voter, entry_ref=entry.ref, address="10.1.2.3", device=token)
    assert Vote.objects.get(pk=cast.pk).device == voting.device_digest(token)
    (votes,) = [s for s in registry.sources() if s.key == "showcase.votes"]
    votes.erase(voter)
    assert not PhoneVerification.objects.filter(user=voter).exists()
    # The vote still counts, but nothing is left that leads to the person or their browser.
    kept = Vote.objects.get(pk=cast.pk)
    assert (kept.voter, kept.network, kept.device) == (None, "", "")
    another = accepted_entry(entry.contest, UserFactory())
    with pytest.raises(PermissionDenied, match="Verify your mobile number"):
        casting.cast_vote(actor=voter, entry_ref=another.ref)


def test_a_refused_unverified_vote_leaves_no_mark(entry):
    person = UserFactory()
    with pytest.raises(PermissionDenied):
        casting.cast_vote(actor=person, entry_ref=entry.ref)
    verified(person)
    casting.cast_vote(actor=person, entry_ref=entry.ref)


@pytest.mark.parametrize("ref", ["", "x" * 17, "a b", "../etc", "nope"])
def test_an_unknown_or_malformed_reference_is_not_found(ref):
    with pytest.raises(NotFound):
        casting.cast_vote(actor=verified(), entry_ref=ref)


@pytest.fixture
def cache_down(settings):
    """Redis refusing connections, for the cache and for the rate limits."""
    url = f"redis://127.0.0.1:{unused_port()}/0"
    settings.REDIS_URL = url
    settings.CACHES = {
        "default": {
            "BACKEND": "cyberweek.core.cache_backends.FailSoftRedisCache",
            "LOCATION": url,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }


def test_with_the_cache_unreachable_the_database_decides_everything(entry, cache_down):
    voter = verified()
    casting.cast_vote(actor=voter, entry_ref=entry.ref)
    with pytest.raises(Conflict, match="already voted"):
        casting.cast_vote(actor=voter, entry_ref=entry.ref)
    with pytest.raises(PermissionDenied, match="Verify your mobile number"):
        casting.cast_vote(actor=UserFactory(), entry_ref=entry.ref)
    Entry.objects.filter(pk=entry.pk).update(status=Entry.Status.REJECTED)
    with pytest.raises(InvalidTransition):
        casting.cast_vote(actor=verified(), entry_ref=entry.ref)
    assert Vote.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_double_vote_refused_by_the_constraint_leaves_the_connection_usable(regions):
    # No transaction around the test: the insert runs alone, in autocommit, as in a request.
    entry = accepted_entry(contest(), UserFactory())
    voter = verified()
    casting.cast_vote(actor=voter, entry_ref=entry.ref)
    cache.clear()  # the mark is gone: only the constraint refuses
    with pytest.raises(Conflict, match="already voted"):
        casting.cast_vote(actor=voter, entry_ref=entry.ref)
    assert not connection.in_atomic_block
    casting.cast_vote(actor=verified(), entry_ref=entry.ref)
    assert Vote.objects.count() == 2
