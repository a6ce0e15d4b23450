import pytest

from cyberweek.programme.models import Event
from tests.programme.factories import EditionFactory, EventFactory, SpeakerFactory, at

pytestmark = pytest.mark.django_db


@pytest.fixture
def edition():
    edition = EditionFactory()
    forum = EventFactory(
        edition=edition,
        slug="summit",
        kind=Event.Kind.FORUM,
        title="高峰论坛",
        title_en="Summit",
        starts_at=at(16, "13:30"),
        ends_at=at(16, "17:30"),
    )
    session = EventFactory(
        edition=edition,
        slug="keynote",
        parent=forum,
        title_en="Keynote",
        starts_at=at(16, "13:30"),
        ends_at=at(16, "14:30"),
    )
    session.speakers.add(SpeakerFactory(edition=edition, name="林志远", name_en="Lin Zhiyuan"))
    EventFactory(
        edition=edition,
        slug="pi-day",
        kind=Event.Kind.OTHER,
        title_en="PI Day",
        starts_at=at(22, "09:30"),
        ends_at=at(22, "11:30"),
    )
    EventFactory(edition=edition, slug="secret", is_published=False)
    return edition


def test_editions_are_listed_with_pagination(client, edition):
    EditionFactory(year=2018, is_published=False)
    body = client.get("/api/editions").json()
    assert body["count"] == 1
    assert body["items"][0]["theme_en"].startswith("Cybersecurity for the people")


def test_events_in_time_order_with_parent_room_and_speakers(client, edition):
    body = client.get("/api/editions/2019/events").json()
    assert [e["slug"] for e in body["items"]] == ["summit", "keynote", "pi-day"]
    keynote = body["items"][1]
    assert keynote["parent"] == "summit"
    assert keynote["speakers"] == [
        {
            "name": "林志远",
            "name_en": "Lin Zhiyuan",
            "affiliation": "示例大学",
            "affiliation_en": "",
        }
    ]


@pytest.mark.parametrize(
    ("query", "slugs"),
    [
        ("kind=forum", ["summit"]),
        ("day=2019-09-22", ["pi-day"]),
        ("q=keynote", ["keynote"]),
        ("q=论坛", ["summit"]),
        ("limit=1&offset=1", ["keynote"]),
    ],
)
def test_events_can_be_filtered(client, edition, query, slugs):
    body = client.get(f"/api/editions/2019/events?{query}").json()
    assert [e["slug"] for e in body["items"]] == slugs


def test_one_event_and_its_themed_days(client, edition):
    assert client.get("/api/editions/2019/events/keynote").json()["title_en"] == "Keynote"
    assert client.get("/api/editions/2019/themed-days").json()["count"] == 0


@pytest.mark.parametrize(
    ("url", "status", "field"),
    [
        ("/api/editions/2019/events?kind=party", 422, "kind"),
        ("/api/editions/2019/events?day=2019-02-30", 422, "day"),
        ("/api/editions/2019/events?limit=-5", 422, "limit"),
        ("/api/editions/2019/events?limit=abc", 422, "limit"),
        (f"/api/editions/2019/events?q={'x' * 101}", 422, "q"),
        ("/api/editions/1999", 404, None),
        ("/api/editions/2019/events/secret", 404, None),
        ("/api/editions/2019/events/bad%20slug", 422, "slug"),
    ],
)
def test_bad_requests_get_a_problem_document(client, edition, url, status, field):
    response = client.get(url)
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == status
    assert problem["type"].startswith("https://")
    if field:
        assert [e["field"] for e in problem["errors"]] == [field]


def test_the_openapi_schema_documents_problem_responses(client):
    schema = client.get("/api/openapi.json").json()
    responses = schema["paths"]["/api/editions/{year}"]["get"]["responses"]
    assert "application/problem+json" in responses["404"]["content"]


def test_the_api_docs_use_no_cdn(client):
    page = client.get("/api/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in page
    assert "cdn." not in page
