from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from cyberweek.core.errors import (
    InvalidTransition,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from cyberweek.core.models import AuditEvent
from cyberweek.tickets import services
from cyberweek.tickets.models import Offering, Registration
from cyberweek.tickets.queries import attendance
from cyberweek.tickets.signing import sign_ticket
from tests.accounts.factories import UserFactory, organiser

from .conftest import HEPING, TIANJIN, L
from .factories import ACTIVITY, EVENT, OfferingFactory

pytestmark = pytest.mark.django_db
S = Registration.Status


def register(offering, user=None, **kwargs):
    return services.register(actor=user or UserFactory(), offering_id=offering.pk, **kwargs)


def fresh(offering):
    offering.refresh_from_db()
    return offering


# --- Opening registration -----------------------------------------------------------------


def open_kwargs(**overrides):
    starts = timezone.now() + timedelta(days=3)
    return {
        "source": EVENT,
        "source_id": 42,
        "title": "开幕式",
        "starts_at": starts,
        "ends_at": starts + timedelta(hours=2),
        "capacity": 100,
        **overrides,
    }


def test_national_organiser_opens_registration_for_an_official_event(national):
    offering = services.open_registration(actor=national, **open_kwargs(asks_name=True))
    assert offering.is_open
    assert offering.capacity == 100
    assert offering.asks_name
    assert not offering.asks_phone
    assert AuditEvent.objects.filter(action="tickets.registration_opened").exists()


def test_opening_again_updates_the_same_offering(national):
    first = services.open_registration(actor=national, **open_kwargs())
    second = services.open_registration(actor=national, **open_kwargs(capacity=120, title="改名"))
    assert first.pk == second.pk
    assert fresh(first).capacity == 120
    assert Offering.objects.count() == 1


def test_county_organiser_cannot_open_a_national_event(region):
    county = organiser(L.COUNTY, HEPING)
    with pytest.raises(PermissionDenied):
        services.open_registration(actor=county, **open_kwargs())
    assert not Offering.objects.exists()
    assert AuditEvent.objects.filter(
        action="tickets.manage", outcome=AuditEvent.Outcome.DENIED
    ).exists()


def test_county_organiser_opens_an_activity_of_their_county(region):
    county = organiser(L.COUNTY, HEPING)
    offering = services.open_registration(
        actor=county,
        **open_kwargs(source=ACTIVITY, source_id=7, region=region(HEPING), sector="community"),
    )
    assert offering.region.code == HEPING


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"capacity": 0}, "capacity"),
        ({"per_person_limit": 0}, "per_person_limit"),
        ({"capacity": 2, "per_person_limit": 3}, "per_person_limit"),
        ({"source": "quiz.contest"}, "source"),
    ],
)
def test_bad_settings_are_refused_by_field(national, overrides, field):
    with pytest.raises(ValidationFailed) as caught:
        services.open_registration(actor=national, **open_kwargs(**overrides))
    assert caught.value.field == field


def test_end_before_start_and_closing_after_the_end_are_refused(national):
    kwargs = open_kwargs()
    with pytest.raises(ValidationFailed, match="end before"):
        services.open_registration(
            actor=national, **{**kwargs, "ends_at": kwargs["starts_at"] - timedelta(hours=1)}
        )
    with pytest.raises(ValidationFailed, match="close after"):
        services.open_registration(
            actor=national, **{**kwargs, "closes_at": kwargs["ends_at"] + timedelta(hours=1)}
        )


def test_capacity_cannot_drop_below_confirmed_seats(national):
    offering = services.open_registration(actor=national, **open_kwargs(capacity=3))
    for _ in range(3):
        register(offering)
    with pytest.raises(ValidationFailed, match="3 seats are already confirmed"):
        services.open_registration(actor=national, **open_kwargs(capacity=2))


def test_raising_the_capacity_promotes_the_waiting_list(national):
    offering = services.open_registration(actor=national, **open_kwargs(capacity=1))
    register(offering)
    waiting = register(offering)
    services.open_registration(actor=national, **open_kwargs(capacity=2))
    waiting.refresh_from_db()
    assert waiting.status == S.CONFIRMED
    assert waiting.promoted_at


