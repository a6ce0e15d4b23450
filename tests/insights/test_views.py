import json
import re
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from cyberweek.insights import reports, services, summaries
from cyberweek.insights.models import ReportBuild

from .conftest import HEPING, HEXI, week_of_figures

URL = "/en/organiser/insights/"


@pytest.fixture
def week(edition):
    week_of_figures(edition)
    summaries.refresh(edition)
    return edition


def payload_of(response):
    match = re.search(
        r'<script id="insights-payload" type="application/json">(.*?)</script>',
        response.content.decode(),
        re.S,
    )
    return json.loads(match.group(1))


def test_national_dashboard_shows_the_country_and_its_provinces(client, national, week):
    client.force_login(national)
    response = client.get(URL, {"year": 2019})
    assert response.status_code == 200
    payload = payload_of(response)
    assert payload["totals"]["activities"] == 35
    assert payload["totals"]["quiz_passed"] == 9
    assert payload["rates"]["pass_rate"] == 0.6
    provinces = {c["code"]: c["values"]["activities"] for c in payload["children"]}
    assert provinces["120000"] == 15
    assert provinces["440000"] == 20
    campus = next(d for d in payload["by_day"] if d["day"] == "2019-09-17")
    assert campus["themed_day"] == "Campus Day"
    assert campus["values"]["activities"] == 15


def test_county_drill_down_shows_its_activities_as_points(client, national, week):
    from cyberweek.activities.models import Activity

    Activity.objects.filter(region__code=HEPING).update(latitude=39.12, longitude=117.2)
    client.force_login(national)
    payload = payload_of(client.get(URL, {"year": 2019, "region": HEPING}))
    assert payload["region"]["level"] == 3
    assert payload["totals"]["activities"] == 12
    assert len(payload["points"]) == 12
    assert payload["map"]["highlight"] == HEPING
    # The county is drawn among its prefecture's counties.
    assert {r["code"] for r in payload["map"]["regions"]} >= {HEPING, HEXI}


def test_a_region_outside_ones_roles_is_refused(client, heping, week):
    client.force_login(heping)
    response = client.get(URL, {"year": 2019, "region": HEXI})
    assert response.status_code == 403
    assert "does not cover this region" in response.content.decode()
    assert client.get(URL, {"year": 2019}).status_code == 200  # their own county


def test_days_outside_the_edition_are_refused_with_the_edition_dates(client, national, week):
    client.force_login(national)
    response = client.get(URL, {"year": 2019, "first": "2019-09-01"})
    assert response.status_code == 400
    assert "2019-09-16" in response.content.decode()
    assert "2019-09-22" in response.content.decode()
    data = client.get(reverse("organiser:insights_data"), {"year": 2019, "last": "2020-01-01"})
    assert data.status_code == 400
    assert "2019-09-22" in data.json()["detail"]


def test_an_unknown_region_is_a_form_error(client, national, week):
    client.force_login(national)
    response = client.get(URL, {"year": 2019, "region": "no such place"})
    assert response.status_code == 400
    assert "Choose a current region" in response.content.decode()


def test_the_data_twin_answers_the_page_figures(client, tianjin, week):
    client.force_login(tianjin)
    page = payload_of(client.get(URL, {"year": 2019}))
    data = client.get(reverse("organiser:insights_data"), {"year": 2019, "region": "120000"})
    assert data.json()["totals"] == page["totals"]
    assert page["totals"]["activities"] == 15


def test_report_charts_show_the_figures_of_the_page(client, national, week):
    client.force_login(national)
    payload = payload_of(client.get(URL, {"year": 2019}))
    from cyberweek.geo.queries import country

    html = reports.render_html(week, country(), "en")
    bars = {}
    for svg in re.findall(r"<svg.*?</svg>", html, re.S):
        root = ET.fromstring(svg)  # noqa: S314 (our own SVG, drawn in this test run)
        title = root.get("aria-label")
        bars[title] = {
            g.get("data-label"): int(g.get("data-value"))
            for g in root.iter("{http://www.w3.org/2000/svg}g")
        }
    day_bars = list(bars["Activities by day"].values())
    assert day_bars == [d["values"]["activities"] for d in payload["by_day"]]
    assert list(bars["Contest attempts by day"].values()) == [
        d["values"]["quiz_attempts"] for d in payload["by_day"]
    ]
    assert list(bars["Activities by sector"].values()) == [
        s["values"]["activities"] for s in payload["by_sector"]
    ]
    regions = {c["name"]: c["values"]["activities"] for c in payload["children"]}
    for name, value in bars["Activities by region"].items():
        assert regions[name] == value
    assert bars["Tip-line reports by kind"]["Phishing link"] == 11


def test_report_is_built_with_progress_and_downloaded(
    client, national, week, django_capture_on_commit_callbacks
):
    client.force_login(national)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("organiser:insights_report_request"),
            {"region": "100000", "language": "zh-hans", "year": 2019},
        )
    build = ReportBuild.objects.get()
    assert response.url == reverse("organiser:insights_report", args=[build.pk])
    assert build.status == ReportBuild.Status.DONE  # inline in the embedded runtime
    page = client.get(response.url)
    assert "100%" in page.content.decode()
    pdf = client.get(reverse("organiser:insights_report_download", args=[build.pk]))
    content = b"".join(pdf.streaming_content)
    assert content.startswith(b"%PDF")
    assert pdf["Content-Disposition"].startswith("attachment")


def test_a_report_requested_while_one_is_building_returns_that_build(national, week):
    from cyberweek.geo.queries import country

    running = ReportBuild.objects.create(
        edition=week, region=country(), language="en", status=ReportBuild.Status.BUILDING
    )
    again = services.request_report(actor=national, edition=week, region=country(), language="en")
    assert again.pk == running.pk
    assert ReportBuild.objects.count() == 1


def test_a_report_of_a_region_outside_ones_roles_is_refused(heping, week):
    from cyberweek.core.errors import PermissionDenied
    from cyberweek.geo.models import Region

    with pytest.raises(PermissionDenied):
        services.request_report(
            actor=heping, edition=week, region=Region.objects.get(code=HEXI), language="en"
        )
    assert not ReportBuild.objects.exists()
