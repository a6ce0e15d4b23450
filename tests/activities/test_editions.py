"""Publishing a new edition does not hide earlier activities: the list, the map and the API
show the current edition by default and any earlier one a click away."""

import pytest
from django.urls import reverse

from cyberweek.activities.models import Activity
from tests.programme.factories import EditionFactory

from .factories import ActivityFactory, at

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_editions():
    archive = EditionFactory(year=2019)
    current = EditionFactory(
        year=2026,
        starts_on=at(14, "00:00", year=2026).date(),
        ends_on=at(20, "00:00", year=2026).date(),
    )
    old = ActivityFactory(
        edition=archive, title_en="Archive talk", status=Activity.Status.VERIFIED, is_public=True
    )
    new = ActivityFactory(
        edition=current,
        title_en="Current talk",
        status=Activity.Status.APPROVED,
        is_public=True,
        starts_at=at(15, "09:00", year=2026),
        ends_at=at(15, "11:00", year=2026),
    )
    return old, new


def test_the_list_shows_the_current_edition_and_links_to_earlier_ones(client, two_editions):
    page = client.get(reverse("activities:list")).content.decode()
    assert "Current talk" in page
    assert "Archive talk" not in page
    assert 'href="/en/activities/?edition=2019"' in page
    assert 'aria-current="page" href="/en/activities/?edition=2026"' in page


def test_an_earlier_edition_is_one_click_away_and_kept_by_the_filters(client, two_editions):
    page = client.get(reverse("activities:list"), {"edition": "2019"}).content.decode()
    assert "Archive talk" in page
    assert "Current talk" not in page
    assert '<input type="hidden" name="edition" value="2019">' in page
    filtered = client.get(reverse("activities:list"), {"edition": "2019", "sector": "school"})
    assert "Archive talk" in filtered.content.decode()


def test_the_map_counts_the_chosen_edition(client, two_editions):
    page = client.get(reverse("activities:map"), {"edition": "2019"}).content.decode()
    assert "edition=2019" in page
    data = client.get(reverse("activities:map_data"), {"edition": "2019"}).json()
    assert sum(p["value"] for p in data["provinces"]) == 1
    current = client.get(reverse("activities:map_data")).json()
    assert sum(p["value"] for p in current["provinces"]) == 1


def test_an_unknown_or_unpublished_edition_is_not_found(client, two_editions):
    assert client.get(reverse("activities:list"), {"edition": "2001"}).status_code == 404
    EditionFactory(year=2020, is_published=False)
    assert client.get(reverse("activities:list"), {"edition": "2020"}).status_code == 404


def test_the_api_takes_the_edition_as_the_pages_do(client, two_editions):
    current = client.get("/api/activities/").json()
    assert [a["title_en"] for a in current["items"]] == ["Current talk"]
    archive = client.get("/api/activities/", {"edition": 2019}).json()
    assert [a["title_en"] for a in archive["items"]] == ["Archive talk"]
    assert client.get("/api/activities/", {"edition": 2015}).status_code == 404
    assert client.get("/api/activities/", {"edition": 2001}).status_code == 422
    assert client.get("/api/activities/", {"edition": "soon"}).status_code == 422
