"""A current edition placed around the day the demo is loaded, so that what only works
during a Week (today's themed day, registration for events still to come, check-in at the
door, an open contest) can be tried at once. 2019 stays as the archive edition.

The Week starts two days before the load and runs seven days: today is its third day
(Telecom Day). Its themed days, rooms, speakers and events follow the 2019 programme,
shifted to these dates; everything is computed from `today`, so a rerun on another day
finds the edition it made before and leaves it alone. `--opens-in N` on `load_demo`
places the Week N days ahead instead, for the home page's countdown.
"""

from datetime import date, timedelta

from django.utils import timezone

from cyberweek.programme import services
from cyberweek.programme.models import Edition

from .edition_2019 import build_programme

FIRST_DAY_2019 = 16  # the 2019 programme's days are numbered 16-22 (September)
DAYS_BEFORE_TODAY = 2

# The 2019 texts, except where they name that year.
DESCRIPTIONS = {
    22: (
        "少收集、加密保存、按时删除：现场体验个人信息自查，查看隐私中心。",
        "Collect little, encrypt what is kept, delete it on time: try the personal "
        "information self-check and the privacy centre.",
    ),
}


def first_day(today: date | None = None, opens_in: int | None = None) -> date:
    today = today or timezone.localdate()
    if opens_in is not None:
        return today + timedelta(days=opens_in)
    return today - timedelta(days=DAYS_BEFORE_TODAY)


def load(actor, *, today: date | None = None, opens_in: int | None = None) -> Edition:
    """Create this year's edition around `today` through the programme's services, or
    return the one made before (the year is the edition's key)."""
    start = first_day(today, opens_in)
    year = (today or timezone.localdate()).year
    existing = Edition.objects.filter(year=year).first()
    if existing is not None:
        return existing
    edition = services.create_edition(
        actor=actor,
        data={
            "year": year,
            "slug": str(year),
            "theme": "网络安全为人民，网络安全靠人民",
            "theme_en": "Cybersecurity for the people, cybersecurity by the people",
            "slogan": "共筑网络安全防线，共享数字发展成果",
            "slogan_en": "Guard cyberspace together, share the digital future",
            "host_city": "天津",
            "host_city_en": "Tianjin",
            "starts_on": start,
            "ends_on": start + timedelta(days=6),
            "is_published": True,
        },
    )
    build_programme(
        actor,
        edition,
        on_day=lambda day: start + timedelta(days=day - FIRST_DAY_2019),
        year_in_titles=str(year),
        descriptions=DESCRIPTIONS,
    )
    return edition
