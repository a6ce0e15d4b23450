"""The one-vote rule holds in the database when the cache in front of it lets everything
through: simultaneous votes of one person for one entry leave exactly one row."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from cyberweek.core.errors import Conflict
from cyberweek.showcase import casting
from cyberweek.showcase.models import Vote
from tests.accounts.factories import UserFactory

from .factories import accepted_entry, contest
from .test_services import verified

THREADS = 8


def _vote(user, ref):
    try:
        casting.cast_vote(actor=user, entry_ref=ref)
        return "counted"
    except Conflict:
        return "refused"
    finally:
        connection.close()


@pytest.mark.django_db(transaction=True)
def test_simultaneous_double_votes_leave_one_row_even_without_the_cache(monkeypatch):
    entry = accepted_entry(contest(), UserFactory())
    voters = [verified() for _ in range(3)]
    # The cache only sheds load: with it letting every vote through, the database decides.
    monkeypatch.setattr(casting, "_claim", lambda mark: True)
    monkeypatch.setattr(casting, "VOTES_PER_MINUTE", 10_000)
    jobs = [(voter, entry.ref) for voter in voters for _ in range(THREADS)]
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        outcomes = list(pool.map(lambda job: _vote(*job), jobs))
    assert outcomes.count("counted") == len(voters)
    assert outcomes.count("refused") == len(jobs) - len(voters)
    assert Vote.objects.count() == len(voters)
