"""What the dashboards, the report and the open data read: the summary rows of
`summaries.py`, always through `core.replicas.report` (the standby where there is one)."""

from collections import defaultdict
from datetime import date, timedelta
from functools import lru_cache

from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from cyberweek.activities.queries import activity_points
from cyberweek.core.errors import DomainError, NotFound
from cyberweek.core.permissions import has_scope, roles_of
from cyberweek.core.replicas import report
from cyberweek.core.stale_copies import keep, version_changed, versioned
from cyberweek.geo.models import Region, Sector
from cyberweek.geo.queries import country
from cyberweek.programme.queries import current_edition, published_editions

from . import catalogue
from .actions import VIEW
from .models import Figure, Refresh

LEVELS = {
    Region.Level.COUNTRY: 0,
    Region.Level.PROVINCE: 1,
    Region.Level.PREFECTURE: 2,
    Region.Level.COUNTY: 3,
}
# Points on the map from the prefecture down; above it the map shows counts per region.
POINTS_FROM_LEVEL = 2
POINT_LIMIT = 2000
CACHE_SECONDS = 600
COUNTRY_MAP = "100000"
EDITIONS_VERSION_KEY = "insights:editions-version"


class DatesOutsideEdition(DomainError):
    """A day asked for is not one of the edition's days."""


def edition_for_year(year: str):
    """The published edition of `year`, or the current one when no year is given.

    Every dashboard view asks, so the answer is kept in the shared cache under the editions'
    version, which any write of an edition bumps (`editions_changed`, connected in apps.py):
    an edition unpublished or moved is seen as such on the next view. One round trip reads
    the version and the answer; with Redis down the database answers."""
    if year and not (year.isdigit() and len(year) <= 4):
        raise NotFound(_("There is no published edition of that year."))
    key = f"insights:edition:{year or 'current'}"
    version, copies = versioned(EDITIONS_VERSION_KEY, [key])
    if key in copies:
        edition = copies[key]
    else:
        editions = published_editions()
        edition = editions.filter(year=int(year)).first() if year else current_edition()
        keep(version, {key: edition}, CACHE_SECONDS)
    if edition is None:
        raise NotFound(_("There is no published edition of that year."))
    return edition


def editions_changed(**kwargs) -> None:
    """Receiver of every save and delete of an edition: the cached answers of
    `edition_for_year` stop counting (`core.stale_copies.version_changed`)."""
    version_changed(EDITIONS_VERSION_KEY)


def figure_code(region: Region) -> str:
    """The region's code in the summary rows ("" for the country)."""
    return "" if region.level == Region.Level.COUNTRY else region.code


def default_region(actor) -> Region | None:
    """The widest region the actor's roles let them see figures of."""
    roles = [role for role in roles_of(actor) if has_scope(actor, action=VIEW, region=role.region)]
    if not roles:
        return None
    return min(roles, key=lambda role: role.region.path.count("/")).region


def day_range(edition, first: date | None, last: date | None) -> tuple[date, date]:
    """The days asked for, refused clearly when any lies outside the edition."""
    first = first or edition.starts_on
    last = last or edition.ends_on
    for day in (first, last):
        if not edition.starts_on <= day <= edition.ends_on:
            raise DatesOutsideEdition(_outside_message(edition))
    if first > last:
        raise DatesOutsideEdition(_("The first day comes after the last day."))
    return first, last


def _outside_message(edition) -> str:
    return _("The %(year)s edition runs from %(first)s to %(last)s; choose days within it.") % {
        "year": edition.year,
        "first": edition.starts_on.isoformat(),
        "last": edition.ends_on.isoformat(),
    }


def themed_day_title(themed_day) -> str:
    if themed_day is None:
        return ""
    english = (get_language() or "").startswith("en")
    return themed_day.title_en if english and themed_day.title_en else themed_day.title


def generation_key(edition_id: int) -> str:
    return f"insights:generation:{edition_id}"


