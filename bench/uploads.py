"""The upload path: a large video sent in tus pieces to gunicorn with production settings,
then checked, with the web worker's memory watched.

    python bench/uploads.py                  # a 200 MB video, two web nodes
    python bench/uploads.py --megabytes 50 --nodes 1

What it does: makes (once, kept under var/bench-uploads) a video of about `--megabytes` MB
with ffmpeg (a noisy 720p picture and a tone, MPEG-4 at a fixed bitrate, so it is a real
video the check accepts), creates (or reuses) the database `cyberweek_uploads_bench`, seeds a
contest, an entrant with a session and an entry, starts `--nodes` gunicorn nodes (one
worker each) sharing one staging folder, as several nodes behind nginx share a volume, and
sends the file over tus in 4 MiB pieces as the page does (POST, then PATCHes, each piece
read from disk as it is sent), each piece to the next node in turn: the worst case, where
nothing routes one upload to one node. It reads each worker's resident memory (VmRSS)
before the upload and its peak (VmHWM) after (the line gives the highest), then runs the
check (`processing.check_video`) as the Celery worker would, and verifies the entry is
waiting for screening. The last line is

    bench uploads: mb=<n> upload_s=<n> mb_per_s=<n> rss_before_mb=<n> peak_rss_mb=<n> check_s=<n>

A flat memory means peak_rss_mb stays near rss_before_mb whatever the file's size.
"""

import argparse
import base64
import os
import secrets
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

from _harness import (
    REPO,
    free_port,
    prepare_django,
    production_environment,
    start_gunicorn,
    stop_server,
)

WORK = REPO / "var" / "bench-uploads"
DB_NAME = "cyberweek_uploads_bench"
REDIS_DB = 4
PIECE = 4 * 1024 * 1024
SECONDS = 60
# Noise keeps the encoder at the asked bitrate, so the file has the size asked for.
PICTURE = f"testsrc2=size=1280x720:rate=25:duration={SECONDS},noise=alls=60:allf=t"


def make_video(megabytes: int) -> Path:
    path = WORK / f"video-{megabytes}mb.mp4"
    if path.exists():
        return path
    bitrate = int(megabytes * 8 * 1_000_000 / SECONDS)
    # Made under another name and renamed: an interrupted run leaves no half file to reuse.
    partial = path.with_suffix(".partial.mp4")
    subprocess.run(
        [
            "ffmpeg", "-v", "error", "-y",
            "-f", "lavfi", "-i", PICTURE,
            "-f", "lavfi", "-i", f"sine=frequency=440:duration={SECONDS}",
            "-c:v", "mpeg4", "-b:v", str(bitrate), "-minrate", str(bitrate),
            "-maxrate", str(bitrate), "-bufsize", str(bitrate),
            "-c:a", "aac", "-shortest", str(partial),
        ],
        check=True,
        timeout=1800,
    )  # fmt: skip
    partial.rename(path)
    return path


def seed(size: int) -> tuple[str, str]:
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils import timezone

    from cyberweek.accounts.models import User
    from cyberweek.showcase.models import Entry, VideoContest

    now = timezone.now()
    contest, _ = VideoContest.objects.update_or_create(
        slug="bench-uploads",
        defaults={
            "title": "上传压力测试",
            "is_published": True,
            "submission_opens_at": now - timedelta(days=1),
            "submission_closes_at": now + timedelta(days=5),
            "voting_opens_at": now + timedelta(days=5),
            "voting_closes_at": now + timedelta(days=10),
            "max_size_bytes": max(size, 1 << 30),
            "max_width": 1920,
            "max_height": 1080,
        },
    )
    user = User.objects.by_email("uploader@example.org").first()
    if user is None:
        user = User.objects.create_user("uploader@example.org", verified_at=now)
    Entry.objects.filter(contest=contest).delete()
    entry = Entry.objects.create(
        contest=contest,
        entrant=user,
        category="open",
        title="大文件",
        public_title="大文件",
        display_name="作者",
    )
    store = SessionStore()
    store.update(
        {
            SESSION_KEY: str(user.pk),
            BACKEND_SESSION_KEY: "cyberweek.accounts.backends.EmailOrMobileBackend",
            HASH_SESSION_KEY: user.get_session_auth_hash(),
        }
    )
    store.create()
    return entry.ref, store.session_key


