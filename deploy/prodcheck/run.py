"""`make prod-check`: the production topology of deploy/, started on this machine, a
scenario through nginx, faults while traffic runs, and a backup restored. Ends with
    prod-check: ok requests=<n> failed=<n> mails_sent=<n> mails_lost=<n> standby_reads=<n>
or `prod-check: failed ...` and the reasons, with exit status 1.

Faults, each while a visitor keeps loading pages: one gunicorn node stopped (nginx sends
idempotent requests to the other), Redis restarted while people register (their mails wait
in the outbox, in PostgreSQL, and go out after), the standby stopped (dashboards read the
primary), and thirty clients trickling headers (nginx holds them, not gunicorn).
"""

import argparse
import contextlib
import hashlib
import json
import os
import re
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from scenario import (  # noqa: E402
    Browser,
    Mailbox,
    Tally,
    check_in,
    organiser_sign_in,
    register,
    sign_up,
    take_contest,
)
from servers import REPO, VENV_BIN, Topology  # noqa: E402

PUBLIC_PAGES = ("/", "/api/editions", "/activities/", "/en/", "/healthz")
PASSWORD = "prod-check pass phrase 42"


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


class Traffic(threading.Thread):
    """A visitor loading public pages a few times a second, for the whole fault phase."""

    def __init__(self, browser: Browser):
        super().__init__(daemon=True)
        self.browser, self.stop = browser, threading.Event()

    def run(self):
        n = 0
        while not self.stop.is_set():
            path = PUBLIC_PAGES[n % len(PUBLIC_PAGES)]
            n += 1
            # A refused or failed request is counted by the tally; the visitor goes on.
            with contextlib.suppress(Exception):
                self.browser.request("GET", path, expect=(200, 429))
            time.sleep(0.2)


