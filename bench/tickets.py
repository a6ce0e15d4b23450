"""Registration under a rush: thousands of people press "Register" for one event at once.

    python bench/tickets.py                      # 3,000 people for 2,000 seats
    python bench/tickets.py --people 1500 --capacity 1000 --concurrency 24

What it does: creates (or reuses) the database `cyberweek_tickets_bench` on
127.0.0.1:5432, migrates it, seeds one offering and `--people` accounts, each with a
signed-in session written straight to the session table (no password round trips), starts
gunicorn with production settings (CYBERWEEK_ENV=production, Redis cache and Celery broker
on Redis database 14) on a free loopback port, then with an asyncio client (httpx) and a
bounded number of requests in flight:

1. requests a trivial page of the same server (`/tickets/public-key`: no database) for a
   fixed time, as the baseline;
2. has every person `POST /api/tickets/offerings/{id}/registrations` once, all at once.

It then counts in the database the seats confirmed (oversold = confirmed - capacity, when
positive), checks that the waiting list is numbered without gaps in arrival order, and
stops the server however the run ends. The confirmation mails are queued for Celery; the
bench removes its queue from Redis afterwards.

The last line is

    bench tickets: oversold=<n> regs_per_s=<n> ratio=<ours / trivial> p99_ms=<n>
"""

import argparse
import asyncio
import os
import secrets
import sys
import time
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

WORK = REPO / "var" / "bench-tickets"
DB_NAME = "cyberweek_tickets_bench"
REDIS_DB = 14
REDIS = f"redis://127.0.0.1:6379/{REDIS_DB}"
TRIVIAL = "/tickets/public-key"
SOURCE_ID = 2019_0001


