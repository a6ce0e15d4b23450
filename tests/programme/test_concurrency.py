"""Two organisers booking one room at the same moment: exactly one booking may win."""

import threading

import pytest
from django.db import connection

from cyberweek.accounts.models import OrganiserRole
from cyberweek.core.errors import Conflict
from cyberweek.programme import services
from cyberweek.programme.models import Event
from tests.accounts.factories import organiser
from tests.programme.factories import EditionFactory, RoomFactory, at


@pytest.mark.django_db(transaction=True)
def test_simultaneous_bookings_of_one_room_record_one_event(regions):
    national = organiser(OrganiserRole.Level.NATIONAL)
    edition = EditionFactory()
    room = RoomFactory(edition=edition)
    attempts = 6
    barrier = threading.Barrier(attempts)
    outcomes = []

    def book(n):
        try:
            barrier.wait()
            services.save_event(
                actor=national,
                edition_id=edition.pk,
                data={
                    "slug": f"talk-{n}",
                    "kind": Event.Kind.SESSION,
                    "title": f"议程{n}",
                    "starts_at": at(17, "09:00"),
                    "ends_at": at(17, "10:00"),
                    "room": room,
                },
            )
            outcomes.append("booked")
        except Conflict:
            outcomes.append("conflict")
        finally:
            connection.close()

    threads = [threading.Thread(target=book, args=(n,)) for n in range(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["booked"] + ["conflict"] * (attempts - 1)
    assert Event.objects.filter(room=room).count() == 1
