"""Demo micro-video contest: one contest open for submissions and votes, with criteria and
the national organiser as judge of the open category. When ffmpeg is installed, two demo
entrants upload a generated two-second clip each through the real pipeline (the same
finish-and-check path a tus upload takes), so the gallery, screening and judging have
something to show; without ffmpeg the contest stays empty rather than holding entries
without videos. `load(national_user)` is called by `cyberweek load_demo`; repeatable."""

import shutil
import subprocess
import tempfile
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from cyberweek.accounts.models import User

from . import services, uploads
from .models import Criterion, JudgeAssignment, VideoContest, VideoFile

SLUG = "payment-clearing-cup"
CLIPS = [
    ("demo-creator1@example.org", "守护你的个人信息", "youth", "个人信息保护"),
    ("demo-creator2@example.org", "识破电信诈骗", "open", "反诈"),
]


def _contest() -> VideoContest:
    now = timezone.now()
    contest, _new = VideoContest.objects.get_or_create(
        slug=SLUG,
        defaults={
            "title": "“支付清算杯”网络安全微视频大赛（演示）",
            "title_en": "Payment-Clearing Cup micro-video contest (demo)",
            "rules": "作品时长不超过 3 分钟，须为原创，主题积极向上。",
            "themes": "个人信息保护\n反诈\n校园网络安全",
            "is_published": True,
            "submission_opens_at": now - timedelta(days=1),
            "submission_closes_at": now + timedelta(days=14),
            "voting_opens_at": now - timedelta(days=1),
            "voting_closes_at": now + timedelta(days=21),
            "max_duration_seconds": 180,
        },
    )
    if not contest.criteria.exists():
        for position, (name, name_en, weight) in enumerate(
            [("主题契合", "Fit to the theme", 3), ("创意", "Creativity", 2), ("制作", "Craft", 1)]
        ):
            Criterion.objects.create(
                contest=contest, name=name, name_en=name_en, weight=weight, position=position
            )
    return contest


def _clip(folder: Path) -> Path | None:
    if shutil.which(settings.SHOWCASE_FFMPEG) is None:
        return None
    path = folder / "demo.mp4"
    subprocess.run(  # noqa: S603
        [
            settings.SHOWCASE_FFMPEG,
            "-v",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            "testsrc=duration=2:size=320x240:rate=15",
            "-f",
            "lavfi",
            "-i",
            "sine=frequency=440:duration=2",
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-pix_fmt",
            "yuv420p",
            "-c:a",
            "aac",
            "-shortest",
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return path


def _creator(email: str) -> User:
    user = User.objects.by_email(email).first()
    if user is None:
        user = User.objects.create_user(email, display_name="演示作者")
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def load(national_user) -> VideoContest:
    contest = _contest()
    JudgeAssignment.objects.get_or_create(contest=contest, judge=national_user, category="open")
    if contest.entries.exists():
        return contest
    with tempfile.TemporaryDirectory() as folder:
        clip = _clip(Path(folder))
        if clip is None:
            return contest
        for email, title, category, theme in CLIPS:
            creator = _creator(email)
            entry = services.save_entry(
                actor=creator,
                contest_id=contest.pk,
                title=title,
                description="演示作品：测试画面与提示音。",
                category=category,
                theme=theme,
                display_name="演示作者",
            )
            video = uploads.start_upload(
                actor=creator, entry_ref=entry.ref, length=clip.stat().st_size, filename="demo.mp4"
            )
            staging = uploads.staging_path(video)
            staging.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(clip, staging)
            VideoFile.objects.filter(pk=video.pk).update(offset=video.length)
            # Checked after the loader's transaction commits (inline in the embedded runtime).
            uploads.finish_upload(video_id=video.pk, staging=staging)
    return contest
