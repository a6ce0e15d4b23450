from datetime import date

import pytest

from cyberweek.programme.queries import current_edition, programme_days, week_status
from tests.programme.factories import EditionFactory, EventFactory, ThemedDayFactory, at

pytestmark = pytest.mark.django_db


def test_the_current_edition_is_the_newest_published_one():
    EditionFactory(year=2019)
    EditionFactory(year=2020, starts_on=date(2020, 9, 14), ends_on=date(2020, 9, 20))
    EditionFactory(
        year=2021, is_published=False, starts_on=date(2021, 10, 11), ends_on=date(2021, 10, 17)
    )
    assert current_edition().year == 2020


def test_before_the_week_there_is_a_countdown():
    status = week_status(EditionFactory(), today=date(2019, 9, 6))
    assert (status.phase, status.days_to_go) == ("upcoming", 10)


def test_during_the_week_today_shows_its_themed_day_and_events():
    edition = EditionFactory()
    ThemedDayFactory(edition=edition, date=date(2019, 9, 17))
    event = EventFactory(edition=edition, starts_at=at(17, "09:00"), ends_at=at(17, "10:00"))
    EventFactory(edition=edition, starts_at=at(18, "09:00"), ends_at=at(18, "10:00"))
    status = week_status(edition, today=date(2019, 9, 17))
    assert status.phase == "running"
    assert status.today.themed_day.title == "校园日"
    assert status.today.events == [event]


def test_after_the_week_it_is_over():
    assert week_status(EditionFactory(), today=date(2019, 9, 23)).phase == "over"


def test_an_event_over_several_days_is_listed_on_each():
    edition = EditionFactory()
    expo = EventFactory(edition=edition, starts_at=at(16, "10:00"), ends_at=at(22, "17:00"))
    days = programme_days(edition)
    assert len(days) == 7
    assert all(expo in day.events for day in days)


def test_unpublished_events_stay_off_the_programme():
    edition = EditionFactory()
    EventFactory(edition=edition, is_published=False)
    assert not any(day.events for day in programme_days(edition))
