"""The summary table behind the dashboards, the report and the open data, and why it exists.

Why: a dashboard for the whole country would otherwise count 200,000 activities, a million
contest attempts and a million tips on every view, while hundreds of organisers watch it
during the Week and the public site shares the database. Instead the figures are rolled up
into `Figure` rows, one per figure, region, day and sector at every level of the
administrative tree (country, province, prefecture, county), and a dashboard reads a few
hundred of them.

How: every app hands over its daily figures as grouped querysets (`core.figures`); one
statement unions them and rolls them up the tree inside the database. PostgreSQL does it with
`GROUP BY ROLLUP(province, prefecture, county)`; SQLite, which has no ROLLUP, with one GROUP BY
per level joined by UNION ALL (tests prove the two give the same rows). Nothing is summed in
Python, so a refresh costs one grouped scan of each source.

When: in production Celery beat runs `insights.refresh_figures` every
`INSIGHTS_REFRESH_SECONDS` during an edition. It rolls up today and yesterday only (the rows
of earlier days hardly change); once a night, and whenever the last full refresh is older than
a day, it rolls up the whole edition (outcomes are reported days after an activity). The
embedded runtime has no beat: a dashboard whose figures are older than
`INSIGHTS_REFRESH_SECONDS` refreshes them inline before it answers (`refresh_if_stale`).

Where: a refresh writes, so it runs on the primary, and its INSERT … SELECT reads there (a
standby cannot write): one scan a minute in a worker, not one per page view. Everything that
reads the summary rows (queries.py) goes through `core.replicas.report`, to the standby where
one is configured.
"""

import time
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone

from cyberweek.activities.queries import insight_figures as activity_figures
from cyberweek.ctf.queries import insight_figures as ctf_figures
from cyberweek.quiz.queries import insight_figures as quiz_figures
from cyberweek.showcase.queries import insight_figures as video_figures
from cyberweek.tickets.queries import insight_figures as ticket_figures
from cyberweek.tipline.queries import insight_figures as tip_figures

from .models import Figure, Refresh
from .queries import CACHE_SECONDS, generation_key

# How many days back a partial refresh rolls up again (today and yesterday).
RECENT_DAYS = 1
FULL_EVERY = timedelta(days=1)


def window(edition) -> tuple[datetime, datetime]:
    """The edition's days as [start, end) in local time."""
    start = datetime.combine(edition.starts_on, datetime.min.time())
    end = datetime.combine(edition.ends_on + timedelta(days=1), datetime.min.time())
    return timezone.make_aware(start), timezone.make_aware(end)


def sources(edition, start: datetime, end: datetime) -> list:
    """The grouped querysets of every app, for the days in [start, end)."""
    return [
        *activity_figures(edition_id=edition.pk, start=start, end=end),
        *ticket_figures(start=start, end=end),
        *quiz_figures(edition_id=edition.pk, start=start, end=end),
        *ctf_figures(edition_id=edition.pk, start=start, end=end),
        *video_figures(start=start, end=end),
        *tip_figures(start=start, end=end),
    ]


def facts_sql(querysets) -> tuple[str, list]:
    """A WITH clause naming the union of the apps' rows `facts`, the region path split into
    its province, prefecture and county codes ("/440000/440100/440106/")."""
    parts, params = [], []
    for number, queryset in enumerate(querysets):
        sql, part_params = queryset.query.get_compiler(connection=connection).as_sql()
        # The SQL is Django's own compilation of the apps' querysets; values stay parameters.
        parts.append(
            f"SELECT f_day, f_region, f_sector, f_metric, f_value FROM ({sql}) AS source{number}"  # noqa: S608
        )
        params.extend(part_params)
    union = " UNION ALL ".join(parts)
    return FACTS.replace("{union}", union), params


FACTS = (
    "WITH facts AS (SELECT f_day AS day, f_sector AS sector, f_metric AS metric, "
    "f_value AS value, "
    "NULLIF(SUBSTR(f_region, 2, 6), '') AS province, "
    "NULLIF(SUBSTR(f_region, 9, 6), '') AS prefecture, "
    "NULLIF(SUBSTR(f_region, 16, 6), '') AS county "
    "FROM ({union}) AS everything) "
)


INSERT = (
    "INSERT INTO insights_figure "
    "(edition_id, level, region_code, parent_code, day, sector, metric, value) "
)