def generation(edition) -> tuple[int, str]:
    """The edition's refresh number and time: from the cache, which every refresh sets
    (summaries.refresh), or from the database when the cache has lost it."""
    known = cache.get(generation_key(edition.pk))
    if known is not None:
        return tuple(known)
    state = report(lambda: Refresh.objects.filter(edition=edition).first())
    if state is None:
        return 0, ""
    known = (state.generation, timezone.localtime(state.refreshed_at).isoformat())
    cache.set(generation_key(edition.pk), known, CACHE_SECONDS)
    return known


@lru_cache(maxsize=1024)
def _has_map(code: str) -> bool:
    return finders.find(f"vendor/china-map/map/{code}.json") is not None


def map_file(region: Region, parents: list[Region]) -> str:
    """The geometry the map draws: the region's own file (its sub-regions), or for a county
    and a region without one (a municipality's districts) the nearest ancestor's file."""
    for candidate in [region, *reversed(parents)]:
        code = COUNTRY_MAP if candidate.level == Region.Level.COUNTRY else candidate.code
        if candidate.level != Region.Level.COUNTY and _has_map(code):
            return code
    return COUNTRY_MAP


def ancestors(region: Region) -> list[Region]:
    """From the country down to the region's parent."""
    codes = [part for part in region.path.strip("/").split("/") if part][:-1]
    found = {r.code: r for r in Region.objects.filter(code__in=codes)}
    return [country(), *(found[code] for code in codes if code in found)]


def _totals_by_region(edition, level: int, parents: list[str], first: date, last: date):
    rows = (
        Figure.objects.filter(
            edition=edition, level=level, parent_code__in=parents, day__gte=first, day__lte=last
        )
        .values_list("region_code", "metric")
        .annotate(total=Sum("value"))
        .order_by()
    )
    totals: dict[str, dict[str, int]] = defaultdict(dict)
    for code, metric, total in rows:
        totals[code][metric] = int(total)
    return totals


def _complete(values: dict[str, int]) -> dict[str, int]:
    return {code: int(values.get(code, 0)) for code in catalogue.CODES}


