"""Two devices at once: concurrent starts open one attempt; concurrent answers both land."""

import threading

import pytest
from django.db import connection

from cyberweek.core.errors import InvalidTransition
from cyberweek.quiz import services
from cyberweek.quiz.models import Answer, Attempt
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
