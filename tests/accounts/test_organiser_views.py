import pytest
from django.urls import reverse

from cyberweek.accounts.models import OrganiserRole
from cyberweek.core.models import AuditEvent
from tests.accounts.factories import UserFactory, organiser

pytestmark = pytest.mark.django_db
L = OrganiserRole.Level


def appoint(client, **fields):
    data = {
        "identifier": "new@example.org",
        "level": "county",
        "region_code": "120101",
        "sector": "",
        "unit_name": "",
    }
    return client.post(reverse("organiser:grant_role"), {**data, **fields})


def test_a_province_appoints_a_county_organiser_and_sees_the_team(client):
    client.force_login(organiser(L.PROVINCIAL, "120000"))
    person = UserFactory(email="new@example.org")
    assert appoint(client).status_code == 302
    role = OrganiserRole.objects.get(user=person)
    assert (role.level, role.region.code) == ("county", "120101")
    page = client.get(reverse("organiser:roles")).content.decode()
    assert "County · Heping District" in page  # the English page names regions in English


def test_the_team_list_shows_only_roles_in_the_actors_regions(client):
    organiser(L.COUNTY, "110101", email="beijing-county@example.org")
    client.force_login(organiser(L.PROVINCIAL, "120000"))
    page = client.get(reverse("organiser:roles")).content.decode()
    assert "东城区" not in page


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"identifier": "nobody@example.org"}, "identifier", "Nobody has signed up"),
        ({"region_code": "999999"}, "region_code", "no current region"),
        ({"region_code": "12a"}, "region_code", "six-digit"),
        ({"level": "emperor"}, "level", "Select a valid choice"),
        ({"region_code": "110101"}, None, "does not cover"),
        ({"level": "provincial", "region_code": "120000"}, None, "below your own level"),
    ],
)
def test_appointments_that_cannot_be_made_say_why(client, fields, field, message):
    client.force_login(organiser(L.PROVINCIAL, "120000"))
    UserFactory(email="new@example.org")
    response = appoint(client, **fields)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert message in " ".join(errors.get(field or "__all__", []))
    assert OrganiserRole.objects.count() == 1


def test_unit_organisers_cannot_appoint_anyone(client):
    unit = organiser(L.UNIT, "120101")
    client.force_login(unit)
    assert client.get(reverse("organiser:grant_role")).status_code == 403
    assert AuditEvent.objects.filter(actor=unit, outcome="denied").exists()
