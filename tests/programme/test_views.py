from datetime import date

import pytest
from django.urls import reverse
from django.utils import translation
from icalendar import Calendar

from cyberweek.accounts.models import OrganiserRole
from cyberweek.core.models import AuditEvent
from cyberweek.programme.models import Event
from tests.accounts.factories import organiser
from tests.programme.factories import (
    EditionFactory,
    EventFactory,
    RoomFactory,
    ThemedDayFactory,
    at,
)

pytestmark = pytest.mark.django_db
L = OrganiserRole.Level


@pytest.fixture
def edition():
    edition = EditionFactory()
    ThemedDayFactory(edition=edition)
    EventFactory(
        edition=edition,
        slug="opening",
        kind=Event.Kind.CEREMONY,
        title="开幕式",
        title_en="Opening ceremony",
        starts_at=at(16, "09:00"),
        ends_at=at(16, "10:30"),
    )
    return edition


def zh(name, *args):
    with translation.override("zh-hans"):
        return reverse(name, args=args)


def test_the_home_page_is_chinese_by_default(client, edition):
    response = client.get(zh("programme:home"))
    page = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="zh-CN">' in page
    assert "网络安全为人民，网络安全靠人民" in page
    assert "国家网络安全宣传周" in page


def test_the_home_page_in_english(client, edition):
    page = client.get(reverse("programme:home")).content.decode()
    assert '<html lang="en">' in page
    assert "Cybersecurity for the people, cybersecurity by the people" in page
    assert "Campus Day" in page


def test_the_home_page_without_any_edition(client):
    assert client.get(reverse("programme:home")).status_code == 200


def test_the_programme_lists_each_day_with_its_themed_day(client, edition):
    page = client.get(zh("programme:programme", 2019)).content.decode()
    assert "校园日" in page
    assert "开幕式" in page
    assert page.count('class="h5 border-bottom') == 7


def test_the_programme_filters_by_kind(client, edition):
    EventFactory(edition=edition, kind=Event.Kind.EXPO, title_en="The expo")
    page = client.get(
        reverse("programme:programme", args=[2019]), {"kind": "expo"}
    ).content.decode()
    assert "The expo" in page
    assert "Opening ceremony" not in page


def test_an_unknown_kind_in_the_query_string_is_a_400_with_the_reason(client, edition):
    response = client.get(reverse("programme:programme", args=[2019]), {"kind": "<script>"})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert "<script>" not in response.content.decode()


@pytest.mark.parametrize(
    "path",
    [
        "/editions/1999/",
        "/editions/2019/events/nope/",
        "/en/editions/2019/events/nope.ics",
        "/xx/editions/2019/",
        "/editions/abc/",
    ],
)
def test_unknown_editions_events_and_languages_are_404(client, edition, path):
    response = client.get(path)
    assert response.status_code == 404


def test_an_unpublished_edition_is_not_public(client):
    EditionFactory(is_published=False)
    assert client.get(reverse("programme:programme", args=[2019])).status_code == 404


def test_an_event_page_shows_time_room_and_sessions(client, edition):
    room = RoomFactory(edition=edition, name="主会场", name_en="Main hall")
    forum = EventFactory(
        edition=edition,
        slug="summit",
        kind=Event.Kind.FORUM,
        room=room,
        title_en="Summit",
        starts_at=at(16, "13:30"),
        ends_at=at(16, "17:30"),
    )
    EventFactory(
        edition=edition,
        parent=forum,
        title_en="Keynote",
        starts_at=at(16, "13:30"),
        ends_at=at(16, "14:30"),
    )
    page = client.get(reverse("programme:event", args=[2019, "summit"])).content.decode()
    assert "Summit" in page
    assert "Main hall" in page
    assert "Keynote" in page


def test_the_programme_ical_feed_holds_every_public_event(client, edition):
    EventFactory(edition=edition, slug="hidden", is_published=False)
    response = client.get(reverse("programme:programme_ics", args=[2019]))
    assert response["Content-Type"].startswith("text/calendar")
    events = Calendar.from_ical(response.content).walk("VEVENT")
    assert [str(e["summary"]) for e in events] == ["Opening ceremony"]
    assert events[0].decoded("dtstart") == at(16, "09:00")


def test_one_event_has_its_own_ical_file(client, edition):
    with translation.override("zh-hans"):
        response = client.get(reverse("programme:event_ics", args=[2019, "opening"]))
    [event] = Calendar.from_ical(response.content).walk("VEVENT")
    assert str(event["summary"]) == "开幕式"
    assert str(event["url"]).endswith("/editions/2019/events/opening/")


def test_the_language_switcher_remembers_the_choice_and_ignores_unknown_codes(client, edition):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert response["Location"] == "/en/"
    response = client.post("/i18n/setlang/", {"language": "klingon", "next": "/"})
    assert response.status_code == 302


# --- Organiser pages -------------------------------------------------------------------


