"""A public-voting burst: thousands of verified voters vote for a few hot entries at once,
each pressing "Vote" twice for every entry.

    python bench/votes.py                          # 3,000 voters, 3 hot entries
    python bench/votes.py --voters 500 --concurrency 16

What it does: creates (or reuses) the database `cyberweek_votes_bench` on 127.0.0.1:5432,
migrates it, seeds one contest with voting open, `--entries` accepted entries and
`--voters` accounts, each with a verified mobile number and a signed-in session written
straight to the session table, starts gunicorn with production settings (Redis cache on
database 4) on a free loopback port, then with an asyncio client (httpx):

1. requests a trivial page of the same server (`/healthz`) for a fixed time, the baseline;
2. has every voter `POST /api/showcase/entries/{ref}/vote` `--repeats` times for each hot
   entry, the requests shuffled so that a voter's repeats race each other.

It then counts in the database: `double` = votes accepted (201) beyond one per voter and
entry, plus rows beyond one per voter, entry and day; `lost` = voter-entry pairs answered
201 with no row. The last line is

    bench votes: vote_ratio=<vote rps / trivial rps> p99_ms=<n> double=<n> lost=<n>
"""

import argparse
import asyncio
import os
import random
import secrets
import sys
import time
from collections import Counter
from datetime import timedelta

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

WORK = REPO / "var" / "bench-votes"
DB_NAME = "cyberweek_votes_bench"
REDIS_DB = 4
TRIVIAL = "/healthz"
SLUG = "bench-votes"


