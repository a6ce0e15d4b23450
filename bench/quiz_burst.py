"""The knowledge contest opening: thousands of participants start, answer and submit at once.

    python bench/quiz_burst.py                       # 2000 participants, about 2 minutes
    python bench/quiz_burst.py --participants 300    # a quick look

Against PostgreSQL (127.0.0.1:5432, its own database `cyberweek_quiz_bench`, created and
dropped here) and Redis (127.0.0.1:6379, keys under a prefix of this run, removed after),
with the production settings, served by gunicorn (gthread workers) on 127.0.0.1. The
participants are made in bulk with sessions written straight to the session
table, so the run measures the contest, not password hashing. An asyncio HTTP/1.1 client
(raw streams, keep-alive, no extra package) drives them with bounded concurrency:

1. the contest in three waves, as it comes when a contest opens: every participant starts
   an attempt (POST, session cookie and CSRF token); then every participant answers its
   20 questions (PUT each, with the attempt's answer token, as an app sends them); then
   every participant submits (POST, session cookie and CSRF token). Each wave is timed on
   its own, so the requests/s of each is that endpoint's own throughput;
2. the trivial JSON view of the same server (GET /api/quiz/time: no database), the
   baseline, is measured at the same concurrency in short slices between the parts of the
   answer wave (`--parts`, 20 by default, and after the last): on a shared machine whose
   speed drifts, both sides of the ratio are then measured in the same minutes;
3. every answer the server acknowledged (200) is looked up in the database.

It also reads the CPU time the web processes, PostgreSQL, Redis and this client used in
each phase (/proc), and prints the CPU per trivial and per answer request and their ratio.
Unlike requests/s, that leaves out the time the host gives to other machines (steal), so
it is the steadier figure from run to run on a shared machine.

Per-account rate limits stay on; the per-address limits are raised for the run (in a
settings module that extends the production one), because every simulated participant
comes from 127.0.0.1. The last line is

    bench quiz: answer_ratio=<answer rps / trivial rps> answer_p99_ms=<n> submit_p99_ms=<n>
                lost=<n> participants=<n>

(on one line).
"""

import argparse
import asyncio
import base64
import contextlib
import json
import os
import random
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
PYTHON = str(REPO / ".venv" / "bin" / "python")
GUNICORN = str(REPO / ".venv" / "bin" / "gunicorn")
DB_NAME = "cyberweek_quiz_bench"
PG = "postgres://postgres@127.0.0.1:5432"
REDIS_URL = "redis://127.0.0.1:6379/0"

SETTINGS_MODULE = """
from cyberweek.settings import *  # noqa: F403

# Every simulated participant comes from 127.0.0.1: only the per-address limits are raised.
QUIZ_RATE_LIMITS = {
    "start": (20, 10**9),
    "answer": (120, 10**9),
    "submit": (20, 10**9),
    "certificate": (20, 10**9),
}
"""


# --- The HTTP client -----------------------------------------------------------------------
class Connection:
    """One keep-alive HTTP/1.1 connection, enough for this server's JSON replies."""

    def __init__(self, host, port, cookies: str = "", csrf: str = "", bearer: str = ""):
        self.host, self.port, self.cookies, self.csrf = host, port, cookies, csrf
        self.bearer = bearer
        self.reader = self.writer = None

    async def _open(self):
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)

    async def request(self, method: str, path: str, body: dict | None = None):
        if self.writer is None:
            await self._open()
        payload = json.dumps(body).encode() if body is not None else b""
        head = [
            f"{method} {path} HTTP/1.1",
            f"Host: {self.host}:{self.port}",
            "Accept: application/json",
            "Connection: keep-alive",
        ]
        if self.cookies:
            head.append(f"Cookie: {self.cookies}")
        if self.bearer:
            head.append(f"Authorization: Bearer {self.bearer}")
        if self.csrf and method != "GET":
            head.append(f"X-CSRFToken: {self.csrf}")
        if method != "GET":
            head += [
                "Content-Type: application/json",
                f"Content-Length: {len(payload)}",
            ]
        self.writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + payload)
        await self.writer.drain()
        status_line = await self.reader.readline()
        if not status_line:
            raise ConnectionError("closed by the server")
        status = int(status_line.split()[1])
        length, close = 0, False
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b"\n", b""):
                break
            name, _sep, value = line.decode("latin-1").partition(":")
            name = name.strip().lower()
            if name == "content-length":
                length = int(value)
            elif name == "connection" and value.strip().lower() == "close":
                close = True
        data = await self.reader.readexactly(length) if length else b""
        if close:
            await self.close()
        return status, data

    async def close(self):
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(OSError):
                await self.writer.wait_closed()
        self.reader = self.writer = None


