"""Tip-line intake at the issue's scale: a million reports, a tenth of them duplicates
written in other notations, then intake through HTTP beside the trivial view, duplicate
recall, and the export of a day's confirmed threats.

    python bench/tipline.py                                  # the issue's scale (unattended)
    python bench/tipline.py --reports 20000 --intake 2000    # a reduced run

What it does: creates (or reuses) the database `cyberweek_tipline_bench` on 127.0.0.1:5432,
migrates it and empties the tip line's tables, then

1. seeds `--reports` minus `--intake` reports in bulk, not through the web: each goes
   through the service's own reading and masking (`services.intake.prepared_report`: the link,
   number and ID normalisation, the `pii` screening, encryption of what was written), and
   chunks of them are written with `bulk_create`; the clusters each chunk names are looked
   up by key, created or counted up in the database, as `file_report` does one at a time.
   Seeded reports get their "filed" triage step but no audit record (the audit trail is
   written one event at a time, which would make seeding take hours). Minutes at a million
   on two cores;
2. starts gunicorn with production settings (CYBERWEEK_ENV=production, Redis database 13)
   on a free loopback port and drives it with wrk (Debian's load client in C, with the
   requests in bench/tipline_load.lua) keeping `--concurrency` requests in flight: a
   trivial page (`/tickets/public-key`: no database) for `--trivial-seconds` as the
   baseline, then `--intake` more reports filed with `POST /api/tipline/reports` into the
   seeded tables, each once. Each carries a proof-of-work solution: the bench signs its
   challenges with the server's key at 1 bit, because the browser's work is not what is
   measured (the server's check is one SHA-256 whatever the bits), and the hourly limit
   per address is raised, since every request comes from 127.0.0.1 (it is still counted);
3. measures the duplicate recall over every duplicate, seeded or sent: the share counted in
   the cluster of the report it repeats (phishing links, phone numbers, QQ numbers and
   WeChat IDs; duplicates vary host case, trailing dots, fragments, percent-encoding,
   default ports, credentials, missing schemes; `+86`, `0086`, spaces, dashes and brackets
   in numbers; "QQ:" and "wx:" prefixes and case);
4. marks `--confirmed` clusters confirmed today and times the export of the day's confirmed
   threats: STIX 2.1 bundle, MISP event and the phishing feed, as volunteers download them
   (`--profile-export` prints where the time goes).

Why wrk: the asyncio client (httpx) used before ran on the same two cores and spent more
of them per request than the server's trivial page, which it capped at about a quarter of
what the server serves (bench/ctf.py found 400–600 requests/s against about 2,000 with
wrk); the ratio against that baseline came out flattered. `apt-get install wrk` before
running this.

wrk sends requests for a duration, not a number of them: the reports' bodies, proofs
included, are written beforehand to a file, one JSON line a report, that the script walks
once, in order; once none is left a connection sends nothing more, and the last answer
stops wrk (`-d` is `--limit-seconds`, only a cap). So wrk's count, duration and latency
histogram are the reports' alone: reports/s is the reports over wrk's run, which ends with
the last answer, and `p99_ms` is theirs. The duplicate recall is counted as before, from
the duplicates this process wrote and the clusters' counts in the database; wrk's script
counts statuses, and prints the first few refusals as they come (before the summary, not
after it as before). The run fails unless every report was answered 201, with no socket
error.

The last line is

    bench tipline: intake_ratio=<reports/s over trivial/s> p99_ms=<n> dedup_recall=<n> export_s=<n>
"""

import argparse
import cProfile
import io
import json
import os
import pstats
import random
import sys
import time
from array import array
from collections import Counter
from itertools import islice
from pathlib import Path

from _harness import (
    REPO,
    describe,
    free_port,
    need_wrk,
    prepare_django,
    production_environment,
    start_gunicorn,
    start_wrk,
    stop_server,
    wrk_result,
)

WORK = REPO / "var" / "bench-tipline"
LUA = Path(__file__).with_name("tipline_load.lua")
DB_NAME = "cyberweek_tipline_bench"
REDIS_DB = 13
TRIVIAL = "/tickets/public-key"
DUPLICATE_SHARE = 0.10
SEED_CHUNK = 5000
REGIONS = ["110101", "120101", "310101", "440106", ""]
TEXTS = ["收到冒充银行的短信", "对方自称客服要求退款，我的手机13912345678", "刷单返利诈骗", ""]


