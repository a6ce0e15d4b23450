from datetime import date, datetime
from zoneinfo import ZoneInfo

import factory

from cyberweek.programme.models import Edition, Event, Room, Speaker, ThemedDay

TZ = ZoneInfo("Asia/Shanghai")


def at(day: int, hhmm: str, *, month: int = 9, year: int = 2019) -> datetime:
    hour, minute = map(int, hhmm.split(":"))
    return datetime(year, month, day, hour, minute, tzinfo=TZ)


class EditionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Edition
        django_get_or_create = ["year"]

    year = 2019
    slug = factory.LazyAttribute(lambda o: str(o.year))
    theme = "网络安全为人民，网络安全靠人民"
    theme_en = "Cybersecurity for the people, cybersecurity by the people"
    host_city = "天津"
    host_city_en = "Tianjin"
    starts_on = date(2019, 9, 16)
    ends_on = date(2019, 9, 22)
    is_published = True


class ThemedDayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ThemedDay

    edition = factory.SubFactory(EditionFactory)
    date = date(2019, 9, 17)
    kind = ThemedDay.Kind.CAMPUS
    title = "校园日"
    title_en = "Campus Day"


class RoomFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Room

    edition = factory.SubFactory(EditionFactory)
    venue = "天津梅江会展中心"
    name = factory.Sequence(lambda n: f"第{n}会议室")


class SpeakerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Speaker

    edition = factory.SubFactory(EditionFactory)
    name = factory.Sequence(lambda n: f"嘉宾{n}")
    affiliation = "示例大学"


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    edition = factory.SubFactory(EditionFactory)
    slug = factory.Sequence(lambda n: f"event-{n}")
    kind = Event.Kind.SESSION
    title = factory.Sequence(lambda n: f"议程{n}")
    title_en = factory.Sequence(lambda n: f"Session {n}")
    starts_at = at(17, "09:00")
    ends_at = at(17, "10:00")
