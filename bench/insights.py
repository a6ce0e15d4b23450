"""Dashboards at national scale: the national dashboard and a county drill-down against a
trivial page of the same server, and the national end-of-week PDF report.

    python bench/insights.py                      # 200,000 activities, 1,000,000 attempts and tips
    python bench/insights.py --scale 0.01         # a reduced run (a hundredth of each)

What it does: creates (or reuses) the database `cyberweek_insights_bench` on 127.0.0.1:5432,
migrates it, loads the regions, seeds the activities with COPY (bench/activities.py's
seeding, then coordinates for each), and the contest attempts (one contest, an entry per
five attempts) and tip-line reports with bulk_create, spread over every county, sector and
day of the 2019 Week (reused when the counts already match). Then it rolls the figures up
once (`summaries.refresh`, timed), starts gunicorn (2 workers, CYBERWEEK_ENV=production,
Redis cache) and drives three pages in turn with keep-alive client threads: the trivial
page, the national dashboard and county dashboards (round-robin over 40 counties), as a
national organiser past the second factor. Server time per request comes from gunicorn's
access log. Last, it builds the national report (PDF) in this process and times it.

The last line is

    bench insights: dashboard_ratio=<national p50 / trivial p50> drilldown_ratio=<county p50 /
    trivial p50> report_s=<n>
"""

import argparse
import random
import sys
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from _harness import (
    REPO,
    prepare_django,
    production_environment,
    run_cyberweek,
)
from activities import measure_pages, organiser_session, print_pages, seed

WORK = REPO / "var" / "bench-insights"
DB_NAME = "cyberweek_insights_bench"
TZ = ZoneInfo("Asia/Shanghai")
BATCH = 5000