class Timings:
    def __init__(self):
        self.samples: dict[str, list[float]] = {}
        self.errors: dict[str, dict[int, int]] = {}

    def add(self, kind, seconds, status):
        if 200 <= status < 300:
            self.samples.setdefault(kind, []).append(seconds)
        else:
            self.errors.setdefault(kind, {}).setdefault(status, 0)
            self.errors[kind][status] += 1

    def pct(self, kind, q):
        values = sorted(self.samples.get(kind, []))
        if not values:
            return float("nan")
        return values[min(len(values) - 1, int(q * len(values)))] * 1000

    def count(self, kind):
        return len(self.samples.get(kind, []))


async def timed(conn, timings, kind, method, path, body=None):
    started = time.perf_counter()
    try:
        status, data = await asyncio.wait_for(conn.request(method, path, body), timeout=15)
    except (TimeoutError, OSError, ConnectionError, asyncio.IncompleteReadError):
        await conn.close()
        timings.add(kind, time.perf_counter() - started, 599)
        return 599, b""
    timings.add(kind, time.perf_counter() - started, status)
    return status, data


async def trivial_phase(host, port, concurrency, seconds, timings=None):
    timings = timings or Timings()
    stop = time.perf_counter() + seconds

    async def worker():
        conn = Connection(host, port)
        while time.perf_counter() < stop:
            await timed(conn, timings, "trivial", "GET", "/api/quiz/time")
        await conn.close()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return timings, time.perf_counter() - started


def cpu_seconds(server_group: int) -> dict:
    """CPU time used so far by each process of the web server, PostgreSQL and Redis, and by
    this client: {pid: (kind, seconds)}. Unlike requests/s, it leaves out the time the host
    gives to other machines (steal), which on a shared machine changes from second to
    second."""
    tick = os.sysconf("SC_CLK_TCK")
    used = {}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/stat") as stat:
                name, fields = stat.read().rsplit(")", 1)
        except OSError:
            continue
        fields = fields.split()
        # fields[2] is the process group, [11] and [12] the user and system time in ticks
        if int(fields[2]) == server_group:
            kind = "web"
        elif name.endswith("(postgres"):
            kind = "postgres"
        elif name.endswith("(redis-server"):
            kind = "redis"
        else:
            continue
        used[pid] = (kind, (int(fields[11]) + int(fields[12])) / tick)
    mine = os.times()
    used["client"] = ("client", mine.user + mine.system)
    return used


def add_cpu(total: dict, before: dict, after: dict) -> None:
    """Add each kind's CPU time between two readings (a process that started in between
    counts from zero; one that ended in between is lost, which a database connection
    kept open for the run is not)."""
    for pid, (kind, seconds) in after.items():
        earlier = before.get(pid, (kind, 0.0))[1]
        total[kind] = total.get(kind, 0.0) + seconds - earlier


