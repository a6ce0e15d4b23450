"""Every view that shows another person's personal data, walked: without a reason the data
is not on the page and nothing is logged; with a reason the data is shown and each look
is in the access log with that reason. Views that never show such data are walked too.

A new page that shows personal data belongs in `REVEALING`; the test then proves it asks
for a reason (through `core.reveal`) and logs the look."""

from dataclasses import dataclass

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from cyberweek.accounts.models import OrganiserRole
from cyberweek.geo.models import Region
from cyberweek.privacy.models import AccessLogEntry, DataSubjectRequest
from cyberweek.tickets import services as ticket_services
from tests.accounts.factories import UserFactory, organiser
from tests.activities.factories import HEPING, ActivityFactory
from tests.programme.factories import EditionFactory
from tests.tickets.factories import OfferingFactory

pytestmark = pytest.mark.django_db
L = OrganiserRole.Level
SECRET_NAME = "欧阳春晓"
WHY = "核对后回复当事人"


@dataclass
class Case:
    viewer: object
    url: str
    secret: str
    subject: object = None  # whose data, when the person has an account
    admin: bool = False


def activity_page(name):
    def setup():
        registrant = organiser(L.COUNTY, HEPING, display_name="登记人")
        activity = ActivityFactory(
            edition=EditionFactory(), created_by=registrant, contact_name=SECRET_NAME
        )
        viewer = organiser(L.COUNTY, HEPING)
        return Case(viewer, reverse(f"organiser:{name}", args=[activity.pk]), SECRET_NAME)

    return setup


def ticket_attendees():
    offering = OfferingFactory(
        source="activities.activity",
        region=Region.objects.get(code=HEPING),
        sector="community",
        asks_name=True,
    )
    attendee = UserFactory()
    ticket_services.register(actor=attendee, offering_id=offering.pk, name=SECRET_NAME)
    url = reverse("organiser:tickets_attendees", args=[offering.pk])
    return Case(organiser(L.COUNTY, HEPING), url, SECRET_NAME, subject=attendee)


def privacy_request():
    subject = UserFactory()
    request = DataSubjectRequest.objects.create(
        kind="export",
        requester_contact=f"{SECRET_NAME} 天津市和平区某路1号",
        subject=subject,
        received_at="2026-12-01T00:00:00Z",
        due_at="2026-12-16T00:00:00Z",
    )
    url = reverse("organiser:privacy_request", args=[request.pk])
    return Case(organiser(L.NATIONAL), url, SECRET_NAME, subject=subject)


def organiser_list():
    colleague = organiser(L.UNIT, HEPING, display_name=SECRET_NAME)
    return Case(
        organiser(L.COUNTY, HEPING), reverse("organiser:roles"), SECRET_NAME, subject=colleague
    )


def admin_user(name):
    def setup():
        subject = UserFactory(display_name=SECRET_NAME)
        staff = UserFactory(is_staff=True, is_superuser=True)
        url = reverse(f"admin:accounts_user_{name}", args=[subject.pk])
        return Case(staff, url, SECRET_NAME, subject=subject, admin=True)

    return setup


def admin_device():
    subject = UserFactory(display_name=SECRET_NAME)
    device = TOTPDevice.objects.create(user=subject, name="手机", confirmed=True)
    staff = UserFactory(is_staff=True, is_superuser=True)
    url = reverse("admin:otp_totp_totpdevice_change", args=[device.pk])
    return Case(staff, url, SECRET_NAME, subject=subject, admin=True)


REVEALING = {
    "activities: detail (contact, text as written)": activity_page("activities_detail"),
    "activities: edit form (contact, text as written)": activity_page("activities_edit"),
    "tickets: attendee list": ticket_attendees,
    "privacy: request detail (requester contact)": privacy_request,
    "accounts: organiser list (names)": organiser_list,
    "admin: user change form": admin_user("change"),
    "admin: user history": admin_user("history"),
    "admin: user delete confirmation": admin_user("delete"),
    "admin: two-factor device": admin_device,
}


def reveal(client, case, why):
    return client.post(case.url, {"reveal-why": why})