def test_closed_registration_refuses_newcomers_but_keeps_tickets(national):
    offering = services.open_registration(actor=national, **open_kwargs())
    kept = register(offering)
    services.close_registration(actor=national, source=EVENT, source_id=42)
    with pytest.raises(InvalidTransition, match="not open"):
        register(offering)
    kept.refresh_from_db()
    assert kept.status == S.CONFIRMED


# --- Registering --------------------------------------------------------------------------


def test_registering_confirms_a_seat_and_mails_the_ticket(
    offering, person, outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        registration = register(offering, person)
    assert registration.status == S.CONFIRMED
    assert registration.position == 1
    assert fresh(offering).confirmed_seats == 1
    assert len(outbox) == 1
    assert outbox[0].to == [person.email]
    assert outbox[0].attachments[0][2] == "image/png"
    assert str(registration.pk) in outbox[0].body


def test_full_event_puts_people_on_the_waiting_list_in_order(offering):
    offering.capacity = 2
    offering.save()
    confirmed = [register(offering) for _ in range(2)]
    waiting = [register(offering) for _ in range(3)]
    assert {r.status for r in confirmed} == {S.CONFIRMED}
    assert [r.status for r in waiting] == [S.WAITLISTED] * 3
    assert [r.position for r in waiting] == [3, 4, 5]
    assert attendance(EVENT, offering.source_id) == {
        "confirmed": 2,
        "waitlisted": 3,
        "checked_in": 0,
        "capacity": 2,
    }


def test_double_submission_gives_back_the_same_registration(offering, person):
    first = register(offering, person)
    with pytest.raises(services.AlreadyRegistered) as caught:
        register(offering, person)
    assert caught.value.registration.pk == first.pk
    assert caught.value.status == 409
    assert Registration.objects.count() == 1
    assert fresh(offering).confirmed_seats == 1


def test_the_database_refuses_a_second_active_registration(offering, person):
    register(offering, person)
    with pytest.raises(IntegrityError), transaction.atomic():
        Registration.objects.create(offering=offering, user=person, status=S.WAITLISTED, position=9)


def test_the_database_refuses_an_oversold_offering(offering):
    with pytest.raises(IntegrityError), transaction.atomic():
        Offering.objects.filter(pk=offering.pk).update(confirmed_seats=offering.capacity + 1)


def test_registering_after_closing_time_is_refused(offering):
    offering.closes_at = timezone.now() - timedelta(minutes=1)
    offering.save()
    with pytest.raises(InvalidTransition, match="has closed"):
        register(offering)
    assert not Registration.objects.exists()


def test_registering_for_a_finished_event_is_refused(offering):
    offering.starts_at = timezone.now() - timedelta(hours=3)
    offering.ends_at = timezone.now() - timedelta(hours=1)
    offering.save()
    with pytest.raises(InvalidTransition, match="over"):
        register(offering)


def test_anonymous_people_cannot_register(offering):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        services.register(actor=AnonymousUser(), offering_id=offering.pk)


def test_unknown_offering_is_not_found(person):
    with pytest.raises(NotFound):
        services.register(actor=person, offering_id=999999)


@pytest.mark.parametrize("seats", [0, -1, 3])
def test_seats_beyond_the_per_person_limit_are_refused(offering, seats):
    offering.per_person_limit = 2
    offering.save()
    with pytest.raises(ValidationFailed) as caught:
        register(offering, seats=seats)
    assert caught.value.field == "seats"


def test_only_what_the_event_asks_is_kept(offering):
    registration = register(offering, name="王芳", phone="13987654321")
    registration.refresh_from_db()
    assert registration.attendee_name is None
    assert registration.attendee_phone is None


def test_asked_details_are_required_validated_and_encrypted(offering):
    offering.asks_name = offering.asks_phone = True
    offering.save()
    with pytest.raises(ValidationFailed) as caught:
        register(offering, name="  ", phone="13987654321")
    assert caught.value.field == "name"
    with pytest.raises(ValidationFailed) as caught:
        register(offering, name="王芳", phone="12345")
    assert caught.value.field == "phone"
    registration = register(offering, name=" 王  芳 ", phone="139 8765 4321")
    registration.refresh_from_db()
    assert registration.attendee_name == "王 芳"
    assert registration.attendee_phone == "+8613987654321"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attendee_name, attendee_phone FROM tickets_registration WHERE id = %s",
            [registration.pk],
        )
        stored = " ".join(cursor.fetchone())
    assert "13987654321" not in stored
    assert "王" not in stored


