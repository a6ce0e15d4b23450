"""Contests, entries and generated video clips for the micro-video contest's tests."""

import subprocess
from datetime import timedelta
from pathlib import Path

from django.utils import timezone

from cyberweek.showcase.models import (
    Certificate,
    ConflictDeclaration,
    Criterion,
    Entry,
    JudgeAssignment,
    PhoneVerification,
    Report,
    Score,
    VideoContest,
    VideoFile,
    Vote,
)


def contest(**fields) -> VideoContest:
    now = timezone.now()
    values = {
        "slug": f"cup-{VideoContest.objects.count() + 1}",
        "title": "支付清算杯",
        "is_published": True,
        "themes": "个人信息保护\n反诈",
        "submission_opens_at": now - timedelta(days=1),
        "submission_closes_at": now + timedelta(days=5),
        "voting_opens_at": now - timedelta(hours=1),
        "voting_closes_at": now + timedelta(days=10),
        "max_duration_seconds": 10,
        "max_width": 640,
        "max_height": 480,
        "max_fps": 30,
    }
    values.update(fields)
    return VideoContest.objects.create(**values)


def criteria(contest: VideoContest) -> list[Criterion]:
    return [
        Criterion.objects.create(contest=contest, name="创意", weight=2, max_score=10),
        Criterion.objects.create(contest=contest, name="技术", weight=1, max_score=10),
    ]


def accepted_entry(contest: VideoContest, entrant, **fields) -> Entry:
    values = {
        "contest": contest,
        "entrant": entrant,
        "category": "open",
        "title": "守护信息",
        "public_title": "守护信息",
        "display_name": "李小明",
        "status": Entry.Status.ACCEPTED,
    }
    values.update(fields)
    return Entry.objects.create(**values)


def make_clip(
    path: Path,
    *,
    seconds: float = 1,
    size: str = "160x120",
    rate: int = 15,
    audio: bool = True,
    faststart: bool = False,
) -> Path:
    """A small generated clip (ffmpeg's lavfi test picture and a sine tone)."""
    args = [
        "ffmpeg",
        "-v",
        "error",
        "-y",
        "-f",
        "lavfi",
        "-i",
        f"testsrc=duration={seconds}:size={size}:rate={rate}",
    ]
    if audio:
        args += ["-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}"]
    args += ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"]
    args += ["-c:a", "aac", "-shortest"] if audio else []
    args += ["-movflags", "+faststart"] if faststart else []
    args += [str(path)]
    subprocess.run(args, check=True, capture_output=True, timeout=120)
    return path


def use_the_showcase(user) -> None:
    """A row of every kind the contest keeps about a person (the privacy export test)."""
    the_contest = contest()
    criterion = criteria(the_contest)[0]
    entry = accepted_entry(the_contest, user, captions_name="x.vtt", found_types=["phone"])
    VideoFile.objects.create(entry=entry, length=10, filename="a.mp4", expires_at=timezone.now())
    other = accepted_entry(the_contest, None)
    Vote.objects.create(contest=the_contest, entry=other, voter=user, day=timezone.localdate())
    PhoneVerification.objects.create(user=user, mobile="13800138000", verified_at=timezone.now())
    JudgeAssignment.objects.create(contest=the_contest, judge=user, category="open")
    ConflictDeclaration.objects.create(judge=user, entry=other, reason="a friend")
    Score.objects.create(entry=other, judge=user, criterion=criterion, value=3, comment="ok")
    Certificate.objects.create(entry=entry, rank=1, code="certificate-code")
    Report.objects.create(
        entry=other, reporter=user, reason="other", details="d", note="n", closed_at=timezone.now()
    )
