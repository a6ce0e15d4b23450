"""What the benchmarks share: a production-like server of our own on loopback.

Not a benchmark itself (`make bench` skips files starting with `_`). Each bench uses its own
PostgreSQL database, Redis database and key files under var/, and stops its server.
"""

import base64
import http.client
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BIN = REPO / ".venv" / "bin"
PG = "postgres://postgres@127.0.0.1:5432"


def _secret_file(path: Path, make) -> str:
    """A key kept between runs (0600), so a re-seeded database still decrypts."""
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(make())
    return path.read_text()


def production_environment(work: Path, *, database: str, redis_db: int, prefix: str) -> dict:
    """Environment for `cyberweek` and gunicorn with CYBERWEEK_ENV=production."""
    work.mkdir(parents=True, exist_ok=True)
    sys.path.insert(0, str(REPO / "src"))
    from cyberweek.core.crypto import new_key_ring_spec

    keys = _secret_file(work / "keys.json", lambda: json.dumps(new_key_ring_spec()))
    ticket_key = _secret_file(
        work / "ticket-key.b64", lambda: base64.b64encode(secrets.token_bytes(32)).decode()
    )
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO", "CYBERWEEK"))},
        "CYBERWEEK_ENV": "production",
        "DJANGO_SETTINGS_MODULE": "cyberweek.settings",
        "SECRET_KEY": f"bench-only-{prefix}-" + "x" * 50,
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"{PG}/{database}",
        "REDIS_URL": f"redis://127.0.0.1:6379/{redis_db}",
        "CACHE_KEY_PREFIX": prefix,
        "CYBERWEEK_KEYS": keys,
        "TICKET_SIGNING_KEY": ticket_key,
        "SMS_SENDER": "cyberweek.accounts.delivery.ConsoleSmsSender",
        "SECURE_SSL_REDIRECT": "false",
        "STATIC_ROOT": str(work / "static"),
        "MEDIA_ROOT": str(work / "media"),
        "CYBERWEEK_VAR_DIR": str(work),
        "EMAIL_URL": "dummymail://",
        "LOG_LEVEL": "WARNING",
        "DB_CONN_MAX_AGE": "600",
    }


def run_cyberweek(env, *args):
    result = subprocess.run(
        [str(BIN / "cyberweek"), *args], env=env, capture_output=True, text=True, timeout=600
    )
    if result.returncode != 0:
        sys.exit(f"cyberweek {' '.join(args)} failed:\n{result.stderr[-2000:]}")


def create_database(name: str):
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f"CREATE DATABASE {name}")


def prepare_django(env: dict, database: str) -> None:
    """The bench's database created and migrated, static files collected, and Django set up
    in this process with the same production environment as the server."""
    os.environ.update(env)
    create_database(database)
    print("migrating …", flush=True)
    run_cyberweek(env, "migrate", "--noinput")
    run_cyberweek(env, "collectstatic", "--noinput")
    import django

    django.setup()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_gunicorn(env, port: int, *, health_path: str, args=()):
    """gunicorn on 127.0.0.1:`port`, returned once `health_path` answers 200."""
    process = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "cyberweek.wsgi",
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            *args,
        ],
        env=env,
        cwd=REPO,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", health_path)
            if connection.getresponse().status == 200:
                return process
        except OSError:
            time.sleep(0.3)
    stop_server(process)
    sys.exit("gunicorn did not answer within 60 s")


def stop_server(process):
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


# --- load from wrk ---------------------------------------------------------------------------
# The server benchmarks drive their load with wrk (Debian's load client in C) and a Lua script
# of their own: an asyncio Python client on the same two cores spent more of them per request
# than the server's trivial view and capped it at about a quarter of what it serves, which
# flattered every ratio against it. Each script ends with `dofile` of bench/_wrk_report.lua,
# whose `done` prints the one line `wrk_result` reads.
WRK = shutil.which("wrk")


def need_wrk(bench: str) -> None:
    """Leave with how to install wrk if it is missing."""
    if WRK is None:
        sys.exit(f"{bench} drives the load with wrk: apt-get install wrk")


def start_wrk(lua: Path, port: int, connections: int, seconds: int, args=()):
    """One wrk run (one thread, `connections` requests in flight, for at most `seconds`,
    whole seconds as wrk takes them) of the script `lua` with its `args`, started;
    `wrk_result` reads it."""
    command = [WRK, "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s"]
    command += ["-s", str(lua), f"http://127.0.0.1:{port}", "--", *(str(a) for a in args)]
    return subprocess.Popen(command, stdout=subprocess.PIPE, text=True)


def wrk_result(process) -> dict:
    """The `RESULT {json}` line bench/_wrk_report.lua prints, with `rps` added."""
    out, _ = process.communicate()
    for line in out.splitlines():
        if line.startswith("RESULT "):
            found = json.loads(line[len("RESULT ") :])
            found["rps"] = found["requests"] / found["seconds"]
            return found
    sys.exit(f"wrk printed no result:\n{out}")


def describe(name, out):
    return (
        f"{name}: {out['rps']:.0f} req/s, p50 {out['p50_ms']:.1f} ms, "
        f"p99 {out['p99_ms']:.1f} ms, statuses {out['statuses']}, errors {out['errors']}"
    )