async def contest_phase(
    host, port, people, slug, concurrency, limit_seconds, trivial_seconds, parts, server_group
):
    """The opening as it comes: everyone starts at once, then everyone answers, then
    everyone submits. Each wave is timed on its own, so each endpoint's requests/s is its
    own throughput at this concurrency, not a share of a mix. The trivial view is measured
    in slices around the parts of the answer wave."""
    timings = Timings()
    trivial = Timings()
    walls = {"answer": 0.0, "trivial": 0.0}
    cpu = {"answer": {}, "trivial": {}}
    acknowledged = []  # (attempt id, position, chosen)
    deadline = time.perf_counter() + limit_seconds
    rng = random.Random(2019)
    papers = {}  # (session key, csrf token) -> the paper as started

    async def trivial_slice():
        before = cpu_seconds(server_group)
        _timings, wall = await trivial_phase(
            host, port, concurrency, trivial_seconds / (parts + 1), trivial
        )
        walls["trivial"] += wall
        add_cpu(cpu["trivial"], before, cpu_seconds(server_group))

    async def wave(kind, items, step):
        queue = asyncio.Queue()
        for item in items:
            queue.put_nowait(item)

        async def worker():
            while time.perf_counter() < deadline:
                try:
                    item = queue.get_nowait()
                except asyncio.QueueEmpty:
                    return
                await step(item)

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        walls[kind] = walls.get(kind, 0.0) + time.perf_counter() - started

    def signed_in(person):
        session_key, csrf = person
        return Connection(host, port, f"sessionid={session_key}; csrftoken={csrf}", csrf)

    async def start(person):
        conn = signed_in(person)
        path = f"/api/quiz/contests/{slug}/attempts"
        status, data = await timed(conn, timings, "start", "POST", path)
        if status in (200, 201):
            papers[person] = json.loads(data)
        await conn.close()

    async def answer_all(person):
        # A participant's own connection, answering with the attempt's token (what an
        # app does): no cookie on these requests.
        paper = papers[person]
        conn = Connection(host, port, bearer=paper["answer_token"])
        attempt = paper["id"]
        for question in paper["questions"]:
            if time.perf_counter() > deadline:
                break
            keys = [o["key"] for o in question["options"]]
            chosen = (
                [rng.choice(keys)]
                if question["kind"] != "multiple"
                else sorted(rng.sample(keys, 2))
            )
            path = f"/api/quiz/attempts/{attempt}/answers/{question['position']}"
            status, _data = await timed(conn, timings, "answer", "PUT", path, {"chosen": chosen})
            if status == 200:
                acknowledged.append((attempt, question["position"], chosen))
        await conn.close()

    async def submit(person):
        conn = signed_in(person)
        await timed(
            conn, timings, "submit", "POST", f"/api/quiz/attempts/{papers[person]['id']}/submit"
        )
        await conn.close()

    await wave("start", people, start)
    answering = list(papers)
    size = -(-len(answering) // parts)
    for i in range(0, len(answering), size):
        await trivial_slice()
        before = cpu_seconds(server_group)
        await wave("answer", answering[i : i + size], answer_all)
        add_cpu(cpu["answer"], before, cpu_seconds(server_group))
    await trivial_slice()
    await wave("submit", list(papers), submit)
    return timings, trivial, acknowledged, walls, cpu


# --- Setting up and tearing down -----------------------------------------------------------
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def recreate_database():
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DB_NAME}"')


def drop_database():
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')


def environment(settings_dir: str, prefix: str, conn_max_age: int) -> dict:
    from cyberweek.core.crypto import new_key_ring_spec

    return {
        **os.environ,
        "CYBERWEEK_ENV": "production",
        "DJANGO_SETTINGS_MODULE": "quiz_bench_settings",
        "PYTHONPATH": os.pathsep.join([settings_dir, str(REPO / "src")]),
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"{PG}/{DB_NAME}",
        "REDIS_URL": REDIS_URL,
        "CACHE_KEY_PREFIX": prefix,
        "CYBERWEEK_KEYS": json.dumps(new_key_ring_spec()),
        # Production also wants the tickets' signing key (a raw Ed25519 seed, base64).
        "TICKET_SIGNING_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
        "SMS_SENDER": "cyberweek.accounts.delivery.ConsoleSmsSender",
        "SECURE_SSL_REDIRECT": "false",
        "DB_CONN_MAX_AGE": str(conn_max_age),
        "LOG_LEVEL": "WARNING",
    }