def worker_pid(master: int) -> int:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return int(children[0])


def memory_mb(pid: int, field: str) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def upload(bases: list[str], path: Path, ref: str, session: str) -> None:
    import httpx

    csrf = secrets.token_hex(16)
    headers = {
        "Tus-Resumable": "1.0.0",
        "X-CSRFToken": csrf,
        "Cookie": f"sessionid={session}; csrftoken={csrf}",
    }
    size = path.stat().st_size
    metadata = ",".join(
        f"{k} {base64.b64encode(v.encode()).decode()}"
        for k, v in {"entry": ref, "filename": path.name}.items()
    )
    with httpx.Client(timeout=120) as client:
        created = client.post(
            f"{bases[0]}/showcase/tus/",
            headers={**headers, "Upload-Length": str(size), "Upload-Metadata": metadata},
        )
        if created.status_code != 201:
            sys.exit(f"creating the upload failed: {created.status_code} {created.text}")
        path_part = httpx.URL(created.headers["Location"]).raw_path.decode()
        offset = 0
        pieces = 0
        with open(path, "rb") as source:
            while offset < size:
                source.seek(offset)
                piece = source.read(PIECE)
                response = client.patch(
                    bases[pieces % len(bases)] + path_part,
                    content=piece,
                    headers={
                        **headers,
                        "Upload-Offset": str(offset),
                        "Content-Type": "application/offset+octet-stream",
                    },
                )
                if response.status_code != 204:
                    sys.exit(f"a piece failed at {offset}: {response.status_code} {response.text}")
                offset = int(response.headers["Upload-Offset"])
                pieces += 1


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--megabytes", type=int, default=200)
    parser.add_argument("--nodes", type=int, default=2, help="gunicorn nodes, pieces alternate")
    parser.add_argument("--redis-db", type=int, default=REDIS_DB, help="Redis database (emptied)")
    args = parser.parse_args()

    env = production_environment(
        WORK, database=DB_NAME, redis_db=args.redis_db, prefix="bench-uploads"
    )
    env["SHOWCASE_STAGING_DIR"] = str(WORK / "staging")
    # This checkout's code, not whichever one the virtualenv was installed from.
    env["PYTHONPATH"] = str(REPO / "src")
    os.environ.update(env)
    print("making the video …", flush=True)
    video = make_video(args.megabytes)
    size = video.stat().st_size
    prepare_django(env, DB_NAME)
    ref, session = seed(size)
    from django.db import connection

    connection.close()
    servers = []
    try:
        for _node in range(max(1, args.nodes)):
            port = free_port()
            servers.append(
                (port, start_gunicorn(env, port, health_path="/healthz", args=["-w", "1"]))
            )
        pids = [worker_pid(server.pid) for _port, server in servers]
        before = max(memory_mb(pid, "VmRSS") for pid in pids)
        started = time.perf_counter()
        upload([f"http://127.0.0.1:{port}" for port, _server in servers], video, ref, session)
        upload_s = time.perf_counter() - started
        peak = max(memory_mb(pid, "VmHWM") for pid in pids)
    finally:
        for _port, server in servers:
            stop_server(server)

    mb = size / 1_000_000
    print(
        f"upload: {mb:.0f} MB in {upload_s:.1f} s = {mb / upload_s:.1f} MB/s over "
        f"{len(servers)} node(s); web workers {before:.0f} MB before, peak {peak:.0f} MB",
        flush=True,
    )
    from cyberweek.showcase import processing
    from cyberweek.showcase.models import Entry

    entry = Entry.objects.get(ref=ref)
    received = entry.videos.get(state="received")
    started = time.perf_counter()
    processing.check_video(received.pk)
    check_s = time.perf_counter() - started
    entry.refresh_from_db()
    print(f"check: {check_s:.1f} s; entry status after it: {entry.status}")
    if entry.status != Entry.Status.SCREENING:
        print(f"check refused: {entry.check_error}")
    print(
        f"bench uploads: mb={mb:.0f} upload_s={upload_s:.1f} mb_per_s={mb / upload_s:.1f} "
        f"rss_before_mb={before:.0f} peak_rss_mb={peak:.0f} check_s={check_s:.1f}"
    )
    sys.exit(0 if entry.status == Entry.Status.SCREENING else 1)


if __name__ == "__main__":
    main()
