"""Tip-line intake under load: anonymous reports through the JSON API, a tenth of them
duplicates written in other notations, then the export of a day's confirmed threats.

    python bench/tipline.py                        # the issue's scale: 1,000,000 reports
    python bench/tipline.py --reports 3000         # a reduced run (minutes on two cores)

What it does: creates (or reuses) the database `cyberweek_tipline_bench` on 127.0.0.1:5432,
migrates it and empties the tip line's tables, starts gunicorn with production settings
(CYBERWEEK_ENV=production, Redis database 13) on a free loopback port, and with an asyncio
client (httpx) and a bounded number of requests in flight:

1. requests a trivial page of the same server (`/tickets/public-key`: no database) for a
   fixed time, as the baseline;
2. files `--reports` reports with `POST /api/tipline/reports`: phishing links, phone
   numbers, QQ numbers and WeChat IDs, 90% new and 10% duplicates of an earlier report
   written differently (host case, trailing dot, fragment, percent-encoding, default port,
   credentials, decimal IPv4; `+86`, `0086`, spaces and dashes in numbers; "QQ:" and
   "wx:" prefixes). Each carries a proof-of-work solution: the bench signs its challenges
   with the server's key at 1 bit, because the browser's work is not what is measured
   (the server's check is one SHA-256 whatever the bits), and the hourly limit per
   address is raised, since every request comes from 127.0.0.1 (it is still counted).

Then, in the database: the duplicate recall (the share of duplicates counted in the
cluster of the report they duplicate), and the time to export a day's confirmed threats
(`--confirmed` clusters marked confirmed) as a validated STIX 2.1 bundle and MISP event.
The last line is

    bench tipline: intake_ratio=<reports/s over trivial/s> p99_ms=<n> dedup_recall=<n> export_s=<n>
"""

import argparse
import asyncio
import os
import random
import sys
import time

from _harness import (
    REPO,
    free_port,
    percentile,
    prepare_django,
    production_environment,
    start_gunicorn,
    stop_server,
    trivial_load,
)

WORK = REPO / "var" / "bench-tipline"
DB_NAME = "cyberweek_tipline_bench"
REDIS_DB = 13
TRIVIAL = "/tickets/public-key"
URL = "/api/tipline/reports"


def _url_variant(rng, url: str) -> str:
    scheme, rest = url.split("://", 1)
    host, path = rest.split("/", 1)
    return rng.choice(
        [
            f"{scheme.upper()}://{host.upper()}/{path}",
            f"{scheme}://{host}./{path}#ref",
            f"{scheme}://{host}:80/{path}",
            f"{scheme}://{host}/" + "".join(f"%{ord(c):02X}" if c.isalpha() else c for c in path),
            f"{scheme}://user:pass@{host}//{path}",
            f"{host}/{path}",
        ]
    )


def _phone_variant(rng, number: str) -> str:
    digits = number[3:]  # +86 then 11 digits
    return rng.choice(
        [
            digits,
            f"+86 {digits[:3]} {digits[3:7]} {digits[7:]}",
            f"0086-{digits[:3]}-{digits[3:7]}-{digits[7:]}",
            f"({digits[:3]}) {digits[3:]}",
        ]
    )


def workload(count: int, seed: int = 2026) -> tuple[list[dict], list[tuple[str, str]]]:
    """The reports to send, and for each duplicate the (kind, canonical value) of the
    report it repeats."""
    rng = random.Random(seed)
    originals: list[tuple[str, str, dict]] = []
    bodies, duplicates = [], []
    for n in range(count):
        if originals and rng.random() < 0.10:
            kind, canonical, body = rng.choice(originals)
            body = dict(body)
            if kind == "url":
                body["link"] = _url_variant(rng, body["link"])
            elif kind == "phone":
                body["phone"] = _phone_variant(rng, canonical)
            elif kind == "qq":
                body["qq"] = f"QQ: {body['qq']}"
            else:
                body["wechat"] = f"wx: {body['wechat'].upper()}"
            bodies.append(body)
            duplicates.append((kind, canonical))
            continue
        choice = n % 4
        region = rng.choice(["110101", "120101", "310101", "440106", ""])
        text = rng.choice(
            ["收到冒充银行的短信", "对方自称客服要求退款，我的手机13912345678", "刷单返利诈骗", ""]
        )
        if choice == 0 or choice == 1:
            canonical = f"http://brand{n}.example.com/login/{n % 97}"
            body = {"kind": "phishing", "link": canonical}
            kind = "url"
        elif choice == 2:
            canonical = f"+86138{n:08d}"
            body = {"kind": "fraud_phone", "phone": canonical}
            kind = "phone"
        else:
            canonical = str(10_000_000 + n)
            body = {"kind": "fraud_phone", "qq": canonical}
            kind = "qq"
        body.update(region=region, text=text)
        originals.append((kind, canonical, body))
        bodies.append(body)
    return bodies, duplicates


def proofs(count: int) -> list[tuple[str, str]]:
    """Challenges signed with the server's key at 1 bit, solved (see the docstring)."""
    from django.core import signing

    from cyberweek.tipline import proof_of_work

    signer = signing.TimestampSigner(salt=proof_of_work.SALT)
    solved = []
    for n in range(count):
        challenge = signer.sign(f"v1:1:bench{n}{os.urandom(6).hex()}")
        solved.append((challenge, proof_of_work.solve(challenge, 1)))
    return solved


