from datetime import date

import pytest
from django.db import connection

from cyberweek.insights import summaries
from cyberweek.insights.models import Figure

from .conftest import GUANGZHOU_TIANHE, HEPING, activities, week_of_figures


def total(edition, metric, *, level, code, **filters):
    rows = Figure.objects.filter(
        edition=edition, level=level, region_code=code, metric=metric, **filters
    )
    return sum(rows.values_list("value", flat=True))


def test_figures_roll_up_from_county_to_prefecture_province_and_country(edition):
    week_of_figures(edition)
    summaries.refresh(edition)
    assert total(edition, "activities", level=3, code=HEPING) == 12
    assert total(edition, "activities", level=2, code="120100") == 15
    assert total(edition, "activities", level=1, code="120000") == 15
    assert total(edition, "activities", level=1, code="440000") == 20
    assert total(edition, "activities", level=0, code="") == 35
    assert total(edition, "outcomes_reported", level=0, code="") == 5
    assert total(edition, "participants", level=3, code=HEPING) == 150
    assert total(edition, "quiz_attempts", level=1, code="120000") == 15
    assert total(edition, "quiz_passed", level=0, code="") == 9
    assert total(edition, "tip_phishing", level=1, code="110000") == 11
    # A county's parent is its prefecture; a province's is the country.
    assert set(
        Figure.objects.filter(edition=edition, region_code=HEPING).values_list(
            "parent_code", flat=True
        )
    ) == {"120100"}
    assert set(
        Figure.objects.filter(edition=edition, level=1).values_list("parent_code", flat=True)
    ) == {""}


def test_figures_keep_their_day_and_sector(edition):
    week_of_figures(edition)
    summaries.refresh(edition)
    assert total(edition, "activities", level=0, code="", day=date(2019, 9, 18)) == 20
    assert total(edition, "activities", level=0, code="", sector="community") == 3
    assert total(edition, "tip_phishing", level=0, code="", sector="") == 11


def test_a_partial_refresh_replaces_only_the_recent_days(edition):
    activities(edition, HEPING, 2, day=17)
    summaries.refresh(edition)
    activities(edition, HEPING, 1, day=17)  # an earlier day, left for the full refresh
    activities(edition, GUANGZHOU_TIANHE, 4, day=21)
    state = summaries.refresh(edition, since=date(2019, 9, 20))
    assert total(edition, "activities", level=0, code="") == 6
    assert state.generation == 2
    summaries.refresh(edition)
    assert total(edition, "activities", level=0, code="") == 7


def test_activities_outside_the_week_are_not_counted(edition):
    activities(edition, HEPING, 2, day=23)
    summaries.refresh(edition)
    assert not Figure.objects.filter(edition=edition).exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="ROLLUP is PostgreSQL's")
def test_rollup_and_the_portable_union_give_the_same_rows(edition):
    week_of_figures(edition)
    start, end = summaries.window(edition)

    def rows():
        return sorted(
            Figure.objects.filter(edition=edition).values_list(
                "level", "region_code", "parent_code", "day", "sector", "metric", "value"
            )
        )

    summaries.rollup(edition, start=start, end=end, use_rollup=True)
    with_rollup = rows()
    Figure.objects.all().delete()
    summaries.rollup(edition, start=start, end=end, use_rollup=False)
    assert rows() == with_rollup
    assert with_rollup