def seed(people: int, capacity: int) -> tuple[int, list[str]]:
    """One offering, emptied; `people` accounts with a fresh session each."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    from cyberweek.accounts.models import User
    from cyberweek.tickets.models import Offering, Registration

    starts = timezone.now() + timedelta(days=30)
    offering, _ = Offering.objects.update_or_create(
        source=Offering.Source.EVENT,
        source_id=SOURCE_ID,
        defaults={
            "title": "开幕式（压力测试）",
            "starts_at": starts,
            "ends_at": starts + timedelta(hours=3),
            "capacity": capacity,
            "is_open": True,
        },
    )
    Registration.objects.filter(offering=offering).delete()
    Offering.objects.filter(pk=offering.pk).update(
        confirmed_seats=0, waitlisted_seats=0, checked_in_seats=0, last_position=0
    )
    # The bench's own database holds only its people (names are encrypted: no filter).
    existing = User.objects.count()
    if existing < people:
        template = User(email="template@example.org")
        template.set_password(secrets.token_urlsafe(16))
        User.objects.bulk_create(
            [
                User(
                    email=f"rush{n}@example.org",
                    password=template.password,
                    verified_at=timezone.now(),
                )
                for n in range(existing, people)
            ],
            batch_size=1000,
        )
    users = list(User.objects.order_by("pk")[:people])
    Session.objects.all().delete()
    expires = timezone.now() + timedelta(hours=2)
    sessions, keys = [], []
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
        keys.append(key)
    Session.objects.bulk_create(sessions, batch_size=1000)
    return offering.pk, keys


async def registration_rush(base, offering_id, sessions, *, concurrency, limit_s) -> dict:
    import httpx

    csrf = secrets.token_hex(16)  # any 32-character token, the same in cookie and header
    url = f"/api/tickets/offerings/{offering_id}/registrations"
    latencies, statuses = [], {}
    queue = list(reversed(sessions))
    deadline = time.monotonic() + limit_s
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as client:

        async def worker():
            while queue and time.monotonic() < deadline:
                session = queue.pop()
                started = time.perf_counter()
                response = await client.post(
                    url,
                    content=b"{}",
                    headers={
                        "Content-Type": "application/json",
                        "X-CSRFToken": csrf,
                        "Cookie": f"sessionid={session}; csrftoken={csrf}",
                    },
                )
                latencies.append(time.perf_counter() - started)
                statuses[response.status_code] = statuses.get(response.status_code, 0) + 1

        started = time.monotonic()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.monotonic() - started
    return {"rps": len(latencies) / elapsed, "latencies": latencies, "statuses": statuses}


def verify(offering_id, capacity) -> dict:
    from django.db.models import Sum

    from cyberweek.tickets.models import Offering, Registration

    offering = Offering.objects.get(pk=offering_id)
    rows = Registration.objects.filter(offering_id=offering_id)
    confirmed = rows.filter(status="confirmed").aggregate(n=Sum("seats"))["n"] or 0
    waiting = list(
        rows.filter(status="waitlisted").order_by("position").values_list("position", flat=True)
    )
    positions = list(rows.order_by("position").values_list("position", flat=True))
    return {
        "confirmed": confirmed,
        "counter": offering.confirmed_seats,
        "waitlisted": len(waiting),
        "oversold": max(0, confirmed - capacity, offering.confirmed_seats - capacity),
        "gapless": positions == list(range(1, len(positions) + 1)),
        "waitlist_after_confirmed": not waiting or waiting[0] > confirmed,
    }


def clean_broker():
    import redis

    client = redis.Redis.from_url(REDIS)
    client.delete("celery", *client.keys("_kombu.binding.*"))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=3000)
    parser.add_argument("--capacity", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=32, help="requests in flight")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--trivial-seconds", type=float, default=10.0)
    parser.add_argument("--limit-seconds", type=float, default=240.0, help="cap on the rush")
    args = parser.parse_args()

    env = production_environment(WORK, database=DB_NAME, redis_db=REDIS_DB, prefix="bench-tickets")
    os.environ.update(env)
    prepare_django(env, DB_NAME)
    offering_id, sessions = seed(args.people, args.capacity)
    print(f"seeded {len(sessions)} people with sessions; offering {offering_id}", flush=True)

    from django.db import connection

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
        rush = asyncio.run(
            registration_rush(
                base,
                offering_id,
                sessions,
                concurrency=args.concurrency,
                limit_s=args.limit_seconds,
            )
        )
    finally:
        stop_server(server)
        clean_broker()
    if trivial["failures"]:
        sys.exit(f"the trivial page failed {len(trivial['failures'])} times")
    checked = verify(offering_id, args.capacity)
    lat = [x * 1000 for x in rush["latencies"]]
    base_lat = [x * 1000 for x in trivial["latencies"]]
    print(
        f"trivial page: {trivial['rps']:.0f} req/s, p50 {percentile(base_lat, 0.5):.1f} ms, "
        f"p99 {percentile(base_lat, 0.99):.1f} ms"
    )
    print(
        f"registrations: {len(lat)} in {len(lat) / rush['rps']:.1f} s = {rush['rps']:.0f}/s, "
        f"p50 {percentile(lat, 0.5):.1f} ms, p99 {percentile(lat, 0.99):.1f} ms, "
        f"statuses {rush['statuses']}"
    )
    print(
        f"database: {checked['confirmed']} seats confirmed of {args.capacity} (counter "
        f"{checked['counter']}), {checked['waitlisted']} waitlisted, positions gapless: "
        f"{checked['gapless']}, waiting list after the confirmed: "
        f"{checked['waitlist_after_confirmed']}"
    )
    ratio = rush["rps"] / trivial["rps"]
    print(
        f"bench tickets: oversold={checked['oversold']} regs_per_s={rush['rps']:.0f} "
        f"ratio={ratio:.2f} p99_ms={percentile(lat, 0.99):.0f}"
    )
    ok = (
        checked["oversold"] == 0 and checked["gapless"] and rush["statuses"].get(201, 0) == len(lat)
    )
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
