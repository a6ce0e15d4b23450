import pytest

from cyberweek.activities.models import Activity
from cyberweek.geo.models import Sector

from .factories import ActivityFactory, at

pytestmark = pytest.mark.django_db
S = Activity.Status


def test_the_api_lists_approved_activities_without_contacts(client, edition):
    ActivityFactory(
        edition=edition, status=S.APPROVED, title="公开活动", latitude=39.1, longitude=117.2
    )
    ActivityFactory(edition=edition, status=S.DRAFT, title="草稿")
    response = client.get("/api/activities/")
    assert response.status_code == 200
    body = response.json()
    assert [a["title"] for a in body["items"]] == ["公开活动"]
    item = body["items"][0]
    assert item["region_code"] == "120101"
    assert item["latitude"] == 39.1
    assert "contact_name" not in item
    assert "contact_phone" not in item
    assert "李老师" not in response.content.decode()


def test_the_api_filters_like_the_list(client, edition, region):
    ActivityFactory(edition=edition, status=S.APPROVED, title="天津")
    ActivityFactory(
        edition=edition,
        status=S.APPROVED,
        title="河北",
        region=region("130102"),
        sector=Sector.FAMILY,
        starts_at=at(18, "09:00"),
        ends_at=at(18, "10:00"),
    )

    def titles(**params):
        return [a["title"] for a in client.get("/api/activities/", params).json()["items"]]

    assert titles(region="130000") == ["河北"]
    assert titles(sector="family") == ["河北"]
    assert titles(day="2019-09-17") == ["天津"]
    assert titles(q="天") == ["天津"]


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"region": "12"}, 422),
        ({"region": "999999"}, 404),
        ({"sector": "pets"}, 422),
        ({"limit": "0"}, 422),
        ({"year": "2031"}, 404),
        ({"day": "0"}, 422),
    ],
)
def test_bad_api_filters_are_problems(client, edition, params, status):
    response = client.get("/api/activities/", params)
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"


def test_a_date_far_from_any_edition_finds_nothing(client, edition):
    ActivityFactory(edition=edition, status=S.APPROVED)
    response = client.get("/api/activities/", {"day": "0001-01-01"})
    assert response.status_code == 200
    assert response.json()["items"] == []


def test_one_activity_and_a_missing_one(client, edition):
    activity = ActivityFactory(edition=edition, status=S.VERIFIED)
    assert client.get(f"/api/activities/{activity.pk}").json()["status"] == "verified"
    draft = ActivityFactory(edition=edition)
    response = client.get(f"/api/activities/{draft.pk}")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_counts_per_province(client, edition):
    ActivityFactory(edition=edition, status=S.APPROVED)
    counts = {p["code"]: p["count"] for p in client.get("/api/activities/provinces").json()}
    assert counts["120000"] == 1
    assert len(counts) == 34
