"""A national organiser opens the national dashboard, drills down on the map from the
country to Tianjin and to Heping District, and downloads Heping's end-of-week report."""

import pytest
from playwright.sync_api import expect

from cyberweek.accounts.models import OrganiserRole
from cyberweek.activities.models import Activity
from cyberweek.geo.models import Region
from tests.accounts.factories import organiser
from tests.activities.factories import ActivityFactory, at
from tests.browser.test_activities_workflow import sign_in
from tests.programme.factories import EditionFactory, ThemedDayFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Where a region's feature sits on the map drawn now, in page pixels (its centroid).
CENTROID = """
(code) => {
  const node = document.getElementById("insights-map");
  const chart = echarts.getInstanceByDom(node);
  const name = chart.getOption().geo[0].map;
  const geo = echarts.getMap(name).geoJSON || echarts.getMap(name).geoJson;
  const feature = geo.features.find((f) => f.properties.name === code);
  const [x, y] = chart.convertToPixel({ geoIndex: 0 }, feature.properties.centroid);
  const box = node.getBoundingClientRect();
  return [box.left + x, box.top + y];
}
"""


@pytest.fixture
def week(regions):
    edition = EditionFactory()
    ThemedDayFactory(edition=edition)
    heping = Region.objects.get(code="120101")
    for n in range(12):
        ActivityFactory(
            edition=edition,
            region=heping,
            status=Activity.Status.APPROVED,
            starts_at=at(17, "09:00"),
            ends_at=at(17, "11:00"),
            latitude=39.117 + n / 1000,
            longitude=117.2,
        )
    organiser(OrganiserRole.Level.NATIONAL, email="national@example.org")
    return edition


def click_region(page, code):
    page.wait_for_selector("#insights-map[data-ready=true]")
    x, y = page.evaluate(CENTROID, code)
    page.mouse.click(x, y)


def test_drill_down_from_the_country_to_a_county_and_download_its_report(page, week):
    sign_in(page, "national@example.org")
    page.goto("/en/organiser/insights/")
    expect(page.get_by_role("heading", name="Dashboard: China")).to_be_visible()
    expect(page.locator('[data-metric="activities"]')).to_have_text("12")

    click_region(page, "120000")
    expect(page.get_by_role("heading", name="Dashboard: Tianjin")).to_be_visible()
    click_region(page, "120101")
    expect(page.get_by_role("heading", name="Dashboard: Heping")).to_be_visible()
    expect(page.locator('[data-metric="activities"]')).to_have_text("12")
    # The county's activities with coordinates are points on its map.
    points = page.evaluate(
        "() => echarts.getInstanceByDom(document.getElementById('insights-map'))"
        ".getOption().series[1].data.length"
    )
    assert points == 12

    page.locator("#report-language").select_option("zh-hans")
    page.get_by_role("button", name="Build the report (PDF)").click()
    expect(page.get_by_text("ready (100%)")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the report (PDF)").click()
    path = download.value.path()
    with open(path, "rb") as handle:
        assert handle.read(4) == b"%PDF"
    assert download.value.suggested_filename.endswith("120101-zh-hans.pdf")
