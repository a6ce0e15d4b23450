from datetime import datetime
from zoneinfo import ZoneInfo

import factory

from cyberweek.activities.models import Activity
from cyberweek.geo.models import Region, Sector
from tests.programme.factories import EditionFactory

TZ = ZoneInfo("Asia/Shanghai")
HEPING = "120101"  # Heping District, Tianjin: a county-level district
HEXI = "120103"  # Hexi District, Tianjin
TIANJIN = "120000"
TIANJIN_DISTRICTS = "120100"  # the municipality's prefecture level ("市辖区")
SHIJIAZHUANG_COUNTY = "130102"  # Chang'an District, Shijiazhuang, Hebei


def at(day: int, hhmm: str, *, month: int = 9, year: int = 2019) -> datetime:
    hour, minute = map(int, hhmm.split(":"))
    return datetime(year, month, day, hour, minute, tzinfo=TZ)


def activity_data(region_code: str = HEPING, **overrides) -> dict:
    """What an organiser fills in to register an offline school activity in Heping."""
    data = {
        "title": "网络安全进校园主题班会",
        "title_en": "Cybersecurity class at school",
        "description": "面向初中生讲解个人信息保护。",
        "sector": Sector.SCHOOL,
        "themed_day": None,
        "region": Region.objects.get(code=region_code),
        "format": Activity.Format.OFFLINE,
        "venue_address": "天津市和平区示例中学",
        "latitude": None,
        "longitude": None,
        "online_url": "",
        "audience": "初中生",
        "starts_at": at(17, "09:00"),
        "ends_at": at(17, "11:00"),
        "expected_reach": 300,
        "public_registration": False,
        "capacity": None,
        "contact_name": "王老师",
        "contact_phone": "13812345678",
    }
    data.update(overrides)
    return data


class ActivityFactory(factory.django.DjangoModelFactory):
    """An activity at a given stage, written directly (services are tested on their own)."""

    class Meta:
        model = Activity

    edition = factory.SubFactory(EditionFactory)
    title = factory.Sequence(lambda n: f"网络安全宣传活动{n}")
    title_en = factory.Sequence(lambda n: f"Awareness activity {n}")
    description = "讲解防范电信网络诈骗。"
    public_description = "讲解防范电信网络诈骗。"
    sector = Sector.SCHOOL
    region = factory.LazyFunction(lambda: Region.objects.get(code=HEPING))
    region_path = factory.LazyAttribute(lambda o: o.region.path)
    format = Activity.Format.OFFLINE
    venue_address = "示例地址"
    audience = "学生"
    starts_at = at(17, "09:00")
    ends_at = at(17, "11:00")
    expected_reach = 100
    contact_name = "李老师"
    contact_phone = "+8613812345678"
    status = Activity.Status.DRAFT
    is_public = factory.LazyAttribute(lambda o: o.status in Activity.PUBLIC_STATUSES)
    search_text = factory.LazyAttribute(
        lambda o: f"{o.title} {o.title_en} {o.public_description}".lower()
    )
