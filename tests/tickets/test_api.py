import pytest

from cyberweek.core.models import AuditEvent
from cyberweek.tickets import services
from cyberweek.tickets.models import Registration
from tests.accounts.factories import UserFactory, organiser

from .conftest import HEPING, L
from .factories import ACTIVITY, OfferingFactory

pytestmark = pytest.mark.django_db


def test_register_cancel_and_list_through_the_api(client, offering, person):
    client.force_login(person)
    url = f"/api/tickets/offerings/{offering.pk}/registrations"
    response = client.post(url, {}, content_type="application/json")
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "confirmed"
    assert body["ticket"].startswith("CW1.")
    again = client.post(url, {}, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert again.status_code == 409
    assert again["Content-Type"] == "application/problem+json"
    assert "already registered" in again.json()["detail"]
    listed = client.get("/api/tickets/registrations").json()
    assert [r["id"] for r in listed["items"]] == [body["id"]]
    cancelled = client.post(f"/api/tickets/registrations/{body['id']}/cancel")
    assert cancelled.json()["status"] == "cancelled"
    assert cancelled.json()["ticket"] is None


def test_api_refusals_are_problems(client, offering, person):
    url = f"/api/tickets/offerings/{offering.pk}/registrations"
    assert client.post(url, {}, content_type="application/json").status_code == 401
    client.force_login(person)
    response = client.post(url, {"seats": 2}, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "seats"
    assert client.post(url, {"seats": "x"}, content_type="application/json").status_code == 422
    assert client.post(url, "not json", content_type="application/json").status_code == 400
    missing = "/api/tickets/offerings/999999/registrations"
    assert client.post(missing, {}, content_type="application/json").status_code == 404
    other = services.register(actor=UserFactory(), offering_id=offering.pk)
    assert client.post(f"/api/tickets/registrations/{other.pk}/cancel").status_code == 404


def ticket(registration):
    from cyberweek.tickets.signing import sign_ticket

    return sign_ticket(
        code=registration.code, offering_id=registration.offering_id, seats=registration.seats
    )


def test_batch_check_in_gives_a_result_per_item(client, offering, national):
    first = services.register(actor=UserFactory(), offering_id=offering.pk)
    other = services.register(actor=UserFactory(), offering_id=OfferingFactory().pk)
    client.force_login(national)
    items = [
        {"ticket": ticket(first), "client_id": "a", "scanned_at": "2019-09-16T09:00:00+08:00"},
        {"ticket": ticket(first), "client_id": "b"},
        {"ticket": ticket(other), "client_id": "c"},
        {"ticket": "CW1.garbage", "client_id": "d"},
        {"ticket": first.code, "client_id": "e"},
    ]
    url = f"/api/tickets/offerings/{offering.pk}/check-ins"
    response = client.post(url, {"items": items}, content_type="application/json")
    assert response.status_code == 200
    body = response.json()
    assert [(r["client_id"], r["outcome"]) for r in body["results"]] == [
        ("a", "ok"),
        ("b", "duplicate"),
        ("c", "wrong_event"),
        ("d", "invalid"),
        ("e", "duplicate"),
    ]
    assert body["counts"]["checked_in"] == 1
    assert body["counts"]["flagged"] == 1
    # Syncing the same queue again changes nothing: idempotent.
    again = client.post(url, {"items": items[:1]}, content_type="application/json").json()
    assert again["results"][0]["outcome"] == "duplicate"
    assert again["counts"]["checked_in"] == 1
    assert Registration.objects.get(pk=first.pk).repeat_scans == 3


def test_check_in_api_scope_and_bad_batches(client, region):
    offering = OfferingFactory(source=ACTIVITY, region=region(HEPING))
    url = f"/api/tickets/offerings/{offering.pk}/check-ins"
    payload = {"items": [{"ticket": "x"}]}
    assert client.post(url, payload, content_type="application/json").status_code == 401
    client.force_login(organiser(L.COUNTY, "120102"))
    assert client.post(url, payload, content_type="application/json").status_code == 403
    assert client.get(f"/api/tickets/offerings/{offering.pk}/counts").status_code == 403
    assert AuditEvent.objects.filter(outcome=AuditEvent.Outcome.DENIED).exists()
    client.force_login(organiser(L.UNIT, HEPING))
    assert client.post(url, {"items": []}, content_type="application/json").status_code == 422
    too_many = {"items": [{"ticket": "x"}] * 501}
    assert client.post(url, too_many, content_type="application/json").status_code == 422
    assert client.post(url, payload, content_type="application/json").status_code == 200
    assert client.get(f"/api/tickets/offerings/{offering.pk}/counts").json()["checked_in"] == 0


def test_public_key_api(client):
    assert client.get("/api/tickets/public-key").json()["algorithm"] == "Ed25519"


def test_the_door_sees_the_attendees_name_and_each_look_is_logged(client, national):
    from cyberweek.privacy.models import AccessLogEntry

    named = OfferingFactory(asks_name=True)
    holder = UserFactory()
    registration = services.register(actor=holder, offering_id=named.pk, name="王小明")
    client.force_login(national)
    url = f"/api/tickets/offerings/{named.pk}/check-ins"
    items = [{"ticket": ticket(registration), "client_id": "a"}]
    first = client.post(url, {"items": items}, content_type="application/json").json()
    assert first["results"][0]["outcome"] == "ok"
    assert first["results"][0]["attendee_name"] == "王小明"
    again = client.post(url, {"items": items}, content_type="application/json").json()
    assert again["results"][0]["attendee_name"] == "王小明"  # a repeat is shown too
    looks = AccessLogEntry.objects.filter(what__contains=f"attendee name #{registration.pk}")
    assert looks.count() == 2
    assert all("Check-in at the door" in look.why for look in looks)


def test_a_ticket_the_door_refuses_shows_no_name_and_logs_nothing(client, national):
    from cyberweek.privacy.models import AccessLogEntry

    named = OfferingFactory(asks_name=True)
    registration = services.register(actor=UserFactory(), offering_id=named.pk, name="王小明")
    services.cancel_registration(actor=registration.user, registration_id=registration.pk)
    client.force_login(national)
    url = f"/api/tickets/offerings/{named.pk}/check-ins"
    items = [{"ticket": ticket(registration)}, {"ticket": "NOSUCHCODE"}]
    body = client.post(url, {"items": items}, content_type="application/json").json()
    assert [r["attendee_name"] for r in body["results"]] == [None, None]
    assert not AccessLogEntry.objects.filter(what__contains="attendee name").exists()


def test_every_sync_brings_the_revocation_list_and_the_other_doors_check_ins(
    client, offering, national
):
    kept = services.register(actor=UserFactory(), offering_id=offering.pk)
    gone = services.register(actor=UserFactory(), offering_id=offering.pk)
    other_door = services.register(actor=UserFactory(), offering_id=offering.pk)
    services.cancel_registration(actor=gone.user, registration_id=gone.pk)
    services.check_in(actor=national, offering_id=offering.pk, tickets=[(other_door.code, None)])
    client.force_login(national)
    url = f"/api/tickets/offerings/{offering.pk}/check-ins"
    body = client.post(
        url, {"items": [{"ticket": ticket(kept)}]}, content_type="application/json"
    ).json()
    assert body["withdrawn"] == [gone.code]
    assert set(body["checked_in"]) == {other_door.code, kept.code}
    lists = client.get(f"/api/tickets/offerings/{offering.pk}/withdrawn-tickets").json()
    assert lists["codes"] == [gone.code]
    assert set(lists["checked_in"]) == {other_door.code, kept.code}