def prepare_tables():
    """The region tree (reference data every report is placed in), and no old reports."""
    from cyberweek.geo.models import Region
    from cyberweek.geo.regions_data import read_rows
    from cyberweek.geo.services import sync_regions
    from cyberweek.tipline.models import Cluster, Report

    if not Region.objects.exists():
        sync_regions(read_rows())
    Report.objects.all().delete()
    Cluster.objects.all().delete()


async def intake(base, bodies, solved, *, concurrency) -> dict:
    import httpx

    latencies, statuses, errors = [], {}, []
    queue = list(reversed(list(zip(bodies, solved, strict=True))))
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as client:

        async def worker():
            while queue:
                body, (challenge, nonce) = queue.pop()
                started = time.perf_counter()
                response = await client.post(
                    URL, json={**body, "pow_challenge": challenge, "pow_nonce": nonce}
                )
                latencies.append(time.perf_counter() - started)
                statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
                if response.status_code != 201 and len(errors) < 5:
                    errors.append(response.text[:300])

        started = time.monotonic()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.monotonic() - started
    return {
        "rps": len(latencies) / elapsed,
        "latencies": latencies,
        "statuses": statuses,
        "errors": errors,
    }


def dedup_recall(duplicates) -> float:
    """Of the duplicates sent, the share their original's cluster counted."""
    from collections import Counter

    from cyberweek.tipline.models import Cluster

    expected = Counter(duplicates)
    if not expected:
        return 1.0
    counted = dict(
        Cluster.objects.filter(
            key__in=[Cluster.key_for(kind, value) for kind, value in expected]
        ).values_list("key", "report_count")
    )
    found = 0
    for (kind, value), sent in expected.items():
        # The original report is one of the cluster's reports; the rest are duplicates.
        found += min(sent, max(0, counted.get(Cluster.key_for(kind, value), 0) - 1))
    return found / sum(expected.values())


def export_day(confirmed: int) -> tuple[float, int]:
    from django.utils import timezone

    from cyberweek.tipline import exports
    from cyberweek.tipline.models import Cluster

    ids = list(
        Cluster.objects.filter(kind__in=["url", "phone", "qq"]).values_list("pk", flat=True)[
            :confirmed
        ]
    )
    Cluster.objects.filter(pk__in=ids).update(confirmed_at=timezone.now())
    started = time.perf_counter()
    threats = exports.threats(since=timezone.now() - timezone.timedelta(days=1))
    exports.stix_bundle(threats)
    exports.misp_event(threats)
    exports.phishing_feed_csv(threats)
    return time.perf_counter() - started, len(threats)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=int, default=1_000_000)
    parser.add_argument("--confirmed", type=int, default=1000, help="a day's confirmed threats")
    parser.add_argument("--concurrency", type=int, default=16, help="requests in flight")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument("--trivial-seconds", type=float, default=10.0)
    args = parser.parse_args()

    env = production_environment(WORK, database=DB_NAME, redis_db=REDIS_DB, prefix="bench-tip")
    env["TIPLINE_REPORTS_PER_HOUR"] = str(args.reports * 2)
    # This checkout's code, in the commands and gunicorn, whichever copy the venv installed.
    env["PYTHONPATH"] = str(REPO / "src")
    os.environ.update(env)
    prepare_django(env, DB_NAME)
    prepare_tables()
    bodies, duplicates = workload(args.reports)
    solved = proofs(len(bodies))
    print(f"{len(bodies)} reports to send, {len(duplicates)} duplicates", flush=True)

    from django.core.cache import cache
    from django.db import connection

    cache.clear()
    connection.close()
    port = free_port()
    server = start_gunicorn(
        env, port, health_path=TRIVIAL, args=["-w", str(args.workers), "--backlog", "2048"]
    )
    base = f"http://127.0.0.1:{port}"
    try:
        trivial = asyncio.run(
            trivial_load(base, TRIVIAL, seconds=args.trivial_seconds, concurrency=args.concurrency)
        )
        sent = asyncio.run(intake(base, bodies, solved, concurrency=args.concurrency))
    finally:
        stop_server(server)
    if trivial["failures"]:
        sys.exit(f"the trivial page failed {len(trivial['failures'])} times")
    lat = [x * 1000 for x in sent["latencies"]]
    base_lat = [x * 1000 for x in trivial["latencies"]]
    print(
        f"trivial page: {trivial['rps']:.0f} req/s, p50 {percentile(base_lat, 0.5):.1f} ms, "
        f"p99 {percentile(base_lat, 0.99):.1f} ms"
    )
    print(
        f"reports: {len(lat)} in {len(lat) / sent['rps']:.1f} s = {sent['rps']:.0f}/s, "
        f"p50 {percentile(lat, 0.5):.1f} ms, p99 {percentile(lat, 0.99):.1f} ms, "
        f"statuses {sent['statuses']}"
    )
    for error in sent["errors"]:
        print("refused:", error)
    recall = dedup_recall(duplicates)
    export_s, exported = export_day(args.confirmed)
    print(f"duplicates counted in their cluster: {recall:.4f}; exported {exported} threats")
    ratio = sent["rps"] / trivial["rps"]
    print(
        f"bench tipline: intake_ratio={ratio:.2f} p99_ms={percentile(lat, 0.99):.0f} "
        f"dedup_recall={recall:.4f} export_s={export_s:.2f}"
    )
    sys.exit(0 if sent["statuses"].get(201, 0) == len(lat) else 1)


if __name__ == "__main__":
    main()
