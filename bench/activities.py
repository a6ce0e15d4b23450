"""Local activities at national scale: the filtered public list and a province's coverage
table against a trivial page of the same server, on PostgreSQL with production settings.

    python bench/activities.py               # 200,000 activities, 12 s per page
    python bench/activities.py --rows 50000 --seconds 5 --reseed

What it does: creates (or reuses) the database `cyberweek_bench` on 127.0.0.1:5432, migrates
it, loads the regions, seeds the activities with COPY across every county (reused when the
count already matches), collects static files, starts gunicorn (2 workers,
CYBERWEEK_ENV=production, Redis cache) on a free loopback port, and drives each page with a
few keep-alive client threads for a bounded time. Server time per request comes from
gunicorn's access log (%(D)s, microseconds); requests/s from the client. The coverage page
is an organiser page: it is requested with a session of a provincial organiser who has
passed the second factor. Then each query behind the two pages is run with EXPLAIN ANALYZE,
and the plan of the slowest is printed. The server is stopped however the run ends.

The last line is

    bench activities: list_ratio=<list p50 / trivial p50> coverage_ratio=<coverage p50 /
    trivial p50> list_p99_ms=<n> rows=<n>
"""

import argparse
import http.client
import os
import random
import statistics
import sys
import threading
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from _harness import (
    REPO,
    create_database,
    free_port,
    percentile,
    production_environment,
    run_cyberweek,
    start_gunicorn,
    stop_server,
)

WORK = REPO / "var" / "bench-activities"
DB_NAME = "cyberweek_bench"
TZ = ZoneInfo("Asia/Shanghai")
PROVINCE = "440000"  # Guangdong: the most counties, so the largest coverage table


# --- Seeding -------------------------------------------------------------------------------
def seed(rows: int, reseed: bool) -> int:
    """Seed `rows` activities with COPY, unless that many are already there."""
    from django.db import connection

    from cyberweek.activities.models import Activity
    from cyberweek.activities.services import search_text_for
    from cyberweek.core.crypto import key_ring
    from cyberweek.geo.models import Region, Sector
    from cyberweek.programme.models import Edition, ThemedDay

    edition, _ = Edition.objects.get_or_create(
        year=2019,
        defaults={
            "slug": "2019",
            "theme": "网络安全为人民，网络安全靠人民",
            "theme_en": "Cybersecurity for the people, cybersecurity by the people",
            "host_city": "天津",
            "starts_on": date(2019, 9, 16),
            "ends_on": date(2019, 9, 22),
            "is_published": True,
        },
    )
    for offset, kind in enumerate(["opening", "campus", "telecom", "rule_of_law", "finance"]):
        ThemedDay.objects.get_or_create(
            edition=edition,
            date=edition.starts_on + timedelta(days=offset),
            defaults={"kind": kind, "title": kind},
        )
    days = {d.date: d.pk for d in edition.themed_days.all()}
    existing = Activity.objects.count()
    if existing == rows and not reseed:
        print(f"reusing {existing} seeded activities")
        return existing
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE activities_activity CASCADE")
    regions = list(
        Region.objects.filter(level=Region.Level.COUNTY, is_active=True).values_list("pk", "path")
    )
    ring = key_ring()

    def sealed(value, column):
        return ring.encrypt(value, context=f"activities.activity.{column}")

    # Encrypting 600,000 values would dominate the seeding; a few ciphertexts per column
    # stand for all (each is still a valid value under the bench key ring).
    names = [sealed(f"联系人{i}", "contact_name") for i in range(20)]
    phones = [sealed(f"+86138{i:08d}", "contact_phone") for i in range(20)]
    descriptions = [sealed("讲解防范电信网络诈骗和个人信息保护。", "description")]
    sectors = list(Sector.values)
    statuses = (
        ["approved"] * 40
        + ["held"] * 10
        + ["reported"] * 15
        + ["verified"] * 20
        + ["submitted"] * 8
        + ["draft"] * 7
    )
    kinds = ["网络安全知识讲座", "防范电信诈骗宣传", "个人信息保护课堂", "网络安全进万家"]
    rng = random.Random(2019)
    now = datetime.now(TZ)
    columns = (
        "edition_id, themed_day_id, title, title_en, description, public_description, sector, "
        "region_id, region_path, format, venue_address, latitude, longitude, online_url, "
        "audience, starts_at, ends_at, expected_reach, public_registration, capacity, "
        "contact_name, contact_phone, status, is_public, search_text, participants, "
        "online_reach, outcome_summary, public_outcome_summary, outcome_reported_at, "
        "created_at, updated_at, hand_masks"
    )
    with connection.cursor() as cursor:
        copy_cursor = cursor.cursor
        with copy_cursor.copy(f"COPY activities_activity ({columns}) FROM STDIN") as copy:
            for n in range(rows):
                region_pk, path = regions[n % len(regions)]
                sector = sectors[rng.randrange(len(sectors))]
                status = statuses[rng.randrange(len(statuses))]
                day = edition.starts_on + timedelta(days=rng.randrange(7))
                starts = datetime(day.year, day.month, day.day, rng.choice([9, 14, 19]), tzinfo=TZ)
                title = f"{kinds[n % len(kinds)]}（第{n}场）"
                title_en = f"Awareness activity {n}"
                public = "本次活动讲解防范电信网络诈骗和个人信息保护知识。"
                reported = status in {"reported", "verified"}
                row = SimpleNamespace(title=title, title_en=title_en, public_description=public)
                copy.write_row(
                    (
                        edition.pk,
                        days.get(day),
                        title,
                        title_en,
                        descriptions[0],
                        public,
                        sector,
                        region_pk,
                        path,
                        "offline" if n % 4 else "online",
                        "社区文化活动中心" if n % 4 else "",
                        None,
                        None,
                        "" if n % 4 else "https://example.org/live",
                        "居民",
                        starts,
                        starts + timedelta(hours=2),
                        rng.choice([50, 100, 300, 1000]),
                        False,
                        None,
                        names[n % 20],
                        phones[n % 20],
                        status,
                        status in Activity.PUBLIC_STATUSES,
                        search_text_for(row),
                        rng.randrange(20, 500) if reported else None,
                        rng.randrange(0, 5000) if reported else None,
                        "",
                        "活动顺利举行。" if reported else "",
                        starts + timedelta(days=2) if reported else None,
                        now,
                        now,
                        "",
                    )
                )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE activities_activity")
    print(f"seeded {rows} activities in {time.perf_counter() - started:.1f} s")
    return rows


