"""500 people register for 100 seats at the same moment, then many cancel at once: the
seats are never oversold and the waiting list moves strictly in arrival order.

Real threads against the real database (SQLite serialises writers; PostgreSQL serialises
on the offering's row lock), each attempt by its own user on its own connection."""

import contextlib
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.db.models import Sum
from django.utils import timezone

from cyberweek.accounts.models import User
from cyberweek.tickets import services
from cyberweek.tickets.models import Registration
from tests.accounts.factories import PASSWORD

from .factories import OfferingFactory

S = Registration.Status
SEATS, ATTEMPTS, WORKERS = 100, 500, 32


def make_users(n: int) -> list[User]:
    # One password hash for all: hashing 500 times would dominate the test's time.
    template = User(email="template@example.org")
    template.set_password(PASSWORD)
    users = [
        User(email=f"storm{i}@example.org", password=template.password, verified_at=timezone.now())
        for i in range(n)
    ]
    for user in users:
        user.email_index = User._meta.get_field("email_index").digest(user.email)
    return User.objects.bulk_create(users)


def run_all(work, items):
    barrier = threading.Barrier(min(WORKERS, len(items)), timeout=60)
    started = threading.local()

    def attempt(item):
        try:
            if not getattr(started, "done", False):
                started.done = True
                with contextlib.suppress(threading.BrokenBarrierError):
                    barrier.wait()
            return work(item)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        return list(pool.map(attempt, items))


def confirmed_seats(offering) -> int:
    total = Registration.objects.filter(offering=offering, status=S.CONFIRMED).aggregate(
        n=Sum("seats")
    )["n"]
    return total or 0


@pytest.mark.django_db(transaction=True)
def test_500_simultaneous_registrations_fill_100_seats_and_queue_the_rest_in_order(regions):
    offering = OfferingFactory(capacity=SEATS)
    users = make_users(ATTEMPTS)

    def register(user):
        return services.register(actor=user, offering_id=offering.pk).pk

    ids = run_all(register, users)
    assert len(set(ids)) == ATTEMPTS

    offering.refresh_from_db()
    registrations = list(Registration.objects.filter(offering=offering).order_by("position"))
    assert [r.position for r in registrations] == list(range(1, ATTEMPTS + 1))
    # Arrival (commit) order: the first 100 to get the lock have the seats, nobody after.
    assert [r.status for r in registrations] == [S.CONFIRMED] * SEATS + [S.WAITLISTED] * (
        ATTEMPTS - SEATS
    )
    created = [r.created_at for r in registrations]
    assert created == sorted(created)
    assert offering.confirmed_seats == confirmed_seats(offering) == SEATS
    assert offering.waitlisted_seats == ATTEMPTS - SEATS

    # A storm of cancellations: 60 confirmed and 40 waiting people cancel at once.
    confirmed = [r for r in registrations if r.status == S.CONFIRMED]
    waiting = [r for r in registrations if r.status == S.WAITLISTED]
    leaving = confirmed[::2][:50] + confirmed[1::2][:10] + waiting[5:85:2]
    by_id = {u.pk: u for u in users}

    def cancel(registration):
        services.cancel_registration(
            actor=by_id[registration.user_id], registration_id=registration.pk
        )
        return registration.pk

    run_all(cancel, leaving)

    offering.refresh_from_db()
    assert offering.confirmed_seats == confirmed_seats(offering) == SEATS
    left = {r.pk for r in leaving}
    still_waiting = [r for r in waiting if r.pk not in left]
    # The 60 freed seats went to the first 60 of those still waiting, in order.
    promoted = {r.pk for r in still_waiting[:60]}
    now = {r.pk: r.status for r in Registration.objects.filter(offering=offering)}
    assert all(now[pk] == S.CONFIRMED for pk in promoted)
    assert all(now[r.pk] == S.WAITLISTED for r in still_waiting[60:])
    assert all(now[pk] == S.CANCELLED for pk in left)
    assert offering.waitlisted_seats == len(still_waiting) - 60
