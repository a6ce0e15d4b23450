"""Every export is checked against the whole system of totals it publishes: no count from
1 to K-1 is shown, and no suppressed count can be worked out from the shown ones."""

import csv
import io
from fractions import Fraction

import pytest
from django.urls import reverse

from cyberweek.insights import catalogue, opendata, summaries

from .conftest import HEPING, activities, attempts, week_of_figures

KEYS = {"regions": "region_code", "days": "day", "sectors": "sector"}


def determined(hidden: list[str], equations: list[tuple[dict[str, int], int]]) -> set[str]:
    """The hidden cells whose value the equations fix (Gaussian elimination over the
    rationals: a cell is fixed when a row of the reduced system names it alone)."""
    index = {cell: n for n, cell in enumerate(hidden)}
    rows = []
    for coefficients, constant in equations:
        row = [Fraction(0)] * (len(hidden) + 1)
        for cell, coefficient in coefficients.items():
            row[index[cell]] += coefficient
        row[-1] = Fraction(constant)
        if any(row[:-1]):
            rows.append(row)
    pivot_row = 0
    for column in range(len(hidden)):
        found = next((r for r in range(pivot_row, len(rows)) if rows[r][column]), None)
        if found is None:
            continue
        rows[pivot_row], rows[found] = rows[found], rows[pivot_row]
        lead = rows[pivot_row][column]
        rows[pivot_row] = [value / lead for value in rows[pivot_row]]
        for r in range(len(rows)):
            if r != pivot_row and rows[r][column]:
                factor = rows[r][column]
                rows[r] = [a - factor * b for a, b in zip(rows[r], rows[pivot_row], strict=True)]
        pivot_row += 1
    return {
        hidden[next(i for i, v in enumerate(row[:-1]) if v)]
        for row in rows
        if sum(1 for v in row[:-1] if v) == 1
    }


def assert_safe(dataset: str, table: list[dict], national: dict[str, int | None]):
    for metric in catalogue.CODES:
        shown = [row[metric] for row in table if row[metric] is not None]
        assert all(value == 0 or value >= opendata.K for value in shown), (dataset, metric)
        key = KEYS[dataset]
        cells = {row[key]: row[metric] for row in table}
        if dataset == "regions":
            groups = {}
            for row in table:
                if row["parent_code"]:
                    groups.setdefault(row["parent_code"], []).append(row["region_code"])
            totals = groups.items()
        else:
            cells["total"] = national[metric]
            totals = [("total", [row[key] for row in table])]
        hidden = [cell for cell, value in cells.items() if value is None]
        equations = []
        for total, parts in totals:
            coefficients, constant = {}, 0
            for cell, sign in [(total, -1), *((p, 1) for p in parts)]:
                if cells[cell] is None:
                    coefficients[cell] = coefficients.get(cell, 0) + sign
                else:
                    constant -= sign * cells[cell]
            equations.append((coefficients, constant))
        assert not determined(hidden, equations), (dataset, metric)


@pytest.fixture
def week(edition):
    week_of_figures(edition)
    activities(edition, "130102", 4)  # a small count in Hebei
    attempts(edition, HEPING, 3, passed=1, day=20)
    summaries.refresh(edition)
    return edition


@pytest.mark.parametrize("dataset", opendata.DATASETS)
def test_every_export_suppresses_small_counts_so_none_can_be_recovered(client, week, dataset):
    table = client.get(f"/api/insights/open-data/2019/{dataset}").json()["rows"]
    regions = client.get("/api/insights/open-data/2019/regions").json()["rows"]
    national = next(row for row in regions if row["level"] == "country")
    assert_safe(dataset, table, national)
    listed = list(
        csv.DictReader(
            io.StringIO(
                client.get(reverse("insights:open_data_csv", args=[2019, dataset])).content.decode()
            )
        )
    )
    assert len(listed) == len(table)
    for row, parsed in zip(table, listed, strict=True):
        for metric in catalogue.CODES:
            assert parsed[metric] == ("" if row[metric] is None else str(row[metric]))


def test_a_single_small_count_takes_a_second_count_with_it(week):
    table = opendata.rows("regions", edition=week)
    hebei = next(r for r in table if r["region_code"] == "130000")
    # Hebei's 4 activities are hidden; so is the next smallest province's count, or
    # subtracting the shown provinces from the country would give 4.
    assert hebei["activities"] is None
    provinces = [r for r in table if r["level"] == "province"]
    assert sum(1 for r in provinces if r["activities"] is None) >= 2


def test_exports_hold_only_aggregate_fields(client, week):
    for dataset in opendata.DATASETS:
        body = client.get(f"/api/insights/open-data/2019/{dataset}").json()
        names = {f["name"] for f in body["fields"]}
        assert names == set(body["rows"][0])
        assert names <= {
            "region_code",
            "region_name",
            "level",
            "parent_code",
            "day",
            "sector",
            *catalogue.CODES,
        }


def test_the_schema_page_documents_every_field(client, week):
    page = client.get("/en/open-data/").content.decode()
    for dataset in opendata.DATASETS:
        for field in opendata.fields(dataset):
            assert f"<code>{field.name}</code>" in page


def test_an_unknown_edition_or_dataset_is_not_found(client, week):
    assert client.get("/api/insights/open-data/1999/regions").status_code == 404
    assert client.get("/api/insights/open-data/2019/people").status_code == 422
    assert client.get("/open-data/2019/people.csv").status_code == 404