ROLLUP_SQL = """
SELECT %s,
       3 - GROUPING(province) - GROUPING(prefecture) - GROUPING(county),
       COALESCE(county, prefecture, province, ''),
       CASE WHEN GROUPING(county) = 0 THEN prefecture
            WHEN GROUPING(prefecture) = 0 THEN province
            ELSE '' END,
       day, sector, metric, SUM(value)
FROM facts
GROUP BY day, sector, metric, ROLLUP(province, prefecture, county)
HAVING (GROUPING(province) = 1 OR province IS NOT NULL)
   AND (GROUPING(prefecture) = 1 OR prefecture IS NOT NULL)
   AND (GROUPING(county) = 1 OR county IS NOT NULL)
"""

# level, the codes grouped by, the row's own code, its parent's code
LEVELS = [
    (0, [], "''", "''"),
    (1, ["province"], "province", "''"),
    (2, ["province", "prefecture"], "prefecture", "province"),
    (3, ["province", "prefecture", "county"], "county", "prefecture"),
]


def union_sql() -> str:
    """The same rows as ROLLUP_SQL, one GROUP BY per level, for databases without ROLLUP."""
    selects = []
    for level, columns, code, parent in LEVELS:
        where = " AND ".join(f"{column} IS NOT NULL" for column in columns) or "1 = 1"
        group = ", ".join(["day", "sector", "metric", *columns])
        selects.append(
            # Only the constants of LEVELS are formatted in.
            f"SELECT %s, {level}, {code}, {parent}, day, sector, metric, SUM(value) "  # noqa: S608
            f"FROM facts WHERE {where} GROUP BY {group}"
        )
    return " UNION ALL ".join(selects)


def rollup(edition, *, start: datetime, end: datetime, use_rollup: bool | None = None) -> int:
    """Insert the rolled-up rows of [start, end); returns how many."""
    with_clause, params = facts_sql(sources(edition, start, end))
    if use_rollup is None:
        use_rollup = connection.vendor == "postgresql"
    if use_rollup:
        select, select_params = ROLLUP_SQL, [edition.pk]
    else:
        select, select_params = union_sql(), [edition.pk] * len(LEVELS)
    with connection.cursor() as cursor:
        cursor.execute(with_clause + INSERT + select, params + select_params)
        return cursor.rowcount


def refresh(edition, *, since: date | None = None) -> Refresh:
    """Roll up the edition's figures again: all of them, or the days from `since` on.
    Two refreshes of one edition at once take turns (the `Refresh` row is locked)."""
    began = time.monotonic()
    start, end = window(edition)
    if since is not None:
        start = max(start, timezone.make_aware(datetime.combine(since, datetime.min.time())))
    with transaction.atomic():
        Refresh.objects.get_or_create(edition=edition, defaults={"refreshed_at": timezone.now()})
        state = Refresh.objects.select_for_update().get(edition=edition)
        rows = Figure.objects.filter(edition=edition)
        if since is not None:
            rows = rows.filter(day__gte=since)
        rows.delete()
        if start < end:
            rollup(edition, start=start, end=end)
        now = timezone.now()
        state.generation += 1
        state.refreshed_at = now
        if since is None:
            state.full_at = now
        state.seconds = round(time.monotonic() - began, 3)
        state.save()
        # Dashboards key their caches on the refresh: the new one is known once committed.
        known = (state.generation, timezone.localtime(now).isoformat())
        transaction.on_commit(lambda: cache.set(generation_key(edition.pk), known, CACHE_SECONDS))
    return state


def refresh_current(edition, *, today: date | None = None) -> Refresh:
    """What beat runs: the recent days, or everything once the last full refresh is a day
    old (or there was none)."""
    today = today or timezone.localdate()
    state = Refresh.objects.filter(edition=edition).first()
    if state is None or state.full_at is None or timezone.now() - state.full_at >= FULL_EVERY:
        return refresh(edition)
    return refresh(edition, since=today - timedelta(days=RECENT_DAYS))


def is_stale(edition) -> bool:
    state = Refresh.objects.filter(edition=edition).first()
    if state is None:
        return True
    age = (timezone.now() - state.refreshed_at).total_seconds()
    return age >= settings.INSIGHTS_REFRESH_SECONDS


def refresh_if_stale(edition) -> None:
    """The embedded runtime's schedule: refresh inline when the figures are too old. Off in
    production (`INSIGHTS_REFRESH_ON_VIEW`), where beat refreshes and a page never waits."""
    if settings.INSIGHTS_REFRESH_ON_VIEW and is_stale(edition):
        refresh_current(edition)