def seed(count: int):
    """The 2019 edition, the demo bank and contest, and `count` signed-in participants."""
    from datetime import date, timedelta

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.hashers import make_password
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    from cyberweek.accounts.models import OrganiserRole, User
    from cyberweek.geo.models import Region, Sector
    from cyberweek.programme.models import Edition
    from cyberweek.quiz import demo
    from cyberweek.quiz.models import Entry

    country = Region.objects.create(code="100000", name="中国", level="country", path="/")
    national = User.objects.create_user("national@example.org")
    OrganiserRole.objects.create(user=national, level="national", region=country)
    Edition.objects.create(
        year=2019,
        slug="2019",
        theme="网络安全为人民，网络安全靠人民",
        host_city="天津",
        starts_on=date(2019, 9, 16),
        ends_on=date(2019, 9, 22),
        is_published=True,
    )
    contest = demo.load(national)
    unusable = make_password(None)
    users = User.objects.bulk_create(
        [
            User(email=f"bench{i}@example.org", password=unusable, verified_at=timezone.now())
            for i in range(count)
        ],
        batch_size=1000,
    )
    sectors = Sector.values
    Entry.objects.bulk_create(
        [
            Entry(contest=contest, user=u, display_name=f"参赛者{u.pk}", sector=sectors[u.pk % 9])
            for u in users
        ],
        batch_size=1000,
    )
    store = SessionStore()
    expires = timezone.now() + timedelta(days=1)
    people, sessions = [], []
    backend = settings.AUTHENTICATION_BACKENDS[0]
    for user in users:
        key = secrets.token_hex(16)
        data = {
            SESSION_KEY: str(user.pk),
            BACKEND_SESSION_KEY: backend,
            HASH_SESSION_KEY: user.get_session_auth_hash(),
        }
        sessions.append(
            Session(session_key=key, session_data=store.encode(data), expire_date=expires)
        )
        people.append((key, secrets.token_hex(16)))
    Session.objects.bulk_create(sessions, batch_size=1000)
    return contest.slug, people


def lost_answers(acknowledged) -> int:
    from cyberweek.quiz.models import Answer, PaperItem

    attempt_ids = {a for a, _p, _c in acknowledged}
    question_at = {
        (a, p): q
        for a, p, q in PaperItem.objects.filter(attempt_id__in=attempt_ids).values_list(
            "attempt_id", "position", "question_id"
        )
    }
    stored = {
        (a, q): chosen
        for a, q, chosen in Answer.objects.filter(attempt_id__in=attempt_ids).values_list(
            "attempt_id", "question_id", "chosen"
        )
    }
    return sum(
        1
        for attempt, position, chosen in acknowledged
        if stored.get((attempt, question_at.get((attempt, position)))) != sorted(chosen)
    )


