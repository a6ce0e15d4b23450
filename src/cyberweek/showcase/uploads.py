"""Receiving an entry's video: the state changes behind the tus endpoints (`tus.py`).

An upload is a `VideoFile` in state RECEIVING with a staging file. When its last byte
arrives, the file moves to the media storage (`default_storage`: a local folder, or S3
through django-storages) and the check runs in Celery (`processing.check_video`). An upload
abandoned half way expires and is cleaned up by `expire_uploads`.
"""

from datetime import timedelta
from pathlib import Path

from celery import shared_task
from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cyberweek.core import audit
from cyberweek.core.errors import (
    FileLimitExceeded,
    InvalidTransition,
    NotAuthenticated,
    NotFound,
    ValidationFailed,
)
from cyberweek.core.transactions import service

from . import processing
from .models import Entry, VideoFile

STEPS = ("probe_status", "decode_status", "poster_status", "rendition_status")
NOT_RECEIVING = _("This upload is finished or was abandoned; start a new one.")
EXTENSIONS = {"mp4", "mov", "webm", "mkv", "m4v"}


def too_large_message(limit: int) -> str:
    return gettext("The video is larger than the contest allows (%(mb)s MB).") % {
        "mb": f"{limit / 1_000_000:.0f}"
    }


def storage_folder(entry: Entry, video: VideoFile) -> str:
    return f"showcase/{entry.contest_id}/{entry.ref}/{video.upload_id}"


def _editable_entry(actor, entry_ref: str, now) -> Entry:
    if not getattr(actor, "is_authenticated", False):
        raise NotAuthenticated()
    entry = (
        Entry.objects.select_for_update()
        .select_related("contest")
        .filter(ref=entry_ref, entrant=actor, erased=False)
        .first()
    )
    if entry is None:
        raise NotFound(_("No such entry of yours."))
    if not entry.contest.submissions_open(now):
        raise InvalidTransition(_("Submissions to this contest are closed."))
    if entry.status == Entry.Status.REJECTED:
        raise InvalidTransition(_("This entry was rejected; its video cannot be replaced."))
    if entry.videos.filter(state=VideoFile.State.RECEIVED).exists():
        raise InvalidTransition(_("The last video is still being checked; wait for the result."))
    return entry


@service
def start_upload(*, actor, entry_ref: str, length: int, filename: str, now=None) -> VideoFile:
    """Open an upload of a (new or replacement) video for the actor's own entry, while the
    contest takes submissions. Uploads of the entry not yet finished are abandoned."""
    now = now or timezone.now()
    entry = _editable_entry(actor, entry_ref, now)
    if length <= 0:
        raise ValidationFailed(_("The file is empty."))
    if length > entry.contest.max_size_bytes:
        raise FileLimitExceeded(too_large_message(entry.contest.max_size_bytes))
    filename = Path(filename or "video").name[:120]
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension not in EXTENSIONS:
        raise ValidationFailed(
            _("Upload a video file (%(formats)s).") % {"formats": ", ".join(sorted(EXTENSIONS))}
        )
    for stale in entry.videos.filter(state=VideoFile.State.RECEIVING):
        _discard_staging(stale)
        stale.delete()
    video = VideoFile.objects.create(
        entry=entry,
        length=length,
        filename=filename,
        expires_at=now + timedelta(hours=settings.SHOWCASE_UPLOAD_EXPIRY_HOURS),
    )
    if entry.video_id is None:
        entry.status = Entry.Status.UPLOADING
        entry.save(update_fields=["status", "updated_at"])
    return video


def upload_of(*, actor, upload_id: str) -> VideoFile:
    if not getattr(actor, "is_authenticated", False):
        raise NotAuthenticated()
    video = (
        VideoFile.objects.select_related("entry")
        .filter(upload_id=upload_id, entry__entrant=actor)
        .first()
    )
    if video is None or video.expires_at <= timezone.now():
        raise NotFound(_("No such upload, or it has expired; start again."))
    return video


