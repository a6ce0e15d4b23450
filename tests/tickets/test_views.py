from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from cyberweek.core.models import AuditEvent
from cyberweek.privacy.models import AccessLogEntry
from cyberweek.tickets import services
from cyberweek.tickets.models import Offering, Registration
from tests.accounts.factories import UserFactory, organiser
from tests.programme.factories import EditionFactory, EventFactory

from .conftest import HEPING, TIANJIN, L
from .factories import ACTIVITY, OfferingFactory

pytestmark = pytest.mark.django_db
S = Registration.Status


def org(name, *args):
    return reverse(f"organiser:{name}", args=args)


# --- Participants -------------------------------------------------------------------------


def test_register_form_asks_nothing_beyond_the_account_by_default(client, offering, person):
    client.force_login(person)
    response = client.get(reverse("tickets:register", args=[offering.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="name"' not in html
    assert 'name="phone"' not in html
    assert 'name="seats"' not in html


def test_register_form_asks_what_the_event_asks(client, person):
    offering = OfferingFactory(asks_name=True, asks_phone=True, per_person_limit=3)
    client.force_login(person)
    html = client.get(reverse("tickets:register", args=[offering.pk])).content.decode()
    assert 'name="name"' in html
    assert 'name="phone"' in html
    assert 'name="seats"' in html


def test_registering_shows_the_ticket_with_its_qr_code(client, offering, person):
    client.force_login(person)
    response = client.post(reverse("tickets:register", args=[offering.pk]), follow=True)
    registration = Registration.objects.get()
    assert response.redirect_chain[-1][0] == reverse("tickets:ticket", args=[registration.pk])
    html = response.content.decode()
    assert "<svg" in html
    assert registration.display_code in html
    assert "You are registered" in html


def test_double_submission_lands_on_the_same_ticket(client, offering, person):
    client.force_login(person)
    client.post(reverse("tickets:register", args=[offering.pk]))
    response = client.post(reverse("tickets:register", args=[offering.pk]), follow=True)
    assert Registration.objects.count() == 1
    assert "already registered" in response.content.decode()


def test_missing_asked_detail_is_a_form_error(client, person):
    offering = OfferingFactory(asks_phone=True)
    client.force_login(person)
    response = client.post(reverse("tickets:register", args=[offering.pk]), {"phone": "123"})
    assert response.status_code == 400
    assert "valid mobile number" in response.content.decode()
    assert not Registration.objects.exists()


def test_registering_after_closing_is_refused_on_the_page(client, person):
    offering = OfferingFactory(closes_at=timezone.now() - timedelta(hours=1))
    client.force_login(person)
    page = client.get(reverse("tickets:register", args=[offering.pk])).content.decode()
    assert "has closed" in page
    response = client.post(reverse("tickets:register", args=[offering.pk]))
    assert response.status_code == 400
    assert "has closed" in response.content.decode()


def test_anonymous_visitors_are_sent_to_sign_in(client, offering):
    response = client.get(reverse("tickets:register", args=[offering.pk]))
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_someone_elses_ticket_and_cancel_are_not_found(client, offering, person):
    registration = services.register(actor=person, offering_id=offering.pk)
    client.force_login(UserFactory())
    assert client.get(reverse("tickets:ticket", args=[registration.pk])).status_code == 404
    assert client.post(reverse("tickets:cancel", args=[registration.pk])).status_code == 404
    assert client.get(reverse("tickets:cancel", args=[registration.pk])).status_code == 404
    cancel = reverse("tickets:cancel", args=[registration.pk])
    assert client.post(cancel, {"confirmed": "1"}).status_code == 404
    registration.refresh_from_db()
    assert registration.status == S.CONFIRMED


def test_participant_cancels_from_the_ticket_page_after_confirming(client, offering, person):
    registration = services.register(actor=person, offering_id=offering.pk)
    client.force_login(person)
    cancel_url = reverse("tickets:cancel", args=[registration.pk])
    ticket = client.get(reverse("tickets:ticket", args=[registration.pk])).content.decode()
    assert f'href="{cancel_url}"' in ticket
    asked = client.get(cancel_url)
    assert asked.status_code == 200
    assert "Cancel your registration?" in asked.content.decode()
    assert 'name="confirmed" value="1"' in asked.content.decode()
    # A post without the confirmation (a replayed one-click form) only asks again.
    unconfirmed = client.post(cancel_url)
    assert "Cancel your registration?" in unconfirmed.content.decode()
    registration.refresh_from_db()
    assert registration.status == S.CONFIRMED
    response = client.post(cancel_url, {"confirmed": "1"}, follow=True)
    assert "is cancelled" in response.content.decode()
    registration.refresh_from_db()
    assert registration.status == S.CANCELLED
    assert client.get(cancel_url).status_code == 302  # nothing left to cancel
    response = client.post(cancel_url, {"confirmed": "1"}, follow=True)
    assert "already cancelled" in response.content.decode()


def test_my_tickets_lists_only_mine(client, offering, person):
    services.register(actor=person, offering_id=offering.pk)
    other = OfferingFactory(title="别人的活动", title_en="")
    services.register(actor=UserFactory(), offering_id=other.pk)
    client.force_login(person)
    html = client.get(reverse("tickets:mine")).content.decode()
    assert offering.title_en in html
    assert "别人的活动" not in html


def test_public_key_is_served_for_door_devices(client):
    body = client.get(reverse("tickets:public_key")).json()
    assert body["algorithm"] == "Ed25519"
    assert len(body["key"]) == 43
    assert body["pem"].startswith("-----BEGIN PUBLIC KEY-----")


def test_register_button_include(client, offering, person):
    from django.template import Context, Template
    from django.test import RequestFactory

    template = Template('{% include "tickets/_register_button.html" %}')
    request = RequestFactory().get("/")
    request.user = person
    html = template.render(
        Context({"request": request, "source": offering.source, "source_id": offering.source_id})
    )
    assert reverse("tickets:register", args=[offering.pk]) in html
    services.register(actor=person, offering_id=offering.pk)
    html = template.render(
        Context({"request": request, "source": offering.source, "source_id": offering.source_id})
    )
    assert "My ticket" in html
    html = template.render(Context({"request": request, "source": ACTIVITY, "source_id": 123456}))
    assert html.strip() == ""


# --- Organisers ---------------------------------------------------------------------------


@pytest.fixture
def heping_offering(region):
    return OfferingFactory(source=ACTIVITY, region=region(HEPING), sector="community")


@pytest.mark.parametrize(
    "name", ["tickets_attendees", "tickets_check_in", "tickets_check_in_worker"]
)
def test_offering_pages_in_scope_out_of_scope_and_anonymous(client, heping_offering, name):
    url = org(name, heping_offering.pk)
    assert client.get(url).status_code == 302
    client.force_login(organiser(L.PREFECTURAL, "130100"))
    assert client.get(url).status_code == 403
    assert AuditEvent.objects.filter(outcome=AuditEvent.Outcome.DENIED).exists()
    client.force_login(organiser(L.PROVINCIAL, TIANJIN))
    assert client.get(url).status_code == 200


def test_a_unit_organiser_may_check_in_but_not_see_attendees_of_another_sector(
    client, heping_offering
):
    client.force_login(organiser(L.UNIT, HEPING))
    assert client.get(org("tickets_check_in", heping_offering.pk)).status_code == 200
    client.force_login(organiser(L.COUNTY, HEPING, sector="school"))
    assert client.get(org("tickets_check_in", heping_offering.pk)).status_code == 403


def test_list_shows_only_offerings_in_scope(client, heping_offering, region):
    OfferingFactory(source=ACTIVITY, region=region("130102"), title="石家庄的活动", title_en="")
    client.force_login(organiser(L.COUNTY, HEPING))
    html = client.get(org("tickets_list")).content.decode()
    assert heping_offering.title_en in html
    assert "石家庄的活动" not in html
    client.force_login(UserFactory())
    assert client.get(org("tickets_list")).status_code == 403


def test_attendee_details_need_a_reason_and_each_look_is_logged(client, heping_offering):
    heping_offering.asks_name = True
    heping_offering.save()
    services.register(actor=UserFactory(), offering_id=heping_offering.pk, name="李雷")
    client.force_login(organiser(L.COUNTY, HEPING))
    page = client.get(org("tickets_attendees", heping_offering.pk)).content.decode()
    assert "李雷" not in page
    assert (
        client.post(org("tickets_attendees", heping_offering.pk), {"reveal-why": ""}).status_code
        == 400
    )
    assert not AccessLogEntry.objects.exists()
    page = client.post(
        org("tickets_attendees", heping_offering.pk), {"reveal-why": "门口核对姓名"}
    ).content.decode()
    assert "李雷" in page
    assert AccessLogEntry.objects.filter(why="门口核对姓名").count() == 1


def test_close_registration_from_the_organiser_area(client, heping_offering):
    client.force_login(organiser(L.COUNTY, HEPING))
    client.post(org("tickets_close", heping_offering.pk))
    heping_offering.refresh_from_db()
    assert not heping_offering.is_open
    client.force_login(organiser(L.COUNTY, "120102"))
    assert client.post(org("tickets_close", heping_offering.pk)).status_code == 403


@pytest.fixture
def event(db):
    """An event still to come, in the current edition."""
    edition = EditionFactory(
        year=2099, starts_on=date(2099, 9, 14), ends_on=date(2099, 9, 20), is_published=True
    )
    starts = datetime(2099, 9, 15, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    return EventFactory(
        edition=edition, is_published=True, starts_at=starts, ends_at=starts + timedelta(hours=2)
    )


@pytest.fixture
def past_event(db):
    edition = EditionFactory(is_published=True)  # 2019, the only edition: the current one
    return EventFactory(edition=edition, is_published=True)


def test_opening_registration_for_an_event_that_is_over_asks_for_confirmation(
    client, national, past_event
):
    client.force_login(national)
    url = org("tickets_open_event", past_event.pk)
    page = client.get(url).content.decode()
    assert "This event is already over" in page
    assert 'name="open_although_over"' in page
    response = client.post(url, {"capacity": 50, "per_person_limit": 1})
    assert response.status_code == 400
    assert "confirm that you want to open it anyway" in response.content.decode()
    assert not Offering.objects.exists()
    confirmed = client.post(
        url, {"capacity": 50, "per_person_limit": 1, "open_although_over": "on"}
    )
    assert confirmed.status_code == 302
    assert Offering.objects.get(source_id=past_event.pk).capacity == 50


def test_an_event_still_to_come_is_opened_without_the_question(client, national, event):
    client.force_login(national)
    page = client.get(org("tickets_open_event", event.pk)).content.decode()
    assert "already over" not in page
    assert 'name="open_although_over"' not in page


def test_national_organiser_opens_registration_for_an_official_event(client, national, event):
    client.force_login(national)
    assert (event.title_en or event.title) in client.get(org("tickets_events")).content.decode()
    response = client.post(
        org("tickets_open_event", event.pk),
        {"capacity": 50, "per_person_limit": 2, "asks_name": "on"},
    )
    assert response.status_code == 302
    offering = Offering.objects.get(source=Offering.Source.EVENT, source_id=event.pk)
    assert offering.capacity == 50
    assert offering.asks_name
    assert not offering.asks_phone
    assert offering.starts_at == event.starts_at
    assert offering.region is None


def test_opening_official_events_is_national_only(client, event, region):
    url = org("tickets_open_event", event.pk)
    assert client.get(url).status_code == 302
    client.force_login(organiser(L.PROVINCIAL, TIANJIN))
    assert client.get(url).status_code == 403
    assert client.post(url, {"capacity": 5, "per_person_limit": 1}).status_code == 403
    assert not Offering.objects.exists()


def test_bad_capacity_is_a_form_error(client, national, event):
    client.force_login(national)
    response = client.post(
        org("tickets_open_event", event.pk), {"capacity": 0, "per_person_limit": 1}
    )
    assert response.status_code == 400
    response = client.post(
        org("tickets_open_event", event.pk), {"capacity": 2, "per_person_limit": 5}
    )
    assert response.status_code == 400
    assert "between one seat" in response.content.decode()


def test_unknown_event_is_404(client, national):
    client.force_login(national)
    assert client.get(org("tickets_open_event", 987654)).status_code == 404
