import pytest

from cyberweek.accounts.models import OrganiserRole
from cyberweek.activities.models import Activity
from cyberweek.geo.models import Region, Sector
from cyberweek.quiz.models import Attempt
from cyberweek.tipline.models import Report
from tests.accounts.factories import organiser
from tests.activities.factories import ActivityFactory, at
from tests.programme.factories import EditionFactory, ThemedDayFactory
from tests.quiz.factories import ContestFactory, entry_for
from tests.tipline.factories import phishing

L = OrganiserRole.Level
HEPING, HEXI, BINHAI = "120101", "120103", "120116"
GUANGZHOU_TIANHE = "440106"


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def edition(db):
    edition = EditionFactory()
    ThemedDayFactory(edition=edition)
    return edition


@pytest.fixture
def national(db):
    return organiser(L.NATIONAL)


@pytest.fixture
def tianjin(db):
    return organiser(L.PROVINCIAL, "120000")


@pytest.fixture
def heping(db):
    return organiser(L.COUNTY, HEPING)


def activities(edition, code, count, *, day=17, sector=Sector.SCHOOL, reported=0, **extra):
    """`count` approved activities in region `code` on 2019-09-`day`, of which `reported`
    reported an outcome of 30 participants on site and 100 online."""
    region = Region.objects.get(code=code)
    made = []
    for n in range(count):
        done = n < reported
        made.append(
            ActivityFactory(
                edition=edition,
                region=region,
                sector=sector,
                starts_at=at(day, "09:00"),
                ends_at=at(day, "11:00"),
                status=Activity.Status.REPORTED if done else Activity.Status.APPROVED,
                participants=30 if done else None,
                online_reach=100 if done else None,
                outcome_reported_at=at(day, "12:00") if done else None,
                **extra,
            )
        )
    return made


def attempts(edition, code, count, *, passed, day=18, sector=Sector.SCHOOL):
    contest = ContestFactory(edition=edition)
    region = Region.objects.get(code=code)
    for n in range(count):
        entry = entry_for(contest, region=region, sector=sector)
        Attempt.objects.create(
            entry=entry,
            contest=contest,
            user=entry.user,
            number=1,
            status=Attempt.Status.SUBMITTED,
            started_at=at(day, "10:00"),
            deadline_at=at(day, "10:20"),
            submitted_at=at(day, "10:10"),
            score=80 if n < passed else 20,
            max_score=100,
            passed=n < passed,
        )


def tips(code, count, *, day=19):
    for n in range(count):
        phishing(link=f"http://bank-{n}.example.net/login", region=code)
    Report.objects.update(created_at=at(day, "08:00"))


def week_of_figures(edition):
    """A small Week: Heping 12 activities (5 reported) and Hexi 3 on Campus Day, Tianhe
    (Guangzhou) 20 on the 18th; 15 attempts in Heping (9 passed); 11 tips in Dongcheng."""
    activities(edition, HEPING, 12, reported=5)
    activities(edition, HEXI, 3, sector=Sector.COMMUNITY)
    activities(edition, GUANGZHOU_TIANHE, 20, day=18, sector=Sector.ENTERPRISE)
    attempts(edition, HEPING, 15, passed=9)
    tips("110101", 11)