# --- Cancelling and promotion -------------------------------------------------------------


def test_cancelling_promotes_the_head_of_the_waiting_list(
    offering, person, outbox, django_capture_on_commit_callbacks
):
    offering.capacity = 1
    offering.save()
    mine = register(offering, person)
    first, second = register(offering), register(offering)
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_registration(actor=person, registration_id=mine.pk)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == S.CONFIRMED
    assert second.status == S.WAITLISTED
    assert fresh(offering).confirmed_seats == 1
    assert fresh(offering).waitlisted_seats == 1
    assert len(outbox) == 1
    assert "seat" in outbox[0].subject.lower()


def test_waiting_list_is_strict_first_come_first_served(offering, person):
    """A head needing two seats holds back a later one-seat registration."""
    offering.capacity, offering.per_person_limit = 2, 2
    offering.save()
    mine = register(offering, person)
    register(offering)
    pair = register(offering, seats=2)
    single = register(offering)
    services.cancel_registration(actor=person, registration_id=mine.pk)
    pair.refresh_from_db()
    single.refresh_from_db()
    assert pair.status == S.WAITLISTED
    assert single.status == S.WAITLISTED
    # A newcomer does not overtake the queue even though a seat is free.
    assert register(offering).status == S.WAITLISTED


def test_cancelling_someone_elses_registration_is_not_found(offering, person):
    registration = register(offering, person)
    with pytest.raises(NotFound):
        services.cancel_registration(actor=UserFactory(), registration_id=registration.pk)
    registration.refresh_from_db()
    assert registration.status == S.CONFIRMED


def test_cancelling_twice_is_refused(offering, person):
    registration = register(offering, person)
    services.cancel_registration(actor=person, registration_id=registration.pk)
    with pytest.raises(InvalidTransition, match="already cancelled"):
        services.cancel_registration(actor=person, registration_id=registration.pk)
    assert fresh(offering).confirmed_seats == 0


def test_a_cancelled_person_may_register_again(offering, person):
    registration = register(offering, person)
    services.cancel_registration(actor=person, registration_id=registration.pk)
    again = register(offering, person)
    assert again.pk != registration.pk
    assert again.status == S.CONFIRMED


# --- Check-in -----------------------------------------------------------------------------


def ticket_of(registration):
    return sign_ticket(
        code=registration.code,
        offering_id=registration.offering_id,
        seats=registration.seats,
    )


def test_check_in_counts_once_and_flags_the_second_scan(offering, national):
    registration = register(offering)
    ticket = ticket_of(registration)
    [first] = services.check_in(actor=national, offering_id=offering.pk, tickets=[(ticket, None)])
    [second] = services.check_in(actor=national, offering_id=offering.pk, tickets=[(ticket, None)])
    assert first.outcome == "ok"
    assert second.outcome == "duplicate"
    assert "not counted again" in second.message
    registration.refresh_from_db()
    assert registration.checked_in_at
    assert registration.repeat_scans == 1
    assert attendance(EVENT, offering.source_id)["checked_in"] == 1


def test_a_batch_with_the_same_ticket_twice_counts_it_once(offering, national):
    ticket = ticket_of(register(offering))
    results = services.check_in(
        actor=national, offering_id=offering.pk, tickets=[(ticket, None), (ticket, None)]
    )
    assert [r.outcome for r in results] == ["ok", "duplicate"]
    assert fresh(offering).checked_in_seats == 1


def test_typed_codes_check_in_too(offering, national):
    registration = register(offering)
    typed = registration.display_code.lower()
    [result] = services.check_in(actor=national, offering_id=offering.pk, tickets=[(typed, None)])
    assert result.outcome == "ok"


def test_offline_scan_time_is_kept_when_believable(offering, national):
    registration = register(offering)
    scanned = timezone.now() - timedelta(minutes=20)
    services.check_in(
        actor=national, offering_id=offering.pk, tickets=[(ticket_of(registration), scanned)]
    )
    registration.refresh_from_db()
    assert registration.checked_in_at == scanned


