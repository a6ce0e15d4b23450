"""The nginx configuration in deploy/, run for real in front of the app: slow clients do
not stall anyone, a dead web node is skipped for idempotent requests, /metrics stays
inside. nginx is Debian's (installed by .ci/run); the test starts its own on free ports."""

import shutil
import socket
import ssl
import subprocess
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.ports import unused_port

REPO = Path(__file__).resolve().parents[2]
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
OPENSSL = shutil.which("openssl") or "/usr/bin/openssl"


@pytest.fixture
def nginx(live_server, tmp_path):
    if not Path(NGINX).exists():
        pytest.fail("nginx not found: run `apt-get install nginx` (see .ci/run)")
    subprocess.run(
        [OPENSSL, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=localhost", "-keyout", tmp_path / "key.pem", "-out", tmp_path / "cert.pem"],
        check=True, capture_output=True,
    )  # fmt: skip
    https, http = unused_port(), unused_port()
    dead_node = unused_port()
    backend = live_server.url.removeprefix("http://")
    site = (REPO / "deploy/nginx/cyberweek.conf").read_text()
    site = (
        site.replace("server 127.0.0.1:8001", f"server {backend}")
        .replace("server 127.0.0.1:8002", f"server 127.0.0.1:{dead_node}")
        .replace("/etc/ssl/cyberweek/fullchain.pem", str(tmp_path / "cert.pem"))
        .replace("/etc/ssl/cyberweek/privkey.pem", str(tmp_path / "key.pem"))
        .replace("/srv/cyberweek/staticfiles/", str(tmp_path) + "/")
        .replace("listen 80;", f"listen 127.0.0.1:{http};")
        .replace("listen 443 ssl http2;", f"listen 127.0.0.1:{https} ssl http2;")
    )
    (tmp_path / "logs").mkdir()
    (tmp_path / "site.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/logs/error.log;\n"
        "daemon off;\nevents { worker_connections 512; }\n"
        f"http {{ access_log off; client_body_temp_path {tmp_path}/body; "
        f"proxy_temp_path {tmp_path}/proxy; include {tmp_path}/site.conf; }}\n"
    )
    process = subprocess.Popen([NGINX, "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")])
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", https), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    yield f"https://127.0.0.1:{https}"
    process.terminate()
    process.wait(timeout=10)


def get(url: str, path: str, **headers) -> tuple[int, bytes]:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    request = urllib.request.Request(url + path, headers=headers)  # noqa: S310 (https only)
    try:
        with urllib.request.urlopen(request, context=context, timeout=10) as response:  # noqa: S310
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def trickle(port: int, stop: threading.Event) -> None:
    """A client that sends one header byte a second and never finishes."""
    raw = socket.create_connection(("127.0.0.1", port))
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    with context.wrap_socket(raw) as tls:
        for byte in b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Slow: " + b"a" * 100:
            if stop.is_set():
                return
            try:
                tls.send(bytes([byte]))
            except OSError:
                return  # nginx hung up on us: what it should do
            time.sleep(1)


@pytest.mark.django_db(transaction=True)
def test_slow_clients_and_a_dead_node_do_not_stall_the_site(nginx):
    port = int(nginx.rsplit(":", 1)[1])
    stop = threading.Event()
    slow = [threading.Thread(target=trickle, args=(port, stop), daemon=True) for _ in range(30)]
    for thread in slow:
        thread.start()
    try:
        time.sleep(1)
        started = time.monotonic()
        statuses = [get(nginx, "/healthz")[0] for _ in range(20)]
        elapsed = time.monotonic() - started
    finally:
        stop.set()
    # Every request answered, although 30 clients hold connections open and one of the
    # two upstream nodes refuses every connection.
    assert statuses == [200] * 20
    assert elapsed < 10  # generous: a stalled server would take the header timeout each


@pytest.mark.django_db(transaction=True)
def test_metrics_are_not_served_through_nginx_and_request_ids_pass_through(nginx):
    assert get(nginx, "/metrics")[0] == 404
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    request = urllib.request.Request(nginx + "/healthz")  # noqa: S310 (https only)
    with urllib.request.urlopen(request, context=context, timeout=10) as response:  # noqa: S310
        request_id = response.headers["X-Request-ID"]
    assert len(request_id) == 32  # nginx's $request_id, kept by the app