def seed(voters: int, entries: int) -> tuple[list[str], list[tuple[int, str]]]:
    """The contest with its hot entries (votes emptied); voters with sessions."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    from cyberweek.accounts.models import User
    from cyberweek.showcase.models import Entry, PhoneVerification, VideoContest, Vote

    now = timezone.now()
    contest, _ = VideoContest.objects.update_or_create(
        slug=SLUG,
        defaults={
            "title": "投票压力测试",
            "is_published": True,
            "submission_opens_at": now - timedelta(days=10),
            "submission_closes_at": now - timedelta(days=5),
            "voting_opens_at": now - timedelta(days=1),
            "voting_closes_at": now + timedelta(days=5),
        },
    )
    Vote.objects.all().delete()
    owner = User.objects.filter(email_index__isnull=False).order_by("pk").first()
    if owner is None:
        owner = User.objects.create_user("entrant@example.org")
    refs = list(Entry.objects.filter(contest=contest).order_by("pk").values_list("ref", flat=True))
    for n in range(len(refs), entries):
        entry = Entry.objects.create(
            contest=contest,
            entrant=owner,
            category="open",
            title=f"热门作品 {n}",
            public_title=f"热门作品 {n}",
            display_name="作者",
            status=Entry.Status.ACCEPTED,
        )
        refs.append(entry.ref)
    existing = User.objects.exclude(pk=owner.pk).count()
    if existing < voters:
        template = User(email="template@example.org")
        template.set_password(secrets.token_urlsafe(16))
        User.objects.bulk_create(
            [
                User(email=f"voter{n}@example.org", password=template.password, verified_at=now)
                for n in range(existing, voters)
            ],
            batch_size=1000,
        )
    users = list(User.objects.exclude(pk=owner.pk).order_by("pk")[:voters])
    verified = set(PhoneVerification.objects.values_list("user_id", flat=True))
    PhoneVerification.objects.bulk_create(
        [
            PhoneVerification(user=u, mobile=f"+86139{u.pk:08d}", verified_at=now)
            for u in users
            if u.pk not in verified
        ],
        batch_size=1000,
    )
    Session.objects.all().delete()
    expires = now + timedelta(hours=2)
    sessions, pairs = [], []
    for user in users:
        store = SessionStore()
        key = store._get_new_session_key()
        data = {
            SESSION_KEY: str(user.pk),
            BACKEND_SESSION_KEY: "cyberweek.accounts.backends.EmailOrMobileBackend",
            HASH_SESSION_KEY: user.get_session_auth_hash(),
        }
        sessions.append(
            Session(session_key=key, session_data=store.encode(data), expire_date=expires)
        )
        pairs.append((user.pk, key))
    Session.objects.bulk_create(sessions, batch_size=1000)
    return refs[:entries], pairs


async def burst(base, jobs, *, concurrency, limit_s) -> dict:
    import httpx

    csrf = secrets.token_hex(16)  # any 32-character token, the same in cookie and header
    latencies, statuses, accepted = [], Counter(), Counter()
    queue = list(jobs)
    deadline = time.monotonic() + limit_s
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as client:

        async def worker():
            while queue and time.monotonic() < deadline:
                user_id, session, ref = queue.pop()
                started = time.perf_counter()
                response = await client.post(
                    f"/api/showcase/entries/{ref}/vote",
                    headers={
                        "X-CSRFToken": csrf,
                        "Cookie": f"sessionid={session}; csrftoken={csrf}",
                    },
                )
                latencies.append(time.perf_counter() - started)
                statuses[response.status_code] += 1
                if response.status_code == 201:
                    accepted[(user_id, ref)] += 1

        started = time.monotonic()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.monotonic() - started
    return {
        "rps": len(latencies) / elapsed,
        "latencies": latencies,
        "statuses": dict(statuses),
        "accepted": accepted,
    }


def count(accepted: Counter) -> dict:
    from django.db.models import Count

    from cyberweek.showcase.models import Vote

    rows = set(Vote.objects.values_list("voter_id", "entry__ref"))
    duplicate_rows = (
        Vote.objects.values("voter_id", "entry_id", "day")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .count()
    )
    double = sum(n - 1 for n in accepted.values() if n > 1) + duplicate_rows
    lost = sum(1 for pair in accepted if pair not in rows)
    return {"rows": len(rows), "double": double, "lost": lost}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--voters", type=int, default=3000)
    parser.add_argument("--entries", type=int, default=3, help="hot entries")
    parser.add_argument("--repeats", type=int, default=2, help="presses per voter and entry")
    parser.add_argument("--concurrency", type=int, default=32, help="requests in flight")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--trivial-seconds", type=float, default=10.0)
    parser.add_argument("--limit-seconds", type=float, default=300.0, help="cap on the burst")
    parser.add_argument("--redis-db", type=int, default=REDIS_DB, help="Redis database (emptied)")
    args = parser.parse_args()

    env = production_environment(
        WORK, database=DB_NAME, redis_db=args.redis_db, prefix="bench-votes"
    )
    # This checkout's code, not whichever one the virtualenv was installed from.
    env["PYTHONPATH"] = str(REPO / "src")
    os.environ.update(env)
    prepare_django(env, DB_NAME)
    refs, voters = seed(args.voters, args.entries)
    print(f"seeded {len(voters)} verified voters, {len(refs)} hot entries", flush=True)
    from django.core.cache import cache
    from django.db import connection

    cache.clear()  # the bench's own Redis database: last run's vote marks go
    connection.close()
    jobs = [(u, s, ref) for u, s in voters for ref in refs for _ in range(args.repeats)]
    random.Random(19).shuffle(jobs)
    port = free_port()
    server = start_gunicorn(
        env, port, health_path=TRIVIAL, args=["-w", str(args.workers), "--backlog", "2048"]
    )
    base = f"http://127.0.0.1:{port}"
    try:
        trivial = asyncio.run(
            trivial_load(base, TRIVIAL, seconds=args.trivial_seconds, concurrency=args.concurrency)
        )
        votes = asyncio.run(
            burst(base, jobs, concurrency=args.concurrency, limit_s=args.limit_seconds)
        )
    finally:
        stop_server(server)
    if trivial["failures"]:
        sys.exit(f"the trivial page failed {len(trivial['failures'])} times")
    checked = count(votes["accepted"])
    lat = [x * 1000 for x in votes["latencies"]]
    base_lat = [x * 1000 for x in trivial["latencies"]]
    print(
        f"trivial page: {trivial['rps']:.0f} req/s, p50 {percentile(base_lat, 0.5):.1f} ms, "
        f"p99 {percentile(base_lat, 0.99):.1f} ms"
    )
    print(
        f"votes: {len(lat)} requests in {len(lat) / votes['rps']:.1f} s = {votes['rps']:.0f}/s, "
        f"p50 {percentile(lat, 0.5):.1f} ms, p99 {percentile(lat, 0.99):.1f} ms, "
        f"statuses {votes['statuses']}"
    )
    expected = len(voters) * len(refs)
    print(f"database: {checked['rows']} votes for {expected} voter-entry pairs")
    ratio = votes["rps"] / trivial["rps"]
    print(
        f"bench votes: vote_ratio={ratio:.2f} p99_ms={percentile(lat, 0.99):.0f} "
        f"double={checked['double']} lost={checked['lost']}"
    )
    complete = len(lat) == len(jobs) and checked["rows"] == expected
    sys.exit(0 if checked["double"] == checked["lost"] == 0 and complete else 1)


if __name__ == "__main__":
    main()
