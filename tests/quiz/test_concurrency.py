"""Two devices at once: concurrent starts open one attempt; concurrent answers both land;
answers arriving together are stored together."""

import threading
import time

import pytest
from django.db import connection

from cyberweek.core.errors import InvalidTransition
from cyberweek.quiz import answer_store, services
from cyberweek.quiz.group_commit import GroupCommit
from cyberweek.quiz.models import Answer, Attempt, PaperItem
from tests.quiz.factories import contest_with_paper, entry_for


def run_together(count, work):
    barrier = threading.Barrier(count)
    outcomes, errors = [], []

    def run(n):
        try:
            barrier.wait()
            outcomes.append(work(n))
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes, errors


@pytest.mark.django_db(transaction=True)
def test_concurrent_starts_open_one_attempt(regions):
    contest = contest_with_paper()
    entry = entry_for(contest)
    outcomes, errors = run_together(
        6, lambda n: services.start_attempt(actor=entry.user, contest_id=contest.pk)
    )
    assert errors == []
    assert len({attempt.pk for attempt, _new in outcomes}) == 1
    assert sorted(new for _attempt, new in outcomes) == [False] * 5 + [True]
    assert Attempt.objects.filter(entry=entry).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_devices_answering_at_once_keep_every_answer(regions):
    contest = contest_with_paper()
    entry = entry_for(contest)
    attempt, _new = services.start_attempt(actor=entry.user, contest_id=contest.pk)

    def answer(n):
        # Two devices: both answer question 1, and each its own other questions.
        position = 1 if n < 2 else n
        return services.save_answer(
            actor=entry.user, attempt_id=attempt.pk, position=position, chosen=["A"]
        )

    outcomes, errors = run_together(5, answer)
    assert errors == []
    assert len(outcomes) == 5
    assert Answer.objects.filter(attempt=attempt).count() == 4


@pytest.mark.django_db(transaction=True)
def test_an_answer_racing_submission_is_either_scored_or_refused(regions):
    contest = contest_with_paper()
    entry = entry_for(contest)
    attempt, _new = services.start_attempt(actor=entry.user, contest_id=contest.pk)

    def work(n):
        if n == 0:
            return services.submit_attempt(actor=entry.user, attempt_id=attempt.pk)
        return services.save_answer(
            actor=entry.user, attempt_id=attempt.pk, position=n, chosen=["A"]
        )

    outcomes, errors = run_together(5, work)
    assert all(isinstance(e, InvalidTransition) for e in errors)
    attempt.refresh_from_db()
    saved = Answer.objects.filter(attempt=attempt)
    # Every acknowledged answer was scored: none landed after the score was taken.
    assert saved.filter(is_correct__isnull=True).count() == 0
    assert saved.count() == len(outcomes) - 1


def _attempts(count):
    contest = contest_with_paper()
    return [
        services.start_attempt(actor=entry_for(contest).user, contest_id=contest.pk)[0]
        for _ in range(count)
    ]


def _hold_first_batch(monkeypatch, waiting):
    """The first batch stays at the database until `waiting` more answers have queued
    behind it, as when a process is busy; the batches are recorded."""
    batches = []
    real = answer_store.upsert_many

    def held(answers):
        if not batches:
            deadline = time.monotonic() + 10
            while len(answer_store._group._queue) < waiting and time.monotonic() < deadline:
                time.sleep(0.001)
        batches.append(list(answers))
        return real(answers)

    monkeypatch.setattr(answer_store, "_group", GroupCommit(held))
    return batches


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the one statement is PostgreSQL's")
@pytest.mark.django_db(transaction=True)
def test_answers_arriving_together_are_stored_by_one_statement_and_each_acknowledged(
    regions, monkeypatch
):
    attempts = _attempts(6)
    batches = _hold_first_batch(monkeypatch, waiting=5)

    def answer(n):
        attempt = attempts[n]
        position = n % 2 + 1
        return services.save_answer(
            actor=attempt.user, attempt_id=attempt.pk, position=position, chosen=["A"]
        )

    outcomes, errors = run_together(6, answer)
    assert errors == []
    assert sorted(len(batch) for batch in batches) == [1, 5]
    assert sorted(saved.attempt_id for saved in outcomes) == sorted(a.pk for a in attempts)
    for n, attempt in enumerate(attempts):
        item = PaperItem.objects.get(attempt=attempt, position=n % 2 + 1)
        saved = next(saved for saved in outcomes if saved.attempt_id == attempt.pk)
        stored = Answer.objects.get(attempt=attempt)
        assert (saved.question_id, saved.version_id) == (item.question_id, item.version_id)
        assert (stored.question_id, stored.version_id, stored.chosen) == (
            item.question_id,
            item.version_id,
            ["A"],
        )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the one statement is PostgreSQL's")
@pytest.mark.django_db(transaction=True)
def test_an_answer_refused_in_a_batch_leaves_the_others_stored(regions, monkeypatch):
    attempts = _attempts(4)
    closed = attempts[0]
    services.submit_attempt(actor=closed.user, attempt_id=closed.pk)
    batches = _hold_first_batch(monkeypatch, waiting=3)

    def answer(n):
        attempt = attempts[n]
        return services.save_answer(
            actor=attempt.user, attempt_id=attempt.pk, position=1, chosen=["A"]
        )

    outcomes, errors = run_together(4, answer)
    assert [type(error) for error in errors] == [InvalidTransition]
    assert len(outcomes) == 3
    assert sum(len(batch) for batch in batches) == 4
    assert not Answer.objects.filter(attempt=closed).exists()
    assert Answer.objects.filter(attempt__in=attempts[1:]).count() == 3
