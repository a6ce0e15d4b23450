"""gunicorn for one cyberweek web node: `gunicorn -c deploy/gunicorn.conf.py cyberweek.wsgi`.

gthread with 6 threads a worker: the contest benchmark found it faster for answers than
sync workers or fewer threads. nginx in front buffers whole requests, so slow clients
never hold a thread here.
"""

import multiprocessing
import os
import shutil

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8001")
worker_class = "gthread"
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count()))
threads = int(os.environ.get("GUNICORN_THREADS", 6))
timeout = 30
graceful_timeout = 20
keepalive = 30
# Recycle workers now and then, staggered, so a slow leak never takes a node down. Not
# often: a new worker spends about 2 s of a core importing the app and serving its first
# request, and at a peak a worker answers 1,000 requests a second (the CTF benchmark),
# so 20,000 meant a restart every 20 s, a tenth of a core and a stall each time.
max_requests = 500000
max_requests_jitter = 50000
# nginx on this host sets X-Forwarded-Proto; with TRUSTED_PROXIES=1 the app reads
# the client address it appended to X-Forwarded-For.
forwarded_allow_ips = "127.0.0.1"
accesslog = None  # nginx keeps the access log; the app logs JSON with the request id
errorlog = "-"


def on_starting(server):
    # Metrics from every worker add up in this folder; a fresh start begins at zero.
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder:
        shutil.rmtree(folder, ignore_errors=True)
        os.makedirs(folder, exist_ok=True)


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
