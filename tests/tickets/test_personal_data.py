from datetime import date, timedelta

import pytest
from django.utils import timezone

from cyberweek.privacy import registry
from cyberweek.tickets import services
from cyberweek.tickets.models import Registration
from cyberweek.tickets.personal_data import SOURCES
from cyberweek.tickets.queries import attendance

from .factories import EVENT, OfferingFactory

pytestmark = pytest.mark.django_db
SOURCE = SOURCES[0]


def test_registrations_are_declared_in_the_registry():
    assert "tickets.registration" in registry.declared_models()


def test_export_and_erase_keep_the_counts(person):
    offering = OfferingFactory(asks_name=True, asks_phone=True)
    services.register(actor=person, offering_id=offering.pk, name="韩梅梅", phone="13912345678")
    [row] = SOURCE.export(person)
    assert "韩梅梅" in row.values()
    assert "+8613912345678" in row.values()
    assert SOURCE.erase(person) == 1
    assert SOURCE.erase(person) == 0  # idempotent
    registration = Registration.objects.get()
    assert registration.attendee_name is None
    assert registration.attendee_phone is None
    assert registration.status == Registration.Status.CONFIRMED
    assert attendance(EVENT, offering.source_id)["confirmed"] == 1


def test_purge_deletes_registrations_after_the_retention_period_keeping_attendance(person):
    ended = OfferingFactory(
        starts_at=timezone.now() - timedelta(days=200, hours=2),
        ends_at=timezone.now() - timedelta(days=200),
    )
    recent = OfferingFactory()
    services.place(ended, user=person, seats=1)
    services.register(actor=person, offering_id=recent.pk)
    today = date.today()
    assert SOURCE.purge_due(today=today, dry_run=True) == 1
    assert Registration.objects.count() == 2
    assert SOURCE.purge_due(today=today, dry_run=False) == 1
    assert list(Registration.objects.values_list("offering_id", flat=True)) == [recent.pk]
    assert attendance(EVENT, ended.source_id)["confirmed"] == 1