def wait_until_up(port, process, seconds=60):
    stop = time.time() + seconds
    while time.time() < stop:
        if process.poll() is not None:
            raise SystemExit("gunicorn exited during start-up")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
                sock.sendall(
                    b"GET /api/quiz/time HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
                )
                if sock.recv(20).startswith(b"HTTP/1.1 200"):
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise SystemExit("gunicorn did not answer within a minute")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--participants", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=12, help="participants at once")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=6, help="threads per worker")
    parser.add_argument("--worker-class", default="gthread", help="gunicorn worker class")
    parser.add_argument("--conn-max-age", type=int, default=60, help="DB_CONN_MAX_AGE")
    parser.add_argument("--trivial-seconds", type=float, default=18, help="in all, over the slices")
    parser.add_argument(
        "--parts",
        type=int,
        default=20,
        help="parts of the answer wave, with a slice of the trivial view around each",
    )
    parser.add_argument("--limit-seconds", type=float, default=420, help="cap on the contest phase")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--cached-sessions",
        action="store_true",
        help="SESSION_ENGINE=cached_db (sessions read from Redis), to measure what it saves",
    )
    args = parser.parse_args()

    prefix = f"quizbench{os.getpid()}"
    settings_dir = tempfile.mkdtemp(prefix="quiz-bench-")
    module = SETTINGS_MODULE
    if args.cached_sessions:
        module += 'SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"\n'
    Path(settings_dir, "quiz_bench_settings.py").write_text(module)
    env = environment(settings_dir, prefix, args.conn_max_age)
    os.environ.update({k: v for k, v in env.items() if k != "PYTHONPATH"})
    sys.path.insert(0, settings_dir)

    print(f"database {DB_NAME}: creating and migrating", flush=True)
    recreate_database()
    subprocess.run(
        [PYTHON, "-m", "cyberweek", "migrate", "--no-input", "-v", "0"], env=env, check=True
    )
    import django

    django.setup()
    from django.db import connection

    t0 = time.perf_counter()
    slug, people = seed(args.participants)
    connection.close()
    print(f"seeded {len(people)} participants in {time.perf_counter() - t0:.1f} s", flush=True)

    port = free_port()
    server = subprocess.Popen(
        [
            GUNICORN,
            "cyberweek.wsgi",
            "-k",
            args.worker_class,
            "-w",
            str(args.workers),
            "--threads",
            str(args.threads),
            "-b",
            f"127.0.0.1:{port}",
            "--keep-alive",
            "30",
            "--log-level",
            "warning",
        ],
        env=env,
        start_new_session=True,
    )
    try:
        wait_until_up(port, server)
        print(
            f"gunicorn {args.worker_class}: {args.workers} workers x {args.threads} threads; "
            f"client concurrency {args.concurrency}; DB_CONN_MAX_AGE={args.conn_max_age}; "
            f"sessions {'cached_db' if args.cached_sessions else 'db'}",
            flush=True,
        )
        timings, trivial, acknowledged, walls, cpu = asyncio.run(
            contest_phase(
                "127.0.0.1",
                port,
                people,
                slug,
                args.concurrency,
                args.limit_seconds,
                args.trivial_seconds,
                args.parts,
                server.pid,
            )
        )
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)

    lost = lost_answers(acknowledged)
    finished = timings.count("submit")
    connection.close()
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
    for i in range(0, len(keys), 1000):
        client.delete(*keys[i : i + 1000])
    if not args.keep:
        drop_database()

    trivial_rps = trivial.count("trivial") / walls.pop("trivial")
    rps = {kind: timings.count(kind) / wall for kind, wall in walls.items()}
    wall = sum(walls.values())
    all_rps = sum(timings.count(k) for k in ("start", "answer", "submit")) / wall
    print(
        f"trivial GET /api/quiz/time (between the answer parts): {trivial_rps:7.0f} req/s  "
        f"p50 {trivial.pct('trivial', 0.5):6.1f} ms  p99 {trivial.pct('trivial', 0.99):6.1f} ms"
    )
    for kind in ("start", "answer", "submit"):
        print(
            f"{kind:>6}: {timings.count(kind):6d} ok  {rps[kind]:7.0f} req/s  "
            f"p50 {timings.pct(kind, 0.5):6.1f} ms  p99 {timings.pct(kind, 0.99):6.1f} ms  "
            f"errors {timings.errors.get(kind, {})}"
        )
    print(f"contest phase: {wall:.1f} s, {all_rps:.0f} req/s overall, {finished} submitted")
    per_request = {
        kind: {part: seconds * 1000 / max(1, count) for part, seconds in cpu[kind].items()}
        for kind, count in (
            ("trivial", trivial.count("trivial")),
            ("answer", timings.count("answer")),
        )
    }
    for kind, parts in per_request.items():
        print(
            f"CPU per {kind:>7} request: {sum(parts.values()):.2f} ms ("
            + ", ".join(f"{part} {ms:.2f}" for part, ms in parts.items())
            + ")"
        )
    print(
        "CPU-time ratio (trivial/answer, steal excluded): "
        f"{sum(per_request['trivial'].values()) / sum(per_request['answer'].values()):.2f}"
    )
    print(f"acknowledged answers: {len(acknowledged)}, missing from the database: {lost}")
    print(
        f"bench quiz: answer_ratio={rps['answer'] / trivial_rps:.2f} "
        f"answer_p99_ms={timings.pct('answer', 0.99):.0f} "
        f"submit_p99_ms={timings.pct('submit', 0.99):.0f} lost={lost} participants={finished}"
    )


if __name__ == "__main__":
    main()