@pytest.mark.parametrize("setup", REVEALING.values(), ids=REVEALING.keys())
def test_each_personal_data_view_shows_it_only_with_a_reason_and_logs_it(client, setup):
    case = setup()
    client.force_login(case.viewer)
    first = client.get(case.url)
    assert first.status_code == 200
    assert case.secret not in first.content.decode()
    refused = reveal(client, case, "  ")
    assert refused.status_code == 400
    assert case.secret not in refused.content.decode()
    assert not AccessLogEntry.objects.exists()

    shown = reveal(client, case, WHY)
    assert shown.status_code == 200
    assert case.secret in shown.content.decode()
    entries = list(AccessLogEntry.objects.all())
    assert entries
    assert {(e.actor_ref, e.why) for e in entries} == {(f"user:{case.viewer.pk}", WHY)}
    if case.subject is not None:
        assert f"user:{case.subject.pk}" in {e.subject_ref for e in entries}


def never_shown_cases():
    def admin_user_list():
        UserFactory(display_name=SECRET_NAME)
        staff = UserFactory(is_staff=True, is_superuser=True)
        return staff, reverse("admin:accounts_user_changelist")

    def admin_device_list():
        TOTPDevice.objects.create(user=UserFactory(display_name=SECRET_NAME), name="手机")
        staff = UserFactory(is_staff=True, is_superuser=True)
        return staff, reverse("admin:otp_totp_totpdevice_changelist")

    def admin_activity():
        registrant = UserFactory(display_name=SECRET_NAME)
        activity = ActivityFactory(edition=EditionFactory(), created_by=registrant)
        activity.steps.create(actor=registrant, action="created", to_status="draft")
        staff = UserFactory(is_staff=True, is_superuser=True)
        return staff, reverse("admin:activities_activity_change", args=[activity.pk])

    def privacy_requests_list():
        privacy_request()
        return organiser(L.NATIONAL), reverse("organiser:privacy_requests")

    def activity_list():
        ActivityFactory(edition=EditionFactory(), contact_name=SECRET_NAME)
        return organiser(L.COUNTY, HEPING), reverse("organiser:activities_list")

    return {
        "admin: user list": admin_user_list,
        "admin: two-factor device list": admin_device_list,
        "admin: activity (registrant, history)": admin_activity,
        "privacy: request list": privacy_requests_list,
        "activities: organiser list": activity_list,
    }


NEVER_SHOWN = never_shown_cases()


@pytest.mark.parametrize("setup", NEVER_SHOWN.values(), ids=NEVER_SHOWN.keys())
def test_views_that_need_no_reason_show_no_personal_data(client, setup):
    viewer, url = setup()
    client.force_login(viewer)
    response = client.get(url)
    assert response.status_code == 200
    assert SECRET_NAME not in response.content.decode()
    assert not AccessLogEntry.objects.exists()


@pytest.mark.parametrize("name", ["change", "delete"])
def test_a_post_to_an_admin_page_without_a_reason_shows_no_personal_data(client, name):
    case = admin_user(name)()
    client.force_login(case.viewer)
    # An empty POST to the delete page, or an invalid one to the change page, would render
    # the page again, naming the person.
    response = client.post(case.url, {} if name == "delete" else {"is_active": "maybe"})
    assert response.status_code == 400
    assert case.secret not in response.content.decode()
    assert not AccessLogEntry.objects.exists()
    assert type(case.subject).objects.filter(pk=case.subject.pk, is_active=True).exists()


def test_saving_an_account_in_the_admin_after_the_reason_goes_through(client):
    case = admin_user("change")()
    client.force_login(case.viewer)
    reveal(client, case, WHY)
    subject = case.subject
    response = client.post(
        case.url,
        {
            "email": subject.email,
            "display_name": "欧阳春晓",
            "is_active": "",
            "date_joined_0": "2026-12-01",
            "date_joined_1": "00:00:00",
            "organiser_roles-TOTAL_FORMS": "0",
            "organiser_roles-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    subject.refresh_from_db()
    assert subject.is_active is False