def _cuts(edition, level: int, code: str, first: date, last: date):
    """One region's figures over [first, last], summed per day, per sector and in all."""
    own = (
        Figure.objects.filter(
            edition=edition, level=level, region_code=code, day__gte=first, day__lte=last
        )
        .values_list("day", "sector", "metric")
        .annotate(total=Sum("value"))
        .order_by()
    )
    by_day: dict[date, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    by_sector: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    totals: dict[str, int] = defaultdict(int)
    for day, sector, metric, total in own:
        by_day[day][metric] += int(total)
        by_sector[sector][metric] += int(total)
        totals[metric] += int(total)
    return by_day, by_sector, totals


def _compute(edition, region: Region, first: date, last: date) -> dict:
    level = LEVELS[region.level]
    code = figure_code(region)
    by_day, by_sector, totals = _cuts(edition, level, code, first, last)

    parents = ancestors(region) if level else []
    geo = map_file(region, parents)
    # The regions drawn on the map: the sub-regions of the map's region, and one level
    # further where the geometry skips a level (a municipality's file shows its districts).
    if level == 3:
        drawn = _totals_by_region(edition, 3, [region.parent.code], first, last)
    else:
        drawn = _totals_by_region(edition, level + 1, [code], first, last)
        if level == 1 and geo == region.code:
            drawn.update(_totals_by_region(edition, 3, list(drawn), first, last))
    children = (
        list(Region.objects.filter(parent=region, is_active=True).order_by("code"))
        if level < 3
        else []
    )
    names = {
        r.code: r.display_name
        for r in Region.objects.filter(code__in=list(drawn)).select_related("parent")
    }
    themed = {d.date: d for d in edition.themed_days.all()}
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    points = []
    if level >= POINTS_FROM_LEVEL:
        english = (get_language() or "").startswith("en")
        points = [
            {
                "id": p["pk"],
                "title": (p["title_en"] if english and p["title_en"] else p["title"]),
                "lng": float(p["longitude"]),
                "lat": float(p["latitude"]),
                "sector": str(Sector(p["sector"]).label),
            }
            for p in activity_points(
                edition_id=edition.pk, region_path=region.path, limit=POINT_LIMIT
            )
        ]
    return {
        "region": {"code": region.code, "name": region.display_name, "level": level},
        "trail": [{"code": r.code, "name": r.display_name} for r in parents],
        "first_day": first.isoformat(),
        "last_day": last.isoformat(),
        "metrics": [
            {"code": m.code, "label": str(m.label), "group": str(catalogue.GROUPS[m.group])}
            for m in catalogue.METRICS
        ],
        "totals": _complete(totals),
        "rates": catalogue.rates(totals),
        "by_day": [
            {
                "day": day.isoformat(),
                "themed_day": themed_day_title(themed.get(day)),
                "values": _complete(by_day.get(day, {})),
            }
            for day in days
        ],
        "by_sector": [
            {"sector": value, "label": str(label), "values": _complete(by_sector.get(value, {}))}
            for value, label in [*Sector.choices, ("", _("No sector"))]
        ],
        "children": [
            {
                "code": child.code,
                "name": child.display_name,
                "values": _complete(drawn.get(child.code, {})),
            }
            for child in children
        ],
        "map": {
            "geo": geo,
            "highlight": region.code if level == 3 else "",
            "regions": [
                {"code": c, "name": names.get(c, c), "values": _complete(v)}
                for c, v in sorted(drawn.items())
            ],
        },
        "points": points,
    }


def dashboard(
    *, edition, region: Region, first: date, last: date, state: tuple[int, str] | None = None
) -> dict:
    """The figures of a region's dashboard over [first, last], from the summary rows.

    Cached per refresh generation: a refresh makes a new key, so the page is never older
    than the figures; every organiser looking at a region between two refreshes shares one
    computation. `state` is the generation the caller has already read (`generation()`)."""
    number, refreshed_at = state or generation(edition)
    key = f"insights:dashboard:{edition.pk}:{number}:{region.code}:{first}:{last}:{get_language()}"
    payload = cache.get(key)
    if payload is None:
        payload = report(lambda: _compute(edition, region, first, last))
        payload["refreshed_at"] = refreshed_at
        cache.set(key, payload, CACHE_SECONDS)
    return payload


def region_figures(*, edition, level: int) -> list[dict]:
    """Totals per region of one level over the whole edition, for the open data."""

    def compute():
        rows = (
            Figure.objects.filter(edition=edition, level=level)
            .values_list("region_code", "parent_code", "metric")
            .annotate(total=Sum("value"))
            .order_by()
        )
        merged: dict[tuple[str, str], dict[str, int]] = defaultdict(dict)
        for code, parent, metric, total in rows:
            merged[(code, parent)][metric] = int(total)
        return merged

    merged = report(compute)
    nation = country()
    names = {r.code: r for r in Region.objects.filter(code__in=[code for code, _ in merged])}
    return [
        {
            "region_code": code or nation.code,
            "region_name": names[code].name if code in names else nation.name,
            "parent_code": parent or ("" if not code else nation.code),
            "values": _complete(values),
        }
        for (code, parent), values in sorted(merged.items())
    ]


def national_cuts(*, edition) -> tuple[list[dict], list[dict]]:
    """The country's totals per day and per sector over the whole edition."""
    by_day, by_sector, _totals = report(
        lambda: _cuts(edition, 0, "", edition.starts_on, edition.ends_on)
    )
    days = edition.days
    return (
        [{"day": d.isoformat(), "values": _complete(by_day.get(d, {}))} for d in days],
        [
            {"sector": value, "values": _complete(by_sector.get(value, {}))}
            for value in [*Sector.values, ""]
        ],
    )