@service
def abandon_upload(*, actor, upload_id: str) -> None:
    video = upload_of(actor=actor, upload_id=upload_id)
    if video.state == VideoFile.State.RECEIVING:
        video.delete()


@service
def record_progress(*, video_id: int, offset: int, now=None) -> VideoFile:
    """Bytes up to `offset` are on disk; the upload stays open for another day from now."""
    now = now or timezone.now()
    video = VideoFile.objects.select_for_update().get(pk=video_id)
    if video.state != VideoFile.State.RECEIVING:
        raise InvalidTransition(NOT_RECEIVING)
    video.offset = offset
    video.expires_at = now + timedelta(hours=settings.SHOWCASE_UPLOAD_EXPIRY_HOURS)
    video.save(update_fields=["offset", "expires_at", "updated_at"])
    return video


def finish_upload(*, video_id: int, staging: Path) -> VideoFile:
    """The last byte arrived: move the file to the media storage, then mark it received
    and queue the check. If marking fails, the stored copy is deleted again, so nothing is
    left half stored; the staging file goes once the row says "received"."""
    video = VideoFile.objects.select_related("entry").get(pk=video_id)
    extension = video.filename.rsplit(".", 1)[-1].lower()
    name = f"{storage_folder(video.entry, video)}/original.{extension}"
    with open(staging, "rb") as handle:
        # The storage streams from the open file: no copy of the video in memory.
        stored = default_storage.save(name, File(handle))
    try:
        video = _mark_received(video_id=video_id, stored=stored)
    except BaseException:
        default_storage.delete(stored)
        raise
    staging.unlink(missing_ok=True)
    return video


@service
def _mark_received(*, video_id: int, stored: str) -> VideoFile:
    video = VideoFile.objects.select_for_update().select_related("entry").get(pk=video_id)
    if video.state != VideoFile.State.RECEIVING or video.offset != video.length:
        raise InvalidTransition(NOT_RECEIVING)
    video.original_name = stored
    video.state = VideoFile.State.RECEIVED
    video.save()
    entry = Entry.objects.select_for_update().get(pk=video.entry_id)
    if entry.video_id is None:
        entry.status = Entry.Status.CHECKING
    # else the previous video stays up (and its screening) until this one passes.
    entry.check_error, entry.check_error_params = "", {}
    for step in STEPS:
        setattr(entry, step, Entry.Step.PENDING)
    entry.save()
    audit.record(entry.entrant, "showcase.video_received", entry)
    transaction.on_commit(lambda: processing.check_video_task.delay(video.pk))
    return video


def staging_path(video: VideoFile) -> Path:
    return Path(settings.SHOWCASE_STAGING_DIR) / f"{video.upload_id}.part"


def _discard_staging(video: VideoFile) -> None:
    staging_path(video).unlink(missing_ok=True)


def expire_uploads(*, now=None) -> int:
    """Delete uploads that stopped half way and were not resumed in time, with their staging
    files; and staging files that no upload row knows (a crash between write and row)."""
    now = now or timezone.now()
    count = 0
    for video in VideoFile.objects.filter(state=VideoFile.State.RECEIVING, expires_at__lte=now):
        staging_path(video).unlink(missing_ok=True)
        video.delete()
        count += 1
    folder = Path(settings.SHOWCASE_STAGING_DIR)
    if folder.is_dir():
        known = set(
            VideoFile.objects.filter(state=VideoFile.State.RECEIVING).values_list(
                "upload_id", flat=True
            )
        )
        cutoff = (now - timedelta(hours=settings.SHOWCASE_UPLOAD_EXPIRY_HOURS)).timestamp()
        for path in folder.glob("*.part"):
            if path.stem not in known and path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)
                count += 1
    return count


@shared_task(name="showcase.expire_uploads")
def expire_uploads_task() -> int:
    return expire_uploads()
