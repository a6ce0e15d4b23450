"""Reporting discipline: expected and actual activity and outcome reports per level, the
rates, the laggards, and the refusals (a region outside one's scope, a date outside the
edition's reporting period)."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from cyberweek.activities import reporting
from cyberweek.activities.models import Activity, ActivityStep
from cyberweek.core.errors import PermissionDenied, ValidationFailed
from cyberweek.geo.models import Region

from .factories import HEPING, HEXI, TIANJIN, TIANJIN_DISTRICTS, ActivityFactory, at

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")


def submitted_on(activity, when: datetime) -> None:
    step = ActivityStep.objects.create(
        activity=activity, action=ActivityStep.Action.SUBMITTED, to_status="submitted"
    )
    ActivityStep.objects.filter(pk=step.pk).update(created_at=when)


@pytest.fixture
def reports(edition):
    """Heping submitted before the Week and reported its outcome in time; Hexi submitted
    during the Week and has not reported the outcome of its approved activity."""
    heping = ActivityFactory(
        edition=edition,
        status=Activity.Status.VERIFIED,
        starts_at=at(17, "09:00"),
        ends_at=at(17, "11:00"),
        participants=80,
        outcome_reported_at=at(19, "10:00"),
    )
    submitted_on(heping, at(10, "09:00"))
    hexi = ActivityFactory(
        edition=edition,
        region=Region.objects.get(code=HEXI),
        status=Activity.Status.APPROVED,
        starts_at=at(17, "09:00"),
        ends_at=at(17, "11:00"),
    )
    submitted_on(hexi, at(16, "12:00"))
    return heping, hexi


def activity_regions_under(code: str) -> int:
    """Counted independently: counties below the region, by their codes."""
    prefix = code.rstrip("0")[:2] if code.endswith("0000") else code.rstrip("0")[:4]
    return Region.objects.filter(
        level=Region.Level.COUNTY, is_active=True, code__startswith=prefix
    ).count()


def test_each_county_and_the_totals_count_expected_actual_and_on_time_reports(edition, reports):
    figures = reporting.region_figures(
        region=Region.objects.get(code=TIANJIN), edition=edition, as_of=date(2019, 10, 1)
    )
    heping, hexi, total = figures[HEPING], figures[HEXI], figures[TIANJIN]
    assert (heping.activity_expected, heping.activity_actual, heping.activity_on_time) == (1, 1, 1)
    assert (hexi.activity_expected, hexi.activity_actual, hexi.activity_on_time) == (1, 1, 0)
    assert (heping.outcome_expected, heping.outcome_actual, heping.outcome_on_time) == (1, 1, 1)
    assert (hexi.outcome_expected, hexi.outcome_actual, hexi.outcome_on_time) == (1, 0, 0)
    expected = activity_regions_under(TIANJIN)
    assert total.activity_expected == expected
    assert total.activity_rate == round(100 * 2 / expected, 1)
    assert total.outcome_rate == 50.0
    assert figures[TIANJIN_DISTRICTS].outcome_on_time_rate == 50.0


def test_an_outcome_not_yet_due_is_not_expected(edition, reports):
    figures = reporting.region_figures(
        region=Region.objects.get(code=TIANJIN), edition=edition, as_of=date(2019, 9, 20)
    )
    assert figures[HEXI].outcome_expected == 0
    assert figures[HEXI].outcome_rate is None
    assert figures[HEPING].outcome_actual == 1


def test_a_submission_after_the_date_asked_about_does_not_count(edition, reports):
    figures = reporting.region_figures(
        region=Region.objects.get(code=TIANJIN), edition=edition, as_of=date(2019, 9, 12)
    )
    assert figures[HEPING].activity_actual == 1
    assert figures[HEXI].activity_actual == 0


def test_laggards_list_regions_with_reports_missing_most_missing_first(edition, reports):
    _heping, hexi = reports
    ActivityFactory(
        edition=edition, region=hexi.region, status=Activity.Status.HELD, ends_at=hexi.ends_at
    )
    report = reporting.completeness(
        region=Region.objects.get(code=TIANJIN), edition=edition, as_of=date(2019, 10, 1)
    )
    counties = next(level for level in report.levels if level.level == Region.Level.COUNTY)
    codes = [f.region.code for f in counties.laggards]
    assert HEPING not in codes
    assert codes[0] == HEXI  # two outcome reports missing; the others miss one report
    assert counties.laggard_count == activity_regions_under(TIANJIN) - 1
    assert [level.level for level in report.levels] == ["province", "prefecture", "county"]


def test_a_date_outside_the_editions_reporting_period_is_refused(edition):
    first, last = reporting.reporting_period(edition)
    for day in (first - timedelta(days=1), last + timedelta(days=1)):
        with pytest.raises(ValidationFailed) as refused:
            reporting.region_figures(
                region=Region.objects.get(code=TIANJIN), edition=edition, as_of=day
            )
        assert refused.value.field == "as_of"


def test_a_region_outside_ones_scope_is_refused(edition, hebei, tianjin):
    region = Region.objects.get(code=TIANJIN)
    with pytest.raises(PermissionDenied):
        reporting.completeness_for(hebei, region=region, edition=edition)
    assert reporting.completeness_for(tianjin, region=region, edition=edition).region == region


def test_the_organiser_page_shows_the_levels_and_refuses_other_regions(
    client, edition, reports, tianjin, hebei
):
    client.force_login(tianjin)
    page = client.get("/en/organiser/activities/reporting/?region=120000&as_of=2019-10-01")
    assert page.status_code == 200
    assert "Laggards" in page.text
    assert "Hexi" in page.text or "河西区" in page.text
    bad = client.get("/en/organiser/activities/reporting/?region=120000&as_of=2030-01-01")
    assert bad.status_code == 400
    assert "reporting period" in bad.text
    client.force_login(hebei)
    assert client.get("/en/organiser/activities/reporting/?region=120000").status_code == 403


def test_the_api_answers_the_figures_and_problems(client, edition, reports, tianjin, hebei):
    client.force_login(tianjin)
    url = "/api/activities/reporting?region=120000&year=2019"
    answer = client.get(f"{url}&as_of=2019-10-01")
    assert answer.status_code == 200
    body = answer.json()
    assert body["total"]["outcome_expected"] == 2
    assert body["total"]["outcome_actual"] == 1
    assert [level["level"] for level in body["levels"]] == ["province", "prefecture", "county"]
    assert client.get(f"{url}&as_of=2031-01-01").status_code == 422
    client.force_login(hebei)
    denied = client.get(url)
    assert denied.status_code == 403
    assert denied["Content-Type"] == "application/problem+json"