def original(n: int) -> tuple[str, str, dict]:
    """Report number `n` as first written: (observable kind, canonical value, body)."""
    choice = n % 8
    if choice in (0, 1, 4, 5):
        # 500 registrable domains: campaigns share one, but not half of all reports.
        kind, canonical = "url", f"http://brand{n}.example-{n % 500}.com/login/{n % 97}"
        body = {"kind": "phishing", "link": canonical}
    elif choice in (2, 6):
        kind, canonical = "phone", f"+86138{n:08d}"
        body = {"kind": "fraud_phone", "phone": canonical}
    elif choice == 3:
        kind, canonical = "qq", str(10_000_000 + n)
        body = {"kind": "fraud_phone", "qq": canonical}
    else:
        kind, canonical = "wechat", f"svc{n:08d}x"
        body = {"kind": "fraud_phone", "wechat": canonical}
    body.update(region=REGIONS[n % len(REGIONS)], text=TEXTS[(n // 7) % len(TEXTS)])
    return kind, canonical, body


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


def duplicate(rng, n: int) -> tuple[dict, tuple[str, str]]:
    """Report `n` written again in another notation, and what it must cluster with."""
    kind, canonical, body = original(n)
    body = dict(body)
    if kind == "url":
        body["link"] = _url_variant(rng, body["link"])
    elif kind == "phone":
        body["phone"] = _phone_variant(rng, canonical)
    elif kind == "qq":
        body["qq"] = rng.choice([f"QQ: {canonical}", f"qq号 {canonical}", f"{canonical} "])
    else:
        body["wechat"] = rng.choice([f"wx: {canonical.upper()}", f"微信号：{canonical}"])
    return body, (kind, canonical)


class Workload:
    """The reports in order, generated as they are needed (a million bodies held at once
    would take gigabytes): 90% new, 10% an earlier report written differently."""

    def __init__(self, seed: int = 2026):
        self.rng = random.Random(seed)
        self.originals = array("l")
        self.expected: Counter = Counter()  # (kind, canonical) -> duplicates sent
        self.next = 0

    def __iter__(self):
        return self

    def __next__(self) -> dict:
        if self.originals and self.rng.random() < DUPLICATE_SHARE:
            pick = self.originals[self.rng.randrange(len(self.originals))]
            body, target = duplicate(self.rng, pick)
            self.expected[target] += 1
            return body
        n = self.next
        self.next += 1
        self.originals.append(n)
        return original(n)[2]


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
    """The region tree (reference data every report is placed in), and no old reports:
    TRUNCATE, since deleting a million rows through the ORM's cascade takes an hour."""
    from django.db import connection

    from cyberweek.geo.models import Region
    from cyberweek.geo.regions_data import read_rows
    from cyberweek.geo.services import sync_regions
    from cyberweek.tipline.models import (
        Cluster,
        Evidence,
        Report,
        ReportObservable,
        TriageStep,
        Vote,
    )

    if not Region.objects.exists():
        sync_regions(read_rows())
    tables = [m._meta.db_table for m in (Vote, TriageStep, ReportObservable, Evidence, Cluster)]
    with connection.cursor() as cursor:
        cursor.execute(
            f"TRUNCATE {', '.join([*tables, Report._meta.db_table])} RESTART IDENTITY CASCADE"
        )


def _count_up(increments: dict[int, int]) -> None:
    """report_count += n for clusters a chunk named again (one statement per 5,000)."""
    from django.db import connection

    items = list(increments.items())
    with connection.cursor() as cursor:
        for start in range(0, len(items), 5000):
            batch = items[start : start + 5000]
            # Only placeholders are formatted into the statement.
            values = ", ".join(["(%s, %s)"] * len(batch))
            statement = (
                "UPDATE tipline_cluster AS c SET report_count = c.report_count + v.n, "  # noqa: S608
                f"last_seen = now() FROM (VALUES {values}) AS v(id, n) WHERE c.id = v.id"
            )
            cursor.execute(statement, [x for pair in batch for x in pair])


def _seed_chunk(bodies: list[dict], first_number: int, regions: dict) -> int:
    """Seed `bodies`; the number of them the service refused."""
    from django.db import transaction
    from django.utils import timezone

    from cyberweek.core.errors import DomainError
    from cyberweek.tipline.models import Cluster, Report, ReportObservable, TriageStep
    from cyberweek.tipline.services.intake import prepared_report, region_and_province
    from cyberweek.tipline.services.receipts import receipt_digest

    reports, named, refused = [], [], 0
    for offset, body in enumerate(bodies):
        code = body.get("region", "")
        if code not in regions:
            regions[code] = region_and_province(code)
        region, province = regions[code]
        try:
            report, observed, _screening = prepared_report(
                kind=body["kind"],
                region=region,
                province=province,
                link=body.get("link", ""),
                phone=body.get("phone", ""),
                qq=body.get("qq", ""),
                wechat=body.get("wechat", ""),
                text=body.get("text", ""),
            )
        except DomainError:
            # Refused as the page would refuse it: a duplicate lost, which the recall shows.
            refused += 1
            continue
        # Unique per report, as a receipt's digest is; nobody follows a seeded report.
        report.receipt_digest = receipt_digest(f"SEED{first_number + offset:012d}")
        reports.append(report)
        named.append(observed.items)
    now = timezone.now()
    with transaction.atomic():
        Report.objects.bulk_create(reports, batch_size=1000)
        wanted: dict[str, list] = {}
        for items in named:
            for item in items:
                key = Cluster.key_for(item.kind, item.value)
                entry = wanted.setdefault(key, [item, 0])
                entry[1] += 1
        keys = list(wanted)
        known = {}
        for start in range(0, len(keys), 5000):
            known.update(
                Cluster.objects.filter(key__in=keys[start : start + 5000]).values_list("key", "pk")
            )
        fresh = [
            Cluster(
                key=key,
                kind=item.kind,
                value=item.value,
                display=item.display,
                report_count=n,
                first_seen=now,
                last_seen=now,
            )
            for key, (item, n) in wanted.items()
            if key not in known
        ]
        Cluster.objects.bulk_create(fresh, batch_size=1000)
        _count_up({known[key]: n for key, (_item, n) in wanted.items() if key in known})
        known.update({c.key: c.pk for c in fresh})
        ReportObservable.objects.bulk_create(
            [
                ReportObservable(
                    report_id=report.pk, cluster_id=known[Cluster.key_for(i.kind, i.value)]
                )
                for report, items in zip(reports, named, strict=True)
                for i in items
            ],
            batch_size=2000,
        )
        TriageStep.objects.bulk_create(
            [TriageStep(report_id=r.pk, action=TriageStep.Action.FILED) for r in reports],
            batch_size=2000,
        )
    return refused


def seed(workload: Workload, count: int) -> float:
    """`count` reports in chunks through `services.intake.prepared_report`; seconds taken."""
    started = time.monotonic()
    regions: dict = {}
    done = refused = 0
    while done < count:
        bodies = list(islice(workload, min(SEED_CHUNK, count - done)))
        refused += _seed_chunk(bodies, done, regions)
        done += len(bodies)
        if done % 100_000 < SEED_CHUNK or done == count:
            rate = done / (time.monotonic() - started)
            print(f"seeded {done:,} of {count:,} ({rate:.0f}/s), {refused} refused", flush=True)
    return time.monotonic() - started


def write_load_data(bodies, solved) -> Path:
    """What bench/tipline_load.lua reads: a report's JSON body a line, its proof included,
    serialised as the httpx client did (JSON escapes newlines and tabs in the text)."""
    path = WORK / "reports.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for body, (challenge, nonce) in zip(bodies, solved, strict=True):
            line = {**body, "pow_challenge": challenge, "pow_nonce": nonce}
            out.write(json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n")
    return path


def wrk(port, mode, connections, seconds, data=None):
    """One wrk run of `mode` (see bench/tipline_load.lua), started."""
    return start_wrk(LUA, port, connections, seconds, (mode, data) if data else (mode,))


def dedup_recall(expected: Counter) -> float:
    """Of the duplicates filed, the share their original's cluster counted."""
    from cyberweek.tipline.models import Cluster

    if not expected:
        return 1.0
    keys = {Cluster.key_for(kind, value): sent for (kind, value), sent in expected.items()}
    listed = list(keys)
    counted = {}
    for start in range(0, len(listed), 5000):
        counted.update(
            Cluster.objects.filter(key__in=listed[start : start + 5000]).values_list(
                "key", "report_count"
            )
        )
    # The original report is one of the cluster's reports; the rest are duplicates.
    found = sum(min(sent, max(0, counted.get(key, 0) - 1)) for key, sent in keys.items())
    return found / sum(keys.values())


def export_day(confirmed: int, *, profile: bool) -> tuple[float, int]:
    """Seconds to export a day's confirmed threats as volunteers download them."""
    from django.utils import timezone

    from cyberweek.tipline import exports
    from cyberweek.tipline.models import Cluster

    ids = list(
        Cluster.objects.filter(kind__in=["url", "phone", "qq", "wechat"])
        .order_by("pk")
        .values_list("pk", flat=True)[:confirmed]
    )
    Cluster.objects.filter(pk__in=ids).update(confirmed_at=timezone.now())
    profiler = cProfile.Profile() if profile else None
    started = time.perf_counter()
    if profiler:
        profiler.enable()
    threats = exports.threats(since=timezone.now() - timezone.timedelta(days=1))
    exports.stix_bundle(threats)
    exports.misp_event(threats)
    exports.phishing_feed_csv(threats)
    exports.phishing_feed_json(threats)
    elapsed = time.perf_counter() - started
    if profiler:
        profiler.disable()
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(25)
        print(out.getvalue())
    return elapsed, len(threats)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=int, default=1_000_000, help="all reports, seeded+sent")
    parser.add_argument("--intake", type=int, default=20_000, help="of them, sent through HTTP")
    parser.add_argument("--confirmed", type=int, default=1000, help="a day's confirmed threats")
    parser.add_argument("--concurrency", type=int, default=16, help="requests in flight")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument("--trivial-seconds", type=int, default=10)
    parser.add_argument(
        "--limit-seconds", type=int, default=600, help="cap on the intake (proofs last 15 min)"
    )
    parser.add_argument("--profile-export", action="store_true", help="print the export's profile")
    args = parser.parse_args()
    if not 0 < args.intake <= args.reports:
        parser.error("--intake must be between 1 and --reports")
    need_wrk("bench/tipline.py")

    env = production_environment(WORK, database=DB_NAME, redis_db=REDIS_DB, prefix="bench-tip")
    env["TIPLINE_REPORTS_PER_HOUR"] = str(args.intake * 2)
    # This checkout's code, in the commands and gunicorn, whichever copy the venv installed.
    env["PYTHONPATH"] = str(REPO / "src")
    os.environ.update(env)
    prepare_django(env, DB_NAME)
    prepare_tables()
    workload = Workload()
    seeded = args.reports - args.intake
    seconds = seed(workload, seeded)
    print(f"seeded {seeded:,} reports in {seconds:.0f} s", flush=True)
    bodies = list(islice(workload, args.intake))
    solved = proofs(len(bodies))
    print(
        f"{len(bodies):,} reports to send; {sum(workload.expected.values()):,} duplicates in all",
        flush=True,
    )

    from django.core.cache import cache
    from django.db import connection

    cache.clear()
    connection.close()
    data = write_load_data(bodies, solved)
    port = free_port()
    server = start_gunicorn(
        env, port, health_path=TRIVIAL, args=["-w", str(args.workers), "--backlog", "2048"]
    )
    c = args.concurrency
    try:
        trivial = wrk_result(wrk(port, "trivial", c, args.trivial_seconds))
        sent = wrk_result(wrk(port, "intake", c, args.limit_seconds, data))
    finally:
        stop_server(server)
    print(describe("trivial page", trivial))
    print(describe(f"reports ({sent['requests']} in {sent['seconds']:.1f} s)", sent))
    recall = dedup_recall(workload.expected)
    export_s, exported = export_day(args.confirmed, profile=args.profile_export)
    print(f"duplicates counted in their cluster: {recall:.4f}; exported {exported} threats")
    print(
        f"bench tipline: intake_ratio={sent['rps'] / trivial['rps']:.2f} "
        f"p99_ms={sent['p99_ms']:.0f} dedup_recall={recall:.4f} export_s={export_s:.2f}"
    )
    failed = sum(n for code, n in trivial["statuses"].items() if code != "200")
    failed += trivial["errors"] + sent["errors"]
    sys.exit(0 if failed == 0 and sent["statuses"].get("201", 0) == len(bodies) else 1)


if __name__ == "__main__":
    main()
