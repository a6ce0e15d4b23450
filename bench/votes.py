"""A public-voting burst: thousands of verified voters vote for a few hot entries at once,
each pressing "Vote" twice for every entry.

    python bench/votes.py                          # 3,000 voters, 3 hot entries
    python bench/votes.py --voters 500 --concurrency 16

What it does: creates (or reuses) the database `cyberweek_votes_bench` on 127.0.0.1:5432,
migrates it, seeds one contest with voting open, `--entries` accepted entries and
`--voters` accounts, each with a verified mobile number and a signed-in session written
straight to the session table, starts gunicorn with production settings (Redis cache on
database 4) on a free loopback port, and drives it with wrk (Debian's load client in C,
with the requests in bench/votes_load.lua) keeping `--concurrency` requests in flight:

1. the trivial page of the same server (`/healthz`) for `--trivial-seconds`, the baseline;
2. every voter's `POST /api/showcase/entries/{ref}/vote`, `--repeats` times for each hot
   entry, the requests shuffled so that a voter's repeats race each other.

Why wrk: the asyncio client (httpx) used before ran on the same two cores and spent more
of them per request than the server's trivial page, which it capped at about a quarter of
what the server serves (bench/ctf.py found 400–600 requests/s against about 2,000 with
wrk); the ratio against that baseline came out flattered. `apt-get install wrk` before
running this.

wrk sends requests for a duration, not a number of them: the shuffled votes go to a file
that the script walks once, in order; once none is left a connection sends nothing more,
and the last answer stops wrk (`-d` is `--limit-seconds`, only a cap). So wrk's count,
duration and latency histogram are the votes' alone, with no padding requests: votes/s is
the votes over wrk's run, which ends with the last answer, and `p99_ms` is theirs.

It then counts in the database: `double` = rows beyond one per voter, entry and day;
`lost` = 201 answers beyond the voter-entry pairs that have a row. wrk's script sees a
status but not which request it answers, so 201s are counted, not tied to pairs: a second
201 for a pair with one row (a double vote accepted) shows here as `lost`, since counts
cannot tell it from a 201 with no row behind it; either fails the run. The last line is

    bench votes: vote_ratio=<vote rps / trivial rps> p99_ms=<n> double=<n> lost=<n>
"""

import argparse
import os
import random
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

WORK = REPO / "var" / "bench-votes"
LUA = Path(__file__).with_name("votes_load.lua")
DB_NAME = "cyberweek_votes_bench"
REDIS_DB = 4
TRIVIAL = "/healthz"
SLUG = "bench-votes"


def seed(voters: int, entries: int) -> tuple[list[str], list[str]]:
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
    return refs[:entries], keys


def write_load_data(jobs) -> Path:
    """What bench/votes_load.lua reads: a line a vote, in the order to send them."""
    path = WORK / "votes.tsv"
    path.write_text("".join(f"{session}\t{ref}\n" for session, ref in jobs))
    return path


def wrk(port, mode, connections, seconds, data=None):
    """One wrk run of `mode` (see bench/votes_load.lua), started."""
    return start_wrk(LUA, port, connections, seconds, (mode, data) if data else (mode,))


def count(created: int) -> dict:
    """The database's votes against the 201 answers (`created`): see the docstring."""
    from django.db.models import Count

    from cyberweek.showcase.models import Vote

    pairs = Vote.objects.values("voter_id", "entry_id").distinct().count()
    duplicate_rows = (
        Vote.objects.values("voter_id", "entry_id", "day")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .count()
    )
    return {"rows": pairs, "double": duplicate_rows, "lost": max(0, created - pairs)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--voters", type=int, default=3000)
    parser.add_argument("--entries", type=int, default=3, help="hot entries")
    parser.add_argument("--repeats", type=int, default=2, help="presses per voter and entry")
    parser.add_argument("--concurrency", type=int, default=32, help="requests in flight")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--trivial-seconds", type=int, default=10)
    parser.add_argument("--limit-seconds", type=int, default=300, help="cap on the burst")
    parser.add_argument("--redis-db", type=int, default=REDIS_DB, help="Redis database (emptied)")
    args = parser.parse_args()
    need_wrk("bench/votes.py")

    env = production_environment(
        WORK, database=DB_NAME, redis_db=args.redis_db, prefix="bench-votes"
    )
    # This checkout's code, not whichever one the virtualenv was installed from.
    env["PYTHONPATH"] = str(REPO / "src")
    os.environ.update(env)
    prepare_django(env, DB_NAME)
    refs, sessions = seed(args.voters, args.entries)
    print(f"seeded {len(sessions)} verified voters, {len(refs)} hot entries", flush=True)
    from django.core.cache import cache
    from django.db import connection

    cache.clear()  # the bench's own Redis database: last run's vote marks go
    connection.close()
    jobs = [(s, ref) for s in sessions for ref in refs for _ in range(args.repeats)]
    random.Random(19).shuffle(jobs)
    data = write_load_data(jobs)
    port = free_port()
    server = start_gunicorn(
        env, port, health_path=TRIVIAL, args=["-w", str(args.workers), "--backlog", "2048"]
    )
    c = args.concurrency
    try:
        trivial = wrk_result(wrk(port, "trivial", c, args.trivial_seconds))
        votes = wrk_result(wrk(port, "votes", c, args.limit_seconds, data))
    finally:
        stop_server(server)
    created = votes["statuses"].get("201", 0)
    checked = count(created)
    print(describe("trivial page", trivial))
    print(describe(f"votes ({votes['requests']} in {votes['seconds']:.1f} s)", votes))
    expected = len(sessions) * len(refs)
    print(
        f"database: {checked['rows']} voter-entry pairs voted of {expected}, {created} answered 201"
    )
    print(
        f"bench votes: vote_ratio={votes['rps'] / trivial['rps']:.2f} "
        f"p99_ms={votes['p99_ms']:.0f} double={checked['double']} lost={checked['lost']}"
    )
    failed = sum(n for code, n in trivial["statuses"].items() if code != "200")
    failed += sum(n for code, n in votes["statuses"].items() if int(code) >= 500)
    failed += trivial["errors"] + votes["errors"]
    complete = votes["requests"] == len(jobs) and checked["rows"] == expected
    sys.exit(0 if checked["double"] == checked["lost"] == failed == 0 and complete else 1)


if __name__ == "__main__":
    main()
