"""Open data: the aggregate figures of an edition as CSV and JSON, never personal data.

Only the summary rows are published (counts and sums per region, day and sector: nothing
in them names or describes a person). A count from 1 to K-1 could single someone out, so it
is suppressed (published empty), and so is at least one more cell of the same total
(complementary suppression), so that no suppressed count can be worked out by subtracting
the published ones from a published total. The totals nest (counties add up to their
prefecture, prefectures to their province, provinces, days and sectors to the country), and
the rules below hold at every level:

- a total that is published with exactly one suppressed part gets a second part
  suppressed (the smallest other non-zero one);
- a total that is suppressed keeps at least one of its parts suppressed, or it could be
  recovered by adding them up.

They are applied until nothing changes; tests check every export against the whole system
of totals (no suppressed cell is determined by the published ones).
"""

import csv
import io
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from cyberweek.geo.models import Sector

from . import catalogue, queries

K = 10
SUPPRESSED = _("Empty: suppressed.")


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    description: str
    values: tuple[str, ...] = ()


KEY_FIELDS = {
    "regions": [
        Field("region_code", "string", _("GB/T 2260 code of the region (100000: the country).")),
        Field("region_name", "string", _("Name of the region, in Chinese.")),
        Field(
            "level",
            "string",
            _("The level of the region: the country, a province, a prefecture or a county."),
            ("country", "province", "prefecture", "county"),
        ),
        Field("parent_code", "string", _("Code of the region it belongs to (empty: none).")),
    ],
    "days": [Field("day", "date", _("The day of the Week (ISO 8601, China Standard Time)."))],
    "sectors": [
        Field("sector", "string", _("One of the nine sectors; empty for figures without one."))
    ],
}
DATASET_TITLES = {
    "regions": _("Figures per region (country, provinces, prefectures, counties)"),
    "days": _("Figures for the whole country per day of the Week"),
    "sectors": _("Figures for the whole country per sector"),
}
DATASETS = list(KEY_FIELDS)
LEVEL_NAMES = ["country", "province", "prefecture", "county"]


def fields(dataset: str) -> list[Field]:
    return [
        *KEY_FIELDS[dataset],
        *(
            Field(m.code, "integer | null", f"{m.description} {SUPPRESSED}")
            for m in catalogue.METRICS
        ),
    ]


def suppress_groups(
    values: dict[str, int], groups: list[tuple[str | None, list[str]]], k: int = K
) -> set[str]:
    """The cells to suppress. `values` maps a cell to its count; `groups` lists each total
    (a cell, or None for one that is not a cell here) with the cells that add up to it."""
    hidden = {cell for cell, value in values.items() if 0 < value < k}
    changed = True
    while changed:
        changed = False
        for total, parts in groups:
            shown = [p for p in parts if p not in hidden]
            hidden_parts = len(parts) - len(shown)
            total_hidden = total is not None and total in hidden
            if (not total_hidden and hidden_parts == 1) or (total_hidden and hidden_parts == 0):
                if not shown:
                    continue
                # The smallest non-zero part costs least to hide; a zero if there is none.
                extra = min(shown, key=lambda p: (values[p] == 0, values[p]))
                hidden.add(extra)
                changed = True
    return hidden


def rows(dataset: str, *, edition) -> list[dict]:
    """The dataset's rows, suppressed cells as None."""
    if dataset == "regions":
        return _region_rows(edition)
    by_day, by_sector = queries.national_cuts(edition=edition)
    if dataset == "days":
        keyed = [({"day": row["day"]}, row["values"]) for row in by_day]
    else:
        keyed = [({"sector": row["sector"]}, row["values"]) for row in by_sector]
    national = queries.region_figures(edition=edition, level=0)
    totals = national[0]["values"] if national else {}
    result = [dict(key) for key, _values in keyed]
    for metric in catalogue.CODES:
        values = {str(n): values[metric] for n, (_key, values) in enumerate(keyed)}
        values["total"] = totals.get(metric, 0)
        hidden = suppress_groups(values, [("total", [str(n) for n in range(len(keyed))])])
        for n, row in enumerate(result):
            row[metric] = None if str(n) in hidden else values[str(n)]
    return result


def _region_rows(edition) -> list[dict]:
    regions = []
    for level in range(4):
        for row in queries.region_figures(edition=edition, level=level):
            regions.append({**row, "level": LEVEL_NAMES[level]})
    children: dict[str, list[str]] = {}
    for row in regions:
        if row["parent_code"]:
            children.setdefault(row["parent_code"], []).append(row["region_code"])
    groups = [(parent, parts) for parent, parts in children.items()]
    result = [
        {
            "region_code": row["region_code"],
            "region_name": row["region_name"],
            "level": row["level"],
            "parent_code": row["parent_code"],
        }
        for row in regions
    ]
    for metric in catalogue.CODES:
        values = {row["region_code"]: row["values"][metric] for row in regions}
        hidden = suppress_groups(values, groups)
        for out, row in zip(result, regions, strict=True):
            out[metric] = None if row["region_code"] in hidden else row["values"][metric]
    return result


def as_csv(dataset: str, table: list[dict]) -> str:
    out = io.StringIO()
    names = [f.name for f in fields(dataset)]
    writer = csv.DictWriter(out, fieldnames=names, lineterminator="\n")
    writer.writeheader()
    for row in table:
        writer.writerow({name: "" if row.get(name) is None else row[name] for name in names})
    return out.getvalue()


def sector_label(value: str) -> str:
    return str(Sector(value).label) if value else ""