def organiser_session() -> str:
    """A session of a national organiser (who may see every province's coverage) who has
    passed the second factor."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from cyberweek.accounts.models import OrganiserRole, User
    from cyberweek.geo.models import Region

    role = OrganiserRole.objects.filter(level="national", unit_name="bench").first()
    if role is None:
        user = User.objects.create_user(f"bench.{time.time_ns()}@example.org")
        role = OrganiserRole.objects.create(
            user=user,
            level="national",
            region=Region.objects.get(level=Region.Level.COUNTRY),
            unit_name="bench",
        )
    user = role.user
    device = TOTPDevice.objects.filter(user=user).first() or TOTPDevice.objects.create(
        user=user, name="bench", confirmed=True
    )
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "cyberweek.accounts.backends.EmailOrMobileBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.create()
    return session.session_key


# --- Serving and measuring -----------------------------------------------------------------
def drive(port, paths, *, seconds, threads, cookie="") -> dict:
    """Request `paths` round-robin from `threads` keep-alive clients for `seconds`."""
    deadline = time.monotonic() + seconds
    latencies, failures = [], []
    lock = threading.Lock()

    def client(offset):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {"Cookie": cookie} if cookie else {}
        n = offset
        while time.monotonic() < deadline:
            path = paths[n % len(paths)]
            n += 1
            started = time.perf_counter()
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            response.read()
            elapsed = time.perf_counter() - started
            with lock:
                if response.status != 200:
                    failures.append((path, response.status))
                latencies.append(elapsed)

    workers = [threading.Thread(target=client, args=(i,)) for i in range(threads)]
    started = time.monotonic()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    elapsed = time.monotonic() - started
    if failures:
        sys.exit(f"{len(failures)} requests failed, e.g. {failures[:3]}")
    return {"requests": len(latencies), "rps": len(latencies) / elapsed}


def request_each_once(port, paths, cookie=""):
    """One request per path, in turn: each page's first, uncached rendering."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    for path in paths:
        connection.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        response = connection.getresponse()
        response.read()
        if response.status != 200:
            sys.exit(f"{path} answered {response.status}")


def server_times(log: Path) -> list[float]:
    """Milliseconds per answered request, from gunicorn's access log."""
    times = []
    for line in log.read_text().splitlines():
        _path, status, micros = line.split(" ")
        if status == "200":
            times.append(int(micros) / 1000)
    return times


# --- Query plans ---------------------------------------------------------------------------
def slowest_plan(list_filters, province_code):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cyberweek.activities import queries
    from cyberweek.geo.models import Region
    from cyberweek.programme.models import Edition

    edition = Edition.objects.get(year=2019)
    province = Region.objects.get(code=province_code)
    with CaptureQueriesContext(connection) as captured:
        for region_code, sector in list_filters[:1]:
            region = Region.objects.get(code=region_code)
            filters = queries.ActivityFilter(region=region, sector=sector)
            list(queries.public_activities(edition=edition, filters=filters)[:21])
        queries.coverage_for_region(region=province, edition=edition)
    timed = []
    with connection.cursor() as cursor:
        for query in captured.captured_queries:
            sql = query["sql"]
            if not sql.lstrip().upper().startswith("SELECT") or "activities_activity" not in sql:
                continue
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            plan = [row[0] for row in cursor.fetchall()]
            execution = next(float(x.split()[2]) for x in plan if x.startswith("Execution Time"))
            timed.append((execution, sql, plan))
    return max(timed)


