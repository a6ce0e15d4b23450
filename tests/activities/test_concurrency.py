"""Two reviewers deciding on one activity at the same moment: one decision is recorded."""

import threading

import pytest
from django.db import connection

from cyberweek.accounts.models import OrganiserRole
from cyberweek.activities import services
from cyberweek.activities.models import Activity, ActivityStep
from cyberweek.core.errors import InvalidTransition
from tests.accounts.factories import organiser
from tests.programme.factories import EditionFactory

from .factories import TIANJIN, TIANJIN_DISTRICTS, ActivityFactory

L = OrganiserRole.Level


@pytest.mark.django_db(transaction=True)
def test_simultaneous_reviews_of_one_activity_record_one_decision(regions):
    reviewers = [organiser(L.PROVINCIAL, TIANJIN), organiser(L.PREFECTURAL, TIANJIN_DISTRICTS)]
    reviewers += [organiser(L.PROVINCIAL, TIANJIN) for _ in range(2)]
    activity = ActivityFactory(edition=EditionFactory(), status=Activity.Status.SUBMITTED)
    barrier = threading.Barrier(len(reviewers))
    outcomes = []

    def decide(n, reviewer):
        try:
            barrier.wait()
            if n % 2:
                services.return_activity(actor=reviewer, activity_id=activity.pk, comment="改")
            else:
                services.approve_activity(actor=reviewer, activity_id=activity.pk)
            outcomes.append("decided")
        except InvalidTransition:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=decide, args=(n, r)) for n, r in enumerate(reviewers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["decided"] + ["refused"] * (len(reviewers) - 1)
    decisions = ActivityStep.objects.filter(activity=activity, action__in=["approved", "returned"])
    assert decisions.count() == 1
    activity.refresh_from_db()
    assert activity.status == decisions.get().to_status