def trickle(port: int, stop: threading.Event) -> None:
    """A client that sends one header byte a second and never finishes."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    try:
        with context.wrap_socket(socket.create_connection(("127.0.0.1", port))) as tls:
            for byte in b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"a" * 100:
                if stop.is_set():
                    return
                tls.send(bytes([byte]))
                time.sleep(1)
    except OSError:
        return  # nginx hung up on it: what it should do


def standby_statements(topology: Topology) -> int:
    """Statements the web nodes sent to the standby, from their own /metrics."""
    total = 0
    pattern = re.compile(
        r'^cyberweek_db_statement_seconds_count\{[^}]*database="standby"[^}]*\} (\S+)', re.M
    )
    for node in ("web1", "web2"):
        text = _get_local(topology.ports[node], "/metrics")
        total += sum(int(float(value)) for value in pattern.findall(text))
    return total


def _get_local(port: int, path: str) -> str:
    import urllib.request

    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as response:
        return response.read().decode()


def cli(topology: Topology, *args: str, database: str = "cyberweek") -> str:
    env = topology.app_env(direct=True)
    env["DATABASE_URL"] = env["DATABASE_URL"].rsplit("/", 1)[0] + f"/{database}"
    return subprocess.run(
        [VENV_BIN / "cyberweek", *args], env=env, cwd=REPO, check=True, capture_output=True,
        text=True,
    ).stdout  # fmt: skip


def backup_and_restore(topology: Topology) -> int:
    """deploy/backup.sh dump, then restore into a new database: migrations check, the key
    ring check, and every account's address decrypts. Returns the accounts read back."""
    primary = f"postgres://postgres@127.0.0.1:{topology.ports['primary']}"
    folder = topology.root / "backups"
    folder.mkdir()
    env = topology.app_env(direct=True)
    env["PATH"] = f"{VENV_BIN}{os.pathsep}{env['PATH']}"
    dump = subprocess.run(
        ["bash", REPO / "deploy/backup.sh", "dump", f"{primary}/cyberweek", folder],
        env=env, check=True, capture_output=True, text=True,
    ).stdout.strip()  # fmt: skip
    subprocess.run(
        ["createdb", "-h", "127.0.0.1", "-p", str(topology.ports["primary"]), "-U", "postgres",
         "cyberweek_restored"], check=True,
    )  # fmt: skip
    subprocess.run(
        ["bash", REPO / "deploy/backup.sh", "restore", dump, f"{primary}/cyberweek_restored"],
        env=env, check=True, capture_output=True, text=True,
    )  # fmt: skip
    readable = cli(
        topology, "shell", "--no-imports", "-c",
        "from cyberweek.accounts.models import User; "
        "print(sum(1 for u in User.objects.all() if '@' in (u.email or '')))",
        database="cyberweek_restored",
    )  # fmt: skip
    return int(readable)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", action="store_true", help="keep the working folder")
    options = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="cyberweek-prodcheck-"))
    topology = Topology(root)
    tally = Tally()
    problems: list[str] = []
    mails_expected = mails_received = standby_reads = 0
    try:
        log(f"starting the topology in {root}")
        started = time.monotonic()
        topology.start_primary()
        topology.start_redis()
        topology.start_smtp_sink()
        topology.start_s3()
        topology.start_pgbouncer()
        topology.prepare_application()
        seed = json.loads(
            subprocess.run(
                [VENV_BIN / "python", HERE / "seed.py"], env=topology.app_env(direct=True),
                cwd=REPO, check=True, capture_output=True, text=True,
            ).stdout.strip().splitlines()[-1]
        )  # fmt: skip
        topology.start_standby()
        topology.start_web("web1")
        topology.start_web("web2")
        topology.start_celery()
        topology.start_nginx()
        base = f"https://127.0.0.1:{topology.ports['https']}"
        mail = Mailbox(topology.maildir)
        log(
            f"topology up after {time.monotonic() - started:.0f} s: nginx, 2 gunicorn nodes, "
            "PgBouncer, primary + standby, Redis, Celery worker and beat, SMTP sink, S3"
        )

        # --- the scenario ----------------------------------------------------------------
        visitor = Browser(base, topology.certificate, tally)
        sign_up(visitor, mail, "visitor@example.org", PASSWORD)
        registration = register(visitor, seed["offering"])
        code = registration["code"]  # as the mail prints it: in groups of four
        mail.wait_for("visitor@example.org", containing="-".join(re.findall(".{1,4}", code)))
        result = take_contest(visitor, seed["contest"])
        assert result["status"] == "submitted", result
        chief = Browser(base, topology.certificate, tally)
        organiser_sign_in(chief, seed)
        outcome = check_in(chief, seed["offering"], registration["ticket"])
        assert outcome == "ok", outcome
        chief.request("GET", f"/organiser/quiz/contests/{seed['contest_pk']}/stats/")
        standby_reads = standby_statements(topology)
        if standby_reads == 0:
            problems.append("the dashboard did not read the standby")
        photo = visitor.request("GET", f"/activities/photos/{seed['photo_token']}/")
        if hashlib.sha256(photo.content).hexdigest() != seed["photo_sha256"]:
            problems.append("the outcome photo came back different")
        topology.s3_client().head_object(Bucket="cyberweek-media", Key=seed["photo_name"])
        mails_expected = 2  # the sign-up code and the registration
        log(
            f"scenario done: signed up, registered, mailed, contest {result['score']}/"
            f"{result['max_score']}, checked in, dashboard on the standby, photo from S3"
        )

        # More visitors, signed up now, register while Redis restarts below.
        crowd = []
        for n in range(5):
            person = Browser(base, topology.certificate, tally)
            sign_up(person, mail, f"crowd{n}@example.org", PASSWORD)
            crowd.append(person)
        mails_expected += len(crowd)

        # --- faults while traffic runs ---------------------------------------------------
        traffic = Traffic(Browser(base, topology.certificate, tally))
        traffic.start()
        time.sleep(2)
        log("fault: gunicorn node 1 stopped")
        topology.stop("web1")
        time.sleep(4)
        topology.start_web("web1")
        time.sleep(2)

        log("fault: Redis restarted while 5 people register")
        topology.stop("redis")
        for person in crowd:
            register(person, seed["offering"])
        mails_expected += len(crowd)
        time.sleep(2)
        topology.start_redis()
        time.sleep(2)

        log("fault: standby stopped; dashboards fall back to the primary")
        topology.pg_ctl("standby", "stop")
        for _ in range(5):
            chief.request("GET", f"/organiser/quiz/contests/{seed['contest_pk']}/stats/")
            time.sleep(1.2)

        log("fault: 30 clients trickling headers")
        stop = threading.Event()
        slow = [
            threading.Thread(target=trickle, args=(topology.ports["https"], stop), daemon=True)
            for _ in range(30)
        ]
        for thread in slow:
            thread.start()
        time.sleep(6)
        stop.set()
        traffic.stop.set()
        traffic.join()

        # --- every mail out, nothing left behind -----------------------------------------
        deadline = time.monotonic() + 150
        while mail.count() < mails_expected and time.monotonic() < deadline:
            time.sleep(1)
        mails_received = mail.count()
        log(cli(topology, "outbox", "status").strip().replace("\n", "; "))

        # --- backup and restore ----------------------------------------------------------
        readable = backup_and_restore(topology)
        log(f"backup restored into a new database: migrations checked, {readable} "
            "account addresses decrypted with the key ring")  # fmt: skip
        if readable < 1 + len(crowd):
            problems.append(f"only {readable} accounts readable after the restore")
    except Exception as error:  # reported below, and the check fails
        problems.append(f"{type(error).__name__}: {error}")
        if isinstance(error, subprocess.CalledProcessError):
            problems.append(f"stderr: {(error.stderr or '')[-2000:]}")
    finally:
        topology.stop_all()
    mails_lost = max(0, mails_expected - mails_received)
    if tally.failed:
        problems.append("failed requests: " + ", ".join(tally.failures[:10]))
    if mails_lost:
        problems.append(f"{mails_lost} of {mails_expected} mails never arrived")
    verdict = "failed" if problems else "ok"
    for problem in problems:
        log(f"problem: {problem}")
    if problems or options.keep:
        log(f"logs kept in {topology.logs}")
    else:
        topology.remove()
    print(
        f"prod-check: {verdict} requests={tally.requests} failed={tally.failed} "
        f"mails_sent={mails_received} mails_lost={mails_lost} standby_reads={standby_reads}"
    )
    return 1 if problems else 0


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    sys.exit(main())