def test_a_national_organiser_creates_an_event_through_the_form(client, edition):
    client.force_login(organiser(L.NATIONAL))
    url = reverse("organiser:event_new", args=[edition.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "kind": "session",
            "title": "新议程",
            "slug": "new-session",
            "starts_at": "2019-09-18T09:00",
            "ends_at": "2019-09-18T10:00",
            "is_published": "on",
        },
    )
    assert response.status_code == 302
    event = Event.objects.get(slug="new-session")
    assert event.starts_at == at(18, "09:00")


def test_an_event_outside_the_dates_comes_back_with_the_reason(client, edition):
    client.force_login(organiser(L.NATIONAL))
    response = client.post(
        reverse("organiser:event_new", args=[edition.pk]),
        {
            "kind": "session",
            "title": "x",
            "slug": "x",
            "starts_at": "2019-10-01T09:00",
            "ends_at": "2019-10-01T10:00",
        },
    )
    assert response.status_code == 400
    assert "the edition&#x27;s dates" in response.content.decode()
    assert not Event.objects.filter(slug="x").exists()


def test_malformed_dates_in_the_form_are_field_errors(client, edition):
    client.force_login(organiser(L.NATIONAL))
    response = client.post(
        reverse("organiser:event_new", args=[edition.pk]),
        {
            "kind": "nope",
            "title": "",
            "slug": "bad slug!",
            "starts_at": "yesterday",
            "ends_at": "2019-13-45T99:00",
        },
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert {"kind", "title", "slug", "starts_at", "ends_at"} <= errors.keys()


def test_a_provincial_organiser_is_refused_the_programme_pages(client, edition):
    tianjin = organiser(L.PROVINCIAL, "120000")
    client.force_login(tianjin)
    for url in (reverse("organiser:editions"), reverse("organiser:event_new", args=[edition.pk])):
        assert client.get(url).status_code == 403
    response = client.post(reverse("organiser:event_new", args=[edition.pk]), {"title": "x"})
    assert response.status_code == 403
    assert AuditEvent.objects.filter(actor=tianjin, outcome="denied").count() == 3


def test_organisers_edit_editions_themed_days_rooms_and_speakers(client, edition):
    client.force_login(organiser(L.NATIONAL))
    steps = [
        (
            reverse("organiser:edition_edit", args=[edition.pk]),
            {
                "year": 2019,
                "slug": "2019",
                "theme": "新主题",
                "host_city": "天津",
                "starts_on": "2019-09-16",
                "ends_on": "2019-09-22",
                "is_published": "on",
            },
        ),
        (
            reverse("organiser:day_new", args=[edition.pk]),
            {"date": "2019-09-20", "kind": "finance", "title": "金融日"},
        ),
        (reverse("organiser:room_new", args=[edition.pk]), {"venue": "会展中心", "name": "A厅"}),
        (reverse("organiser:speaker_new", args=[edition.pk]), {"name": "示例嘉宾"}),
    ]
    for url, data in steps:
        response = client.post(url, data)
        assert response.status_code == 302, response.context["form"].errors
    edition.refresh_from_db()
    assert edition.theme == "新主题"
    assert edition.themed_days.filter(date=date(2019, 9, 20)).exists()
    assert edition.rooms.filter(name="A厅").exists()
    assert edition.speakers.filter(name="示例嘉宾").exists()
    detail = client.get(reverse("organiser:edition", args=[edition.pk])).content.decode()
    assert "A厅" in detail


def test_a_new_edition_with_a_bad_year_is_refused(client):
    client.force_login(organiser(L.NATIONAL))
    response = client.post(
        reverse("organiser:edition_new"),
        {
            "year": 1900,
            "slug": "old",
            "theme": "t",
            "host_city": "c",
            "starts_on": "1900-09-01",
            "ends_on": "1900-09-07",
        },
    )
    assert response.status_code == 400
    assert "year" in response.context["form"].errors


def test_deleting_an_event_from_the_organiser_area(client, edition):
    client.force_login(organiser(L.NATIONAL))
    event = Event.objects.get(slug="opening")
    url = reverse("organiser:event_delete", args=[edition.pk, event.pk])
    assert "Delete" in client.get(url).content.decode()
    assert client.post(url).status_code == 302
    assert not Event.objects.filter(pk=event.pk).exists()


def test_editing_an_event_of_another_edition_is_404(client, edition):
    client.force_login(organiser(L.NATIONAL))
    other = EditionFactory(year=2020, starts_on=date(2020, 9, 14), ends_on=date(2020, 9, 20))
    event = Event.objects.get(slug="opening")
    assert client.get(reverse("organiser:event_edit", args=[other.pk, event.pk])).status_code == 404


def test_the_language_links_lead_to_this_page_in_the_other_language(client, edition):
    chinese = client.get("/editions/2019/?day=2019-09-16").content.decode()
    assert 'href="/en/editions/2019/?day=2019-09-16" hreflang="en"' in chinese
    assert 'aria-current="page">简体中文</a>' in chinese
    english = client.get("/en/editions/2019/").content.decode()
    assert 'href="/editions/2019/" hreflang="zh-hans"' in english
    assert 'aria-current="page">English</a>' in english