def place_activities() -> None:
    """Coordinates for every activity (scattered over China), so county maps have points."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE activities_activity SET latitude = 22 + random() * 20, "
            "longitude = 100 + random() * 22 WHERE latitude IS NULL"
        )


def counties():
    from cyberweek.geo.models import Region

    return list(Region.objects.filter(level=Region.Level.COUNTY, is_active=True))


def seed_attempts(count: int, edition, regions, rng) -> None:
    from cyberweek.geo.models import Sector
    from cyberweek.quiz.models import Attempt, Contest, Entry

    contest, _ = Contest.objects.get_or_create(
        edition=edition,
        slug="bench-insights",
        defaults={
            "title": "知识竞赛（基准）",
            "opens_at": datetime(2019, 9, 16, tzinfo=TZ),
            "closes_at": datetime(2019, 9, 23, tzinfo=TZ),
            "is_published": True,
        },
    )
    if Attempt.objects.filter(contest=contest).count() == count:
        print(f"reusing {count} attempts")
        return
    started = time.perf_counter()
    Attempt.objects.filter(contest=contest).delete()
    Entry.objects.filter(contest=contest).delete()
    sectors = list(Sector.values)
    made = 0
    while made < count:
        entries = Entry.objects.bulk_create(
            [
                Entry(
                    contest=contest,
                    display_name="参赛者",
                    region=regions[rng.randrange(len(regions))],
                    sector=sectors[rng.randrange(len(sectors))],
                )
                for _ in range(min(BATCH, count - made) // 5 + 1)
            ]
        )
        attempts = []
        for entry in entries:
            for number in range(1, 6):
                if made + len(attempts) >= count:
                    break
                day = edition.starts_on + timedelta(days=rng.randrange(7))
                begun = datetime(day.year, day.month, day.day, rng.randrange(8, 22), tzinfo=TZ)
                score = rng.randrange(0, 101)
                attempts.append(
                    Attempt(
                        entry=entry,
                        contest=contest,
                        number=number,
                        status="submitted",
                        started_at=begun,
                        deadline_at=begun + timedelta(minutes=20),
                        submitted_at=begun + timedelta(minutes=10),
                        score=score,
                        max_score=100,
                        passed=score >= 60,
                    )
                )
        Attempt.objects.bulk_create(attempts)
        made += len(attempts)
    print(f"seeded {count} attempts in {time.perf_counter() - started:.1f} s")


def seed_tips(count: int, edition, regions, rng) -> None:
    from cyberweek.tipline.models import Report

    if Report.objects.count() == count:
        print(f"reusing {count} tips")
        return
    started = time.perf_counter()
    Report.objects.all().delete()
    kinds = list(Report.Kind.values)
    made = 0
    while made < count:
        batch = []
        for _ in range(min(BATCH, count - made)):
            region = regions[rng.randrange(len(regions))]
            batch.append(
                Report(
                    kind=kinds[rng.randrange(len(kinds))],
                    region=region,
                    province_code=region.code[:2] + "0000",
                    masked_text="收到可疑短信。",
                    receipt_digest=f"{rng.getrandbits(256):064x}",
                )
            )
        Report.objects.bulk_create(batch)
        made += len(batch)
    # Spread over the Week's days (created_at is set on insert).
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE tipline_report SET created_at = %s + (id %% 7) * interval '1 day' "
            "+ (id %% 13) * interval '1 hour'",
            [datetime(2019, 9, 16, 8, tzinfo=TZ)],
        )
    print(f"seeded {count} tips in {time.perf_counter() - started:.1f} s")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="share of the full data")
    parser.add_argument("--seconds", type=float, default=12.0, help="per page")
    parser.add_argument("--threads", type=int, default=3, help="concurrent clients")
    args = parser.parse_args()
    n_activities = int(200_000 * args.scale)
    n_attempts = int(1_000_000 * args.scale)
    n_tips = int(1_000_000 * args.scale)

    env = production_environment(WORK, database=DB_NAME, redis_db=12, prefix="bench-insights")
    prepare_django(env, DB_NAME)
    run_cyberweek(env, "geo", "load-regions")
    from django.core.cache import cache
    from django.db import connection

    from cyberweek.geo.queries import country
    from cyberweek.insights import reports, summaries
    from cyberweek.insights.models import Figure, ReportBuild
    from cyberweek.programme.models import Edition

    rng = random.Random(2019)
    seed(n_activities, False)
    place_activities()
    edition = Edition.objects.get(year=2019)
    regions = counties()
    seed_attempts(n_attempts, edition, regions, rng)
    seed_tips(n_tips, edition, regions, rng)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    began = time.perf_counter()
    state = summaries.refresh(edition)
    refresh_s = time.perf_counter() - began
    print(f"full refresh: {refresh_s:.1f} s")
    cookie = f"sessionid={organiser_session()}"
    sample = rng.sample(regions, 40)
    pages = {
        "trivial": (["/activities/health/"], ""),
        "national": (["/organiser/insights/?year=2019"], cookie),
        "county": ([f"/organiser/insights/?year=2019&region={r.code}" for r in sample], cookie),
    }
    cache.clear()
    results = measure_pages(env, pages, work=WORK, seconds=args.seconds, threads=args.threads)

    build = ReportBuild.objects.create(edition=edition, region=country(), language="zh-hans")
    cache.clear()  # the report computes its figures afresh, as the first build after a refresh
    began = time.perf_counter()
    build = reports.build(build.pk)
    report_s = time.perf_counter() - began
    if build.status != ReportBuild.Status.DONE:
        sys.exit(f"the report failed: {build.error}")

    print(
        f"activities={n_activities} attempts={n_attempts} tips={n_tips} "
        f"summary rows={Figure.objects.filter(edition=edition).count()} "
        f"refresh_s={refresh_s:.1f} (generation {state.generation})"
    )
    trivial = print_pages(results)
    print(f"national report: {report_s:.1f} s, {build.file.size} bytes")
    print(
        f"bench insights: dashboard_ratio={results['national']['p50'] / trivial:.2f} "
        f"drilldown_ratio={results['county']['p50'] / trivial:.2f} report_s={report_s:.1f}"
    )


if __name__ == "__main__":
    main()
