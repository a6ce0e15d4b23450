"""Every server of the production topology, started from Debian's and PyPI's packages on
ports of their own, in one working folder, and stopped again.

PostgreSQL and PgBouncer refuse to run as root; when `make prod-check` runs as root (CI),
their commands run as the `postgres` user, which owns their folders.
"""

import contextlib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
from tests.ports import unused_port  # noqa: E402 (the repository's one free-port helper)

PG_BIN = Path("/usr/lib/postgresql/15/bin")
VENV_BIN = Path(sys.executable).parent


def wait_for_port(port: int, what: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{what} did not listen on port {port} within {timeout:.0f} s")


class Topology:
    """nginx → two gunicorn nodes → PgBouncer → PostgreSQL primary (+ streaming standby);
    Redis with AOF; Celery worker and beat; an SMTP sink; an S3-compatible endpoint."""

    def __init__(self, root: Path):
        self.root = root
        self.logs = root / "logs"
        self.logs.mkdir(parents=True)
        self.logs.chmod(0o755)
        # nginx's workers (user nobody) read the certificate and the static files here.
        root.chmod(0o755)
        self.as_postgres = os.geteuid() == 0
        self.ports = {
            name: unused_port()
            for name in (
                "primary", "standby", "pgbouncer", "redis", "smtp", "s3",
                "web1", "web2", "https",
            )
        }  # fmt: skip
        self.processes: dict[str, subprocess.Popen] = {}
        self.maildir = root / "mail"
        self.secret_key = os.urandom(32).hex()

    # --- helpers -------------------------------------------------------------------------
    def _postgres_user(self, command: list) -> list:
        if not self.as_postgres:
            return command
        return ["runuser", "-u", "postgres", "--", *map(str, command)]

    def _own_for_postgres(self, path: Path) -> None:
        path.mkdir(parents=True, exist_ok=True)
        if self.as_postgres:
            entry = pwd.getpwnam("postgres")
            os.chown(path, entry.pw_uid, entry.pw_gid)

    def _spawn(self, name: str, command: list, env: dict | None = None) -> subprocess.Popen:
        log = open(self.logs / f"{name}.log", "ab")  # noqa: SIM115 (lives as long as the process)
        process = subprocess.Popen(
            [str(part) for part in command], stdout=log, stderr=subprocess.STDOUT,
            env=env, cwd=REPO, start_new_session=True,
        )  # fmt: skip
        self.processes[name] = process
        return process

    def _run(self, command: list, env: dict | None = None, **kwargs) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(part) for part in command], check=True, capture_output=True, text=True,
            env=env, cwd=REPO, **kwargs,
        )  # fmt: skip

    def stop(self, name: str, sig: int = signal.SIGTERM, timeout: float = 30) -> None:
        process = self.processes.pop(name, None)
        if process is None or process.poll() is not None:
            return
        os.killpg(process.pid, sig)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()

    # --- PostgreSQL primary and standby --------------------------------------------------
    def _pg_data(self, name: str) -> Path:
        return self.root / f"pg-{name}"

    def start_primary(self) -> None:
        data, archive = self._pg_data("primary"), self.root / "wal-archive"
        self._own_for_postgres(self.root / "pg-sockets")
        self._own_for_postgres(archive)
        self._own_for_postgres(data)
        self._run(self._postgres_user(
            [PG_BIN / "initdb", "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8",
             "--locale=C.UTF-8"]
        ))  # fmt: skip
        # The repository's primary settings, with this run's archive folder and port.
        conf = (REPO / "deploy/postgresql/primary.conf").read_text()
        conf = conf.replace("/var/lib/postgresql/wal-archive", str(archive))
        conf += (
            f"\nport = {self.ports['primary']}\nlisten_addresses = '127.0.0.1'\n"
            f"unix_socket_directories = '{self.root / 'pg-sockets'}'\n"
            "fsync = off\nmax_connections = 200\n"
        )
        with open(data / "postgresql.conf", "a") as handle:
            handle.write(conf)
        with open(data / "pg_hba.conf", "a") as handle:
            handle.write("host replication postgres 127.0.0.1/32 trust\n")
        self.pg_ctl("primary", "start")
        self._run(self._postgres_user(
            [PG_BIN / "createdb", "-h", "127.0.0.1", "-p", self.ports["primary"], "-U", "postgres",
             "cyberweek"]
        ))  # fmt: skip

    def pg_ctl(self, name: str, action: str) -> None:
        command = [PG_BIN / "pg_ctl", "-D", self._pg_data(name), "-w", "-t", "60"]
        if action == "start":
            # In a folder of the postgres user's, which writes it.
            self._own_for_postgres(self.logs / "postgres")
            command += ["-l", self.logs / "postgres" / f"{name}.log", "start"]
        else:
            command += ["-m", "fast", "stop"]
        self._run(self._postgres_user(command))

    def start_standby(self) -> None:
        data = self._pg_data("standby")
        self._own_for_postgres(data)
        data.chmod(0o700)
        # As deploy/postgresql/make-standby.sh does: -R writes standby.signal and the
        # primary's connection string, -X stream copies the WAL written meanwhile.
        self._run(self._postgres_user(
            [PG_BIN / "pg_basebackup", "-h", "127.0.0.1", "-p", self.ports["primary"],
             "-U", "postgres", "-D", data, "-R", "-X", "stream", "-c", "fast"]
        ))  # fmt: skip
        with open(data / "postgresql.conf", "a") as handle:
            handle.write(f"\nport = {self.ports['standby']}\narchive_mode = off\n")
        self.pg_ctl("standby", "start")

    # --- PgBouncer -----------------------------------------------------------------------
    def start_pgbouncer(self) -> None:
        folder = self.root / "pgbouncer"
        self._own_for_postgres(folder)
        ini = (REPO / "deploy/pgbouncer.ini").read_text()
        ini = (
            ini.replace("port=5432", f"port={self.ports['primary']}")
            .replace("listen_port = 6432", f"listen_port = {self.ports['pgbouncer']}")
            .replace("auth_type = scram-sha-256", "auth_type = trust")
            .replace("/etc/pgbouncer/userlist.txt", str(folder / "userlist.txt"))
        )
        ini += f"unix_socket_dir =\nlogfile = {folder / 'pgbouncer.log'}\n"
        (folder / "pgbouncer.ini").write_text(ini)
        (folder / "userlist.txt").write_text('"postgres" ""\n')
        for path in folder.iterdir():
            self._own_for_postgres(folder)
            if self.as_postgres:
                entry = pwd.getpwnam("postgres")
                os.chown(path, entry.pw_uid, entry.pw_gid)
        self._spawn("pgbouncer", self._postgres_user(["pgbouncer", folder / "pgbouncer.ini"]))
        wait_for_port(self.ports["pgbouncer"], "PgBouncer")

    # --- Redis ---------------------------------------------------------------------------
    def start_redis(self) -> None:
        folder = self.root / "redis"
        folder.mkdir(exist_ok=True)
        conf = (REPO / "deploy/redis.conf").read_text()
        conf = conf.replace("bind 127.0.0.1 -::1", "bind 127.0.0.1").replace(
            "port 6379", f"port {self.ports['redis']}"
        )
        conf += f"\ndir {folder}\n"
        (folder / "redis.conf").write_text(conf)
        self._spawn("redis", ["redis-server", folder / "redis.conf"])
        wait_for_port(self.ports["redis"], "Redis")

    # --- SMTP sink and S3 ----------------------------------------------------------------
    def start_smtp_sink(self) -> None:
        # aiosmtpd's Mailbox handler keeps every message in a Maildir the check reads.
        self._spawn("smtp", [
            VENV_BIN / "python", "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{self.ports['smtp']}",
            "-c", "aiosmtpd.handlers.Mailbox", self.maildir,
        ])  # fmt: skip
        wait_for_port(self.ports["smtp"], "the SMTP sink")

    def start_s3(self) -> None:
        self._spawn("s3", [VENV_BIN / "moto_server", "-H", "127.0.0.1", "-p", self.ports["s3"]])
        wait_for_port(self.ports["s3"], "the S3 endpoint")
        import boto3

        self.s3_client().create_bucket(Bucket="cyberweek-media")
        del boto3

    def s3_client(self):
        import boto3

        return boto3.client(
            "s3", endpoint_url=f"http://127.0.0.1:{self.ports['s3']}", region_name="us-east-1",
            aws_access_key_id="prodcheck", aws_secret_access_key="prodcheck",
        )  # fmt: skip

    # --- the application -----------------------------------------------------------------
    def app_env(self, *, direct: bool = False, node: str = "") -> dict:
        """The environment of every application process. `direct` bypasses PgBouncer (for
        migrations, which hold a session-level lock)."""
        from base64 import b64encode

        env = dict(os.environ)
        env.pop("DATABASE_URL", None)
        database_port = self.ports["primary"] if direct else self.ports["pgbouncer"]
        env.update(
            CYBERWEEK_ENV="production",
            SECRET_KEY=self.secret_key,
            ALLOWED_HOSTS="127.0.0.1,localhost",
            SITE_URL=f"https://127.0.0.1:{self.ports['https']}",
            CSRF_TRUSTED_ORIGINS=f"https://127.0.0.1:{self.ports['https']}",
            TRUSTED_PROXIES="1",
            DATABASE_URL=f"postgres://postgres@127.0.0.1:{database_port}/cyberweek",
            DATABASE_POOL_MODE="session" if direct else "transaction",
            DATABASE_STANDBY_URL=f"postgres://postgres@127.0.0.1:{self.ports['standby']}/cyberweek",
            REDIS_URL=f"redis://127.0.0.1:{self.ports['redis']}/0",
            EMAIL_URL=f"smtp://127.0.0.1:{self.ports['smtp']}",
            # Sign-ups in the scenario are by mail; texts would be written under var/sms.
            SMS_SENDER="cyberweek.accounts.delivery.FileSmsSender",
            CYBERWEEK_KEYS=self.keys,
            TICKET_SIGNING_KEY=b64encode(self.ticket_seed).decode(),
            CYBERWEEK_VAR_DIR=str(self.root / "var"),
            STATIC_ROOT=str(self.root / "static"),
            MEDIA_S3_BUCKET="cyberweek-media",
            MEDIA_S3_ENDPOINT_URL=f"http://127.0.0.1:{self.ports['s3']}",
            MEDIA_S3_REGION="us-east-1",
            AWS_ACCESS_KEY_ID="prodcheck",
            AWS_SECRET_ACCESS_KEY="prodcheck",
            PYTHONPATH=f"{REPO / 'src'}{os.pathsep}{REPO}",
            LOG_LEVEL="WARNING",
        )
        if node:
            env["PROMETHEUS_MULTIPROC_DIR"] = str(self.root / f"metrics-{node}")
        return env

    def prepare_application(self) -> None:
        import json

        sys.path.insert(0, str(REPO / "src"))
        from cyberweek.core.crypto import new_key_ring_spec

        self.keys = json.dumps(new_key_ring_spec())
        self.ticket_seed = os.urandom(32)
        cli = VENV_BIN / "cyberweek"
        env = self.app_env(direct=True)
        self._run([cli, "migrate", "--no-input", "-v", "0"], env=env)
        self._run([cli, "geo", "load-regions"], env=env)
        # Compressing the static files takes a while: it runs while the rest starts, and
        # nginx, which serves them, waits for it.
        self._spawn("collectstatic", [cli, "collectstatic", "--no-input", "-v", "0"], env=env)

    def start_web(self, node: str) -> None:
        env = self.app_env(node=node)
        env.update(GUNICORN_BIND=f"127.0.0.1:{self.ports[node]}", GUNICORN_WORKERS="2")
        self._spawn(node, [
            VENV_BIN / "gunicorn", "-c", REPO / "deploy/gunicorn.conf.py", "cyberweek.wsgi",
        ], env=env)  # fmt: skip
        wait_for_port(self.ports[node], f"gunicorn {node}", timeout=60)

    def start_celery(self) -> None:
        celery = VENV_BIN / "celery"
        env = self.app_env()
        quiet = ["--loglevel", "WARNING"]
        self._spawn("worker", [celery, "-A", "cyberweek", "worker", "--concurrency", "2", *quiet],
                    env=env)  # fmt: skip
        self._spawn("beat", [celery, "-A", "cyberweek", "beat", "--schedule",
                             self.root / "beat-schedule", *quiet], env=env)  # fmt: skip

    # --- nginx ---------------------------------------------------------------------------
    def start_nginx(self) -> None:
        if self.processes.pop("collectstatic").wait() != 0:
            raise RuntimeError(f"collectstatic failed: see {self.logs / 'collectstatic.log'}")
        folder = self.root / "nginx"
        folder.mkdir()
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
             "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
             "-keyout", folder / "key.pem", "-out", folder / "cert.pem"],
            check=True, capture_output=True,
        )  # fmt: skip
        self.certificate = folder / "cert.pem"
        site = (REPO / "deploy/nginx/cyberweek.conf").read_text()
        site = (
            site.replace("server 127.0.0.1:8001", f"server 127.0.0.1:{self.ports['web1']}")
            .replace("server 127.0.0.1:8002", f"server 127.0.0.1:{self.ports['web2']}")
            .replace("/etc/ssl/cyberweek/fullchain.pem", str(folder / "cert.pem"))
            .replace("/etc/ssl/cyberweek/privkey.pem", str(folder / "key.pem"))
            .replace("/srv/cyberweek/staticfiles/", f"{self.root / 'static'}/")
            .replace("listen 80;", f"listen 127.0.0.1:{unused_port()};")
            .replace("listen 443 ssl http2;", f"listen 127.0.0.1:{self.ports['https']} ssl http2;")
        )
        (folder / "site.conf").write_text(site)
        (folder / "nginx.conf").write_text(
            f"pid {folder}/nginx.pid;\nerror_log {self.logs}/nginx-error.log;\ndaemon off;\n"
            "events { worker_connections 1024; }\n"
            f"http {{ access_log {self.logs}/nginx-access.log; "
            f"client_body_temp_path {folder}/body; proxy_temp_path {folder}/proxy; "
            f"include /etc/nginx/mime.types; include {folder}/site.conf; }}\n"
        )
        self._spawn("nginx", ["nginx", "-p", folder, "-c", folder / "nginx.conf"])
        wait_for_port(self.ports["https"], "nginx")

    def stop_all(self) -> None:
        for name in list(self.processes)[::-1]:
            self.stop(name, timeout=15)
        for name in ("standby", "primary"):
            if (self._pg_data(name) / "postmaster.pid").exists():
                with contextlib.suppress(subprocess.CalledProcessError):
                    self.pg_ctl(name, "stop")

    def remove(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)
