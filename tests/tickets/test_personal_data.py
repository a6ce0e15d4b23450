from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cyberweek.core.models import AuditEvent
from cyberweek.privacy import registry
from cyberweek.privacy import services as privacy
from cyberweek.tickets import services
from cyberweek.tickets.models import Registration
from cyberweek.tickets.personal_data import SOURCES
from cyberweek.tickets.queries import attendance
from cyberweek.tickets.signing import sign_ticket
from tests.accounts.factories import PASSWORD, UserFactory

from .factories import EVENT, OfferingFactory

pytestmark = pytest.mark.django_db
SOURCE = SOURCES[0]


def test_registrations_are_declared_in_the_registry():
    assert "tickets.registration" in registry.declared_models()


def test_export_and_erase_blank_the_details_and_free_the_seat(person):
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
    assert registration.status == Registration.Status.CANCELLED
    assert attendance(EVENT, offering.source_id)["confirmed"] == 0


def past_offering(**kwargs):
    return OfferingFactory(
        starts_at=timezone.now() - timedelta(days=3, hours=2),
        ends_at=timezone.now() - timedelta(days=3),
        **kwargs,
    )


def test_deleting_an_account_gives_its_seats_to_the_waiting_list_in_order(person, national):
    offering = OfferingFactory(capacity=2, per_person_limit=2)
    services.register(actor=person, offering_id=offering.pk, seats=2)
    first, second, third = UserFactory(), UserFactory(), UserFactory()
    for waiting in (first, second, third):
        services.register(actor=waiting, offering_id=offering.pk)

    privacy.delete_account(user=person, password=PASSWORD)

    statuses = dict(Registration.objects.values_list("user_id", "status"))
    assert statuses == {
        person.pk: "cancelled",
        first.pk: "confirmed",
        second.pk: "confirmed",
        third.pk: "waitlisted",
    }
    offering.refresh_from_db()
    assert (offering.confirmed_seats, offering.waitlisted_seats) == (2, 1)
    assert (
        Registration.objects.filter(user=second).values_list("promoted_at", flat=True).get()
        is not None
    )
    [event] = AuditEvent.objects.filter(action="tickets.registration_withdrawn_on_deletion")
    assert (event.actor, event.details) == (None, {"seats": 2, "promoted": 2})


def test_a_deleted_persons_ticket_is_refused_at_the_door_with_a_reason(person, national):
    offering = OfferingFactory()
    mine = services.register(actor=person, offering_id=offering.pk)
    signed = sign_ticket(code=mine.code, offering_id=offering.pk, seats=mine.seats)

    privacy.delete_account(user=person, password=PASSWORD)

    results = services.check_in(
        actor=national, offering_id=offering.pk, tickets=[(signed, None), (mine.code, None)]
    )
    assert [r.outcome for r in results] == ["not_confirmed", "not_confirmed"]
    assert all("account it belonged to was deleted" in r.message for r in results)
    offering.refresh_from_db()
    assert offering.checked_in_seats == 0


def test_past_registrations_are_kept_for_attendance_without_personal_data(person, national):
    attended = past_offering(asks_name=True, asks_phone=True)
    missed = past_offering(asks_name=True)
    for offering in (attended, missed):
        services.place(offering, user=person, seats=1, name="韩梅梅", phone="+8613912345678")
    Registration.objects.filter(offering=attended).update(checked_in_at=attended.starts_at)
    attended.checked_in_seats = 1
    attended.save()

    privacy.delete_account(user=person, password=PASSWORD)

    for registration in Registration.objects.all():
        assert registration.status == Registration.Status.CONFIRMED
        assert (registration.attendee_name, registration.attendee_phone) == (None, None)
        assert registration.erased_at is not None
    assert attendance(EVENT, attended.source_id) == {
        **attendance(EVENT, attended.source_id),
        "confirmed": 1,
        "checked_in": 1,
    }
    # A kept (anonymised) registration of the deleted person is no ticket either.
    [result] = services.check_in(
        actor=national,
        offering_id=missed.pk,
        tickets=[(Registration.objects.get(offering=missed).code, None)],
    )
    assert result.outcome == "not_confirmed"


def test_a_checked_in_registration_of_a_running_event_is_kept_and_anonymised(person, national):
    offering = OfferingFactory(
        starts_at=timezone.now() - timedelta(hours=1), ends_at=timezone.now() + timedelta(hours=1)
    )
    mine = services.register(actor=person, offering_id=offering.pk)
    services.check_in(actor=national, offering_id=offering.pk, tickets=[(mine.code, None)])

    privacy.delete_account(user=person, password=PASSWORD)

    mine.refresh_from_db()
    assert mine.status == Registration.Status.CONFIRMED
    assert mine.checked_in_at is not None
    offering.refresh_from_db()
    assert (offering.confirmed_seats, offering.checked_in_seats) == (1, 1)


def test_the_door_device_learns_which_tickets_were_withdrawn(client, person, national):
    """Offline, the door verifies signatures only; the list of withdrawn codes it keeps
    lets it refuse a cancelled or deleted person's ticket without the network."""
    offering = OfferingFactory()
    mine = services.register(actor=person, offering_id=offering.pk)
    kept = services.register(actor=UserFactory(), offering_id=offering.pk)
    client.force_login(national)
    url = f"/api/tickets/offerings/{offering.pk}/withdrawn-tickets"
    assert client.get(url).json()["codes"] == []

    privacy.delete_account(user=person, password=PASSWORD)

    assert client.get(url).json()["codes"] == [mine.code]
    assert kept.code not in client.get(url).json()["codes"]
    page = client.get(reverse("organiser:tickets_check_in", args=[offering.pk]))
    assert mine.code in page.content.decode()
    client.logout()
    assert client.get(url).status_code in (401, 403)


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
