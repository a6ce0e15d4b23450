"""The dashboard's figures are rendered once per region, days, language and refresh
generation and then shared: never across scopes or languages, never older than the
summary rows, and the page still answers from the database when Redis is down."""

import json
import re
from datetime import date

from cyberweek.insights import summaries
from tests.core.test_outages import redis_down  # noqa: F401 (a fixture)

from .conftest import HEPING, HEXI, activities, week_of_figures
from .test_views import URL, payload_of


def test_a_figure_drawn_for_one_region_is_not_shown_to_an_organiser_outside_it(
    client, national, heping, edition
):
    week_of_figures(edition)
    summaries.refresh(edition)
    client.force_login(national)
    hexi = client.get(URL, {"year": 2019, "region": HEXI})
    assert payload_of(hexi)["region"]["code"] == HEXI
    client.force_login(heping)
    refused = client.get(URL, {"year": 2019, "region": HEXI})
    assert refused.status_code == 403
    assert "insights-payload" not in refused.content.decode()
    own = client.get(URL, {"year": 2019})
    assert payload_of(own)["region"]["code"] == HEPING


def test_each_language_gets_its_own_figures(client, national, edition):
    week_of_figures(edition)
    summaries.refresh(edition)
    client.force_login(national)
    english = payload_of(client.get(URL, {"year": 2019}))
    chinese = payload_of(client.get("/organiser/insights/", {"year": 2019}))
    label = {m["code"]: m["label"] for m in english["metrics"]}["activities"]
    assert label == "Activities"
    assert {m["code"]: m["label"] for m in chinese["metrics"]}["activities"] != label
    assert chinese["totals"] == english["totals"]
    # And back: the English page is not the Chinese one that was drawn last.
    again = payload_of(client.get(URL, {"year": 2019}))
    assert {m["code"]: m["label"] for m in again["metrics"]}["activities"] == "Activities"


def test_a_refresh_shows_new_figures_on_the_next_view(
    client, national, edition, django_capture_on_commit_callbacks
):
    week_of_figures(edition)
    summaries.refresh(edition)
    client.force_login(national)
    before = payload_of(client.get(URL, {"year": 2019, "region": HEPING}))["totals"]
    assert payload_of(client.get(URL, {"year": 2019, "region": HEPING}))["totals"] == before
    activities(edition, HEPING, 4)
    with django_capture_on_commit_callbacks(execute=True):  # the refresh names its generation
        summaries.refresh(edition)
    after = payload_of(client.get(URL, {"year": 2019, "region": HEPING}))["totals"]
    assert after["activities"] == before["activities"] + 4


def test_the_dashboard_is_drawn_from_the_database_when_redis_is_down(
    client,
    national,
    edition,
    redis_down,  # noqa: F811
):
    week_of_figures(edition)
    summaries.refresh(edition)
    client.force_login(national)
    response = client.get(URL, {"year": 2019, "region": HEPING})
    assert response.status_code == 200
    assert payload_of(response)["totals"]["activities"] == 12


def test_an_unpublished_edition_is_refused_on_the_next_view(client, national, edition):
    week_of_figures(edition)
    summaries.refresh(edition)
    client.force_login(national)
    assert client.get(URL, {"year": 2019}).status_code == 200
    edition.is_published = False
    edition.save()
    assert client.get(URL, {"year": 2019}).status_code == 400
    edition.is_published = True
    edition.save()
    assert client.get(URL, {"year": 2019}).status_code == 200


def test_a_new_edition_is_the_current_one_on_the_next_view(client, national, edition):
    from tests.programme.factories import EditionFactory

    client.force_login(national)
    assert "2019" in client.get(URL).content.decode()
    EditionFactory(year=2020, starts_on=date(2020, 9, 14), ends_on=date(2020, 9, 20))
    page = client.get(URL).content.decode()
    match = re.search(r'<script id="insights-payload" type="application/json">(.*?)</script>', page)
    assert json.loads(match.group(1))["first_day"] == "2020-09-14"


def test_edition_look_up_works_from_the_database_when_redis_is_down(
    client,
    national,
    edition,
    redis_down,  # noqa: F811
):
    client.force_login(national)
    assert client.get(URL, {"year": 2019}).status_code == 200
    assert client.get(URL, {"year": 2031}).status_code == 400
