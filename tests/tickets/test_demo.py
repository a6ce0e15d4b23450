import pytest

from cyberweek.accounts.models import OrganiserRole
from cyberweek.demo import edition_2019
from cyberweek.tickets import demo
from cyberweek.tickets.models import Registration
from tests.accounts.factories import organiser

pytestmark = pytest.mark.django_db


def test_demo_opens_official_events_with_tickets_and_a_waiting_list_repeatably():
    national = organiser(OrganiserRole.Level.NATIONAL)
    edition_2019.load(national)
    offerings = demo.load(national)
    assert len(offerings) == 3
    statuses = set(Registration.objects.values_list("status", flat=True))
    assert statuses == {Registration.Status.CONFIRMED, Registration.Status.WAITLISTED}
    count = Registration.objects.count()
    demo.load(national)
    assert Registration.objects.count() == count
    for offering in offerings:
        offering.refresh_from_db()
        assert offering.confirmed_seats <= offering.capacity
        assert offering.checked_in_seats == 2