def test_a_scan_time_in_the_future_is_not_believed(offering, national):
    registration = register(offering)
    services.check_in(
        actor=national,
        offering_id=offering.pk,
        tickets=[(ticket_of(registration), timezone.now() + timedelta(days=1))],
    )
    registration.refresh_from_db()
    assert registration.checked_in_at <= timezone.now()


def altered(ticket: str) -> str:
    prefix, body, signature = ticket.split(".")
    flipped = "A" if body[5] != "A" else "B"
    return f"{prefix}.{body[:5]}{flipped}{body[6:]}.{signature}"


@pytest.mark.parametrize(
    ("make", "outcome", "message"),
    [
        (lambda t, other: altered(t), "invalid", "altered or forged"),
        (lambda t, other: t[:-10], "invalid", "altered or forged"),
        (lambda t, other: t.rsplit(".", 1)[0], "invalid", "incomplete"),
        (lambda t, other: "CW1.%%%.***", "invalid", "damaged"),
        (lambda t, other: "https://evil.example/x", "invalid", "neither a ticket"),
        (lambda t, other: "", "invalid", "neither a ticket"),
        (lambda t, other: "ZZZZZZZZZZZZ", "invalid", "No registration"),
        (lambda t, other: other, "wrong_event", "another event"),
    ],
)
def test_bad_tickets_are_refused_with_a_specific_message(
    offering, national, make, outcome, message
):
    ticket = ticket_of(register(offering))
    other = ticket_of(register(OfferingFactory()))
    [result] = services.check_in(
        actor=national, offering_id=offering.pk, tickets=[(make(ticket, other), None)]
    )
    assert result.outcome == outcome
    assert message in result.message
    assert fresh(offering).checked_in_seats == 0


def test_a_forged_ticket_signed_with_another_key_is_refused(offering, national):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from cyberweek.tickets import signing

    registration = register(offering)
    genuine = ticket_of(registration)
    signed_part = genuine.rsplit(".", 1)[0]
    forged_signature = signing._b64encode(
        Ed25519PrivateKey.generate().sign(signed_part.encode("ascii"))
    )
    [result] = services.check_in(
        actor=national,
        offering_id=offering.pk,
        tickets=[(f"{signed_part}.{forged_signature}", None)],
    )
    assert result.outcome == "invalid"
    assert "forged" in result.message


def test_cancelled_and_waitlisted_tickets_are_not_let_in(offering, national, person):
    offering.capacity = 1
    offering.save()
    mine = register(offering, person)
    waiting = register(offering, UserFactory())
    ticket = ticket_of(mine)
    services.cancel_registration(actor=person, registration_id=mine.pk)
    waiting.refresh_from_db()
    results = services.check_in(actor=national, offering_id=offering.pk, tickets=[(ticket, None)])
    assert results[0].outcome == "not_confirmed"
    assert "cancelled" in results[0].message
    third = register(offering)
    results = services.check_in(
        actor=national, offering_id=offering.pk, tickets=[(ticket_of(third), None)]
    )
    assert results[0].outcome == "not_confirmed"
    assert "waiting list" in results[0].message


def test_checked_in_registration_cannot_be_cancelled(offering, national, person):
    registration = register(offering, person)
    services.check_in(
        actor=national, offering_id=offering.pk, tickets=[(ticket_of(registration), None)]
    )
    with pytest.raises(InvalidTransition, match="checked in"):
        services.cancel_registration(actor=person, registration_id=registration.pk)


def test_check_in_outside_scope_is_refused_and_audited(region):
    offering = OfferingFactory(region=region(HEPING), source=ACTIVITY)
    outsider = organiser(L.UNIT, "120102")
    with pytest.raises(PermissionDenied):
        services.check_in(actor=outsider, offering_id=offering.pk, tickets=[("x", None)])
    assert AuditEvent.objects.filter(
        action="tickets.check_in", outcome=AuditEvent.Outcome.DENIED
    ).exists()
    assert (
        services.check_in(
            actor=organiser(L.PROVINCIAL, TIANJIN), offering_id=offering.pk, tickets=[("x", None)]
        )[0].outcome
        == "invalid"
    )
