"""Registration under a rush: thousands of people press "Register" for one event at once.

    python bench/tickets.py                      # 3,000 people for 2,000 seats
    python bench/tickets.py --people 1500 --capacity 1000 --concurrency 24

What it does: creates (or reuses) the database `cyberweek_tickets_bench` on
127.0.0.1:5432, migrates it, seeds one offering and `--people` accounts, each with a
signed-in session written straight to the session table (no password round trips), starts
gunicorn with production settings (CYBERWEEK_ENV=production, Redis cache and Celery broker
on Redis database 14) on a free loopback port, and drives it with wrk (Debian's load client
in C, with the requests in bench/tickets_load.lua) keeping `--concurrency` requests in
flight:

1. the trivial page of the same server (`/tickets/public-key`: no database) for
   `--trivial-seconds`, the baseline;
2. every person's `POST /api/tickets/offerings/{id}/registrations`, once each, all at once.

Why wrk: the asyncio client (httpx) used before ran on the same two cores and spent more
of them per request than the server's trivial page, which it capped at about a quarter of
what the server serves (bench/ctf.py found 400–600 requests/s against about 2,000 with
wrk); the ratio against that baseline came out flattered. `apt-get install wrk` before
running this.

wrk sends requests for a duration, not a number of them: the people's sessions go to a
file that the script walks once, in order; once none is left a connection sends nothing
more, and the last answer stops wrk (`-d` is `--limit-seconds`, only a cap). So wrk's
count, duration and latency histogram are the registrations' alone: `regs_per_s` is the
registrations over wrk's run, which ends with the last answer, and `p99_ms` is theirs.

It then counts in the database the seats confirmed (oversold = confirmed - capacity, when
positive), checks that the waiting list is numbered without gaps in arrival order, and
stops the server however the run ends. wrk's script counts statuses, not whom each
answers: the run fails unless the 201s (confirmed or waitlisted) are as many as the people
(before, only every answer received had to be a 201, so a rush cut short by
`--limit-seconds` passed), or on a socket error or a trivial page not answered 200. The
confirmation mails are queued for Celery; the bench removes its queue from Redis
afterwards.

The last line is

    bench tickets: oversold=<n> regs_per_s=<n> ratio=<ours / trivial> p99_ms=<n>
"""

import argparse
import os
import secrets
import sys
from datetime import timedelta
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

WORK = REPO / "var" / "bench-tickets"
LUA = Path(__file__).with_name("tickets_load.lua")
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


def write_load_data(offering_id, sessions) -> Path:
    """What bench/tickets_load.lua reads: the registrations path, then a line a person."""
    path = WORK / "registrations.txt"
    lines = [f"/api/tickets/offerings/{offering_id}/registrations", *sessions]
    path.write_text("\n".join(lines) + "\n")
    return path


def wrk(port, mode, connections, seconds, data=None):
    """One wrk run of `mode` (see bench/tickets_load.lua), started."""
    return start_wrk(LUA, port, connections, seconds, (mode, data) if data else (mode,))


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
    parser.add_argument("--trivial-seconds", type=int, default=10)
    parser.add_argument("--limit-seconds", type=int, default=240, help="cap on the rush")
    args = parser.parse_args()
    need_wrk("bench/tickets.py")

    env = production_environment(WORK, database=DB_NAME, redis_db=REDIS_DB, prefix="bench-tickets")
    os.environ.update(env)
    prepare_django(env, DB_NAME)
    offering_id, sessions = seed(args.people, args.capacity)
    print(f"seeded {len(sessions)} people with sessions; offering {offering_id}", flush=True)

    from django.db import connection

    connection.close()
    data = write_load_data(offering_id, sessions)
    port = free_port()
    server = start_gunicorn(
        env, port, health_path=TRIVIAL, args=["-w", str(args.workers), "--backlog", "2048"]
    )
    c = args.concurrency
    try:
        trivial = wrk_result(wrk(port, "trivial", c, args.trivial_seconds))
        rush = wrk_result(wrk(port, "rush", c, args.limit_seconds, data))
    finally:
        stop_server(server)
        clean_broker()
    checked = verify(offering_id, args.capacity)
    print(describe("trivial page", trivial))
    print(describe(f"registrations ({rush['requests']} in {rush['seconds']:.1f} s)", rush))
    print(
        f"database: {checked['confirmed']} seats confirmed of {args.capacity} (counter "
        f"{checked['counter']}), {checked['waitlisted']} waitlisted, positions gapless: "
        f"{checked['gapless']}, waiting list after the confirmed: "
        f"{checked['waitlist_after_confirmed']}"
    )
    print(
        f"bench tickets: oversold={checked['oversold']} regs_per_s={rush['rps']:.0f} "
        f"ratio={rush['rps'] / trivial['rps']:.2f} p99_ms={rush['p99_ms']:.0f}"
    )
    failed = sum(n for code, n in trivial["statuses"].items() if code != "200")
    failed += trivial["errors"] + rush["errors"]
    everyone = rush["statuses"].get("201", 0) == len(sessions)
    sys.exit(0 if checked["oversold"] == failed == 0 and checked["gapless"] and everyone else 1)


if __name__ == "__main__":
    main()