def print_pages(results: dict) -> float:
    """A table of `measure_pages`' results, each page's p50 as a multiple of the trivial
    page's; returns the trivial page's p50 (ms)."""
    print(
        f"{'page':<10}{'requests':>10}{'p50 ms':>10}{'p99 ms':>10}{'req/s':>10}"
        f"{'x trivial':>11}{'cold p50 ms':>13}"
    )
    trivial = results["trivial"]["p50"]
    for name, r in results.items():
        print(
            f"{name:<10}{r['n']:>10}{r['p50']:>10.2f}{r['p99']:>10.2f}{r['rps']:>10.1f}"
            f"{r['p50'] / trivial:>11.2f}{r['cold']:>13.2f}"
        )
    return trivial


def measure_pages(env, pages, *, work, seconds, threads) -> dict:
    """Serve each page set under its own gunicorn (2 workers) and measure it: the first
    request of each path ("cold"), a warm-up, then `seconds` of `threads` clients. `pages`
    maps a name to (paths, session cookie). Server times come from the access log."""
    port = free_port()
    results = {}
    process = None
    try:
        for name, (paths, session) in pages.items():
            log = work / f"access-{name}.log"
            log.write_text("")
            process = start_gunicorn(
                env,
                port,
                health_path="/activities/health/",
                args=[
                    "-w",
                    "2",
                    "--access-logfile",
                    str(log),
                    "--access-logformat",
                    "%(U)s %(s)s %(D)s",
                ],
            )
            request_each_once(port, paths, session)
            cold = server_times(log)
            drive(port, paths, seconds=2, threads=threads, cookie=session)  # warm up
            offset = len(log.read_text().splitlines())
            client = drive(port, paths, seconds=seconds, threads=threads, cookie=session)
            stop_server(process)
            times = server_times(log)[offset:]
            results[name] = {
                "p50": statistics.median(times),
                "p99": percentile(times, 0.99),
                "rps": client["rps"],
                "n": len(times),
                "cold": statistics.median(cold),
            }
    finally:
        if process is not None:
            stop_server(process)
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--seconds", type=float, default=12.0, help="per page")
    parser.add_argument("--threads", type=int, default=3, help="concurrent clients")
    parser.add_argument("--reseed", action="store_true", help="seed even if the count matches")
    args = parser.parse_args()

    env = production_environment(WORK, database=DB_NAME, redis_db=15, prefix="bench-activities")
    create_database(DB_NAME)
    run_cyberweek(env, "migrate", "--no-input", "-v", "0")
    run_cyberweek(env, "geo", "load-regions")
    run_cyberweek(env, "collectstatic", "--no-input", "-v", "0")
    os.environ.update(env)
    sys.path.insert(0, str(REPO / "src"))
    import django

    django.setup()
    rows = seed(args.rows, args.reseed)
    cookie = f"sessionid={organiser_session()}"

    from cyberweek.geo.queries import provinces

    codes = list(provinces().values_list("code", flat=True))
    sectors = ["school", "community", "enterprise", "countryside"]
    list_filters = [(codes[i % len(codes)], sectors[i % len(sectors)]) for i in range(40)]
    pages = {
        "trivial": (["/activities/health/"], ""),
        "list": ([f"/activities/?region={r}&sector={s}" for r, s in list_filters], ""),
        "coverage": ([f"/organiser/activities/coverage/?region={c}" for c in codes], cookie),
    }
    from django.core.cache import cache

    # Both pages keep rendered fragments in Redis; start from nothing, so the first pass
    # over the pages shows the uncached ("cold") cost.
    cache.clear()
    results = measure_pages(env, pages, work=WORK, seconds=args.seconds, threads=args.threads)

    print(f"rows={rows} gunicorn -w 2, {args.threads} client threads, {args.seconds:.0f} s/page")
    trivial = print_pages(results)
    print("(cold: the first request of each distinct page, before its fragment is cached)")
    execution, sql, plan = slowest_plan(list_filters, PROVINCE)
    print(f"\nslowest query ({execution:.2f} ms):\n{sql}\n")
    print("\n".join(plan))
    print(
        f"bench activities: list_ratio={results['list']['p50'] / trivial:.2f} "
        f"coverage_ratio={results['coverage']['p50'] / trivial:.2f} "
        f"list_p99_ms={results['list']['p99']:.1f} rows={rows}"
    )


if __name__ == "__main__":
    main()
