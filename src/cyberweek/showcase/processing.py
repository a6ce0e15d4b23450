"""Checking an uploaded video and making what the pages show, with ffprobe and ffmpeg.

Four steps, each with its status on the entry so the creator can follow them:

1. format check: `ffprobe` reads the container and streams; the container must be one the
   contest accepts, with a video stream within the contest's duration, resolution and
   frame-rate limits (which also refuses decompression bombs: a huge picture or frame
   count is over a limit before anything is decoded); the audio, if any, is recorded;
2. full decode: `ffmpeg -v error -xerror -i FILE -f null -`, bounded by a timeout, refuses
   a truncated or corrupt file that the container header alone does not give away;
3. poster frame: one JPEG frame;
4. web version: H.264/AAC in MP4 with `+faststart`, at most 720 lines, for the <video>.

A refused file is deleted from the storage with whatever was made from it, and the entry
keeps its previous good video, if it had one. Runs in Celery (inline in the embedded
default); ffmpeg runs as a child process with a timeout, so a hostile file costs at most
that much time.
"""

import json
import shutil
import subprocess
import tempfile
from contextlib import contextmanager
from pathlib import Path

from celery import shared_task
from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from cyberweek.core import audit

from . import casting
from .models import Entry, VideoContest, VideoFile

PROBE_TIMEOUT = 60
POSTER_TIMEOUT = 120

# What ffprobe calls each container the contest may accept.
CONTAINERS = {
    "mp4": {"mov", "mp4", "m4a", "3gp", "3g2", "mj2"},
    "mov": {"mov", "mp4", "m4a", "3gp", "3g2", "mj2"},
    "webm": {"matroska", "webm"},
    "mkv": {"matroska", "webm"},
}


class Refused(Exception):
    """The video breaks a rule; the message tells the creator which. It is kept as the
    untranslated message and its values, and put in the reader's language when shown."""

    def __init__(self, message, params: dict | None = None):
        self.message, self.params = message, params or {}
        super().__init__(str(message))

    @property
    def msgid(self) -> str:
        with translation.override(None):
            return str(self.message)


def _run(args: list[str], timeout: int) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603  (fixed programs, the file is an argument)
        args, capture_output=True, timeout=timeout, check=False, stdin=subprocess.DEVNULL
    )


def probe(path: Path, contest: VideoContest) -> dict:
    """What the file is, checked against the contest's limits; raises `Refused`."""
    try:
        result = _run(
            [
                settings.SHOWCASE_FFPROBE,
                "-v",
                "error",
                "-print_format",
                "json",
                "-show_format",
                "-show_streams",
                str(path),
            ],
            PROBE_TIMEOUT,
        )
    except subprocess.TimeoutExpired as error:
        raise Refused(_("The file could not be read in time; it is not a usable video.")) from error
    try:
        found = json.loads(result.stdout or b"{}")
    except ValueError:
        found = {}
    if result.returncode != 0 or "format" not in found:
        raise Refused(
            _("This file is not a video we can read (it may be damaged, cut short or not a video).")
        )
    names = set(found["format"].get("format_name", "").split(","))
    allowed = set().union(*(CONTAINERS.get(f, set()) for f in contest.formats))
    if not names & allowed:
        raise Refused(
            _("This kind of file is not accepted; upload %(formats)s."),
            {"formats": ", ".join(contest.formats)},
        )
    video = next((s for s in found.get("streams", []) if s.get("codec_type") == "video"), None)
    if video is None:
        raise Refused(_("The file has no picture."))
    audio = next((s for s in found.get("streams", []) if s.get("codec_type") == "audio"), None)
    width, height = int(video.get("width") or 0), int(video.get("height") or 0)
    duration = _number(found["format"].get("duration")) or _number(video.get("duration"))
    fps = _rate(video.get("avg_frame_rate")) or _rate(video.get("r_frame_rate"))
    if not width or not height or not duration:
        raise Refused(_("The file's picture size or length cannot be read."))
    if duration > contest.max_duration_seconds:
        raise Refused(
            _("The video is %(found)d seconds long; the contest allows at most %(limit)d."),
            {"found": round(duration), "limit": contest.max_duration_seconds},
        )
    if width > contest.max_width or height > contest.max_height:
        raise Refused(
            _("The picture is %(w)d×%(h)d; the contest allows at most %(mw)d×%(mh)d."),
            {"w": width, "h": height, "mw": contest.max_width, "mh": contest.max_height},
        )
    if fps > contest.max_fps + 0.5:
        raise Refused(
            _("The video has %(found)d frames a second; the contest allows at most %(limit)d."),
            {"found": round(fps), "limit": contest.max_fps},
        )
    return {
        "container": found["format"].get("format_name", ""),
        "video_codec": video.get("codec_name", ""),
        "width": width,
        "height": height,
        "fps": round(fps, 3),
        "duration": round(duration, 3),
        "audio_codec": audio.get("codec_name", "") if audio else "",
    }


def _number(value) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0


def _rate(value) -> float:
    numerator, _sep, denominator = str(value or "").partition("/")
    top, bottom = _number(numerator), _number(denominator or 1)
    return top / bottom if bottom else 0.0


def decode(path: Path, duration: float) -> None:
    """Decode every frame; any error, or running past the timeout, refuses the file."""
    timeout = min(settings.SHOWCASE_DECODE_TIMEOUT, max(30, int(duration * 4)))
    try:
        result = _run(
            [
                settings.SHOWCASE_FFMPEG,
                "-v",
                "error",
                "-xerror",
                "-i",
                str(path),
                "-f",
                "null",
                "-",
            ],
            timeout,
        )
    except subprocess.TimeoutExpired as error:
        raise Refused(_("Decoding the video took too long; it cannot be accepted.")) from error
    if result.returncode != 0 or result.stderr.strip():
        raise Refused(_("The video is damaged or cut short: it does not play to the end."))


def poster(path: Path, target: Path, duration: float) -> None:
    at = f"{min(1.0, duration / 2):.2f}"
    args = [settings.SHOWCASE_FFMPEG, "-v", "error", "-y", "-ss", at, "-i", str(path)]
    args += ["-frames:v", "1", "-vf", "scale=-2:'min(720,ih)'", "-q:v", "4", str(target)]
    result = _run(args, POSTER_TIMEOUT)
    if result.returncode != 0 or not target.exists():
        raise Refused(_("No poster frame could be made from the video."))


def rendition(path: Path, target: Path, has_audio: bool, duration: float) -> None:
    args = [settings.SHOWCASE_FFMPEG, "-v", "error", "-y", "-i", str(path)]
    args += ["-map", "0:v:0", "-c:v", "libx264", "-preset", "veryfast", "-crf", "26"]
    args += ["-pix_fmt", "yuv420p", "-vf", "scale=-2:'min(720,ih)'"]
    args += ["-map", "0:a:0", "-c:a", "aac", "-b:a", "128k"] if has_audio else ["-an"]
    args += ["-movflags", "+faststart", str(target)]
    timeout = min(settings.SHOWCASE_DECODE_TIMEOUT * 2, max(60, int(duration * 20)))
    try:
        result = _run(args, timeout)
    except subprocess.TimeoutExpired as error:
        raise Refused(_("Making the web version took too long.")) from error
    if result.returncode != 0 or not target.exists():
        raise Refused(_("The web version could not be made from this video."))


@contextmanager
def _local_copy(name: str):
    """A path ffmpeg can open: the file itself on a local storage, else a temporary copy."""
    try:
        yield Path(default_storage.path(name))
    except NotImplementedError:
        with tempfile.NamedTemporaryFile(suffix=Path(name).suffix) as copy:
            with default_storage.open(name, "rb") as source:
                shutil.copyfileobj(source, copy, 1024 * 1024)
            copy.flush()
            yield Path(copy.name)


def _set_step(entry_id: int, **steps) -> None:
    Entry.objects.filter(pk=entry_id).update(**steps)


def check_video(video_id: int) -> VideoFile:
    """Run the four steps on a received video and record the outcome (see the module)."""
    video = VideoFile.objects.select_related("entry__contest").get(pk=video_id)
    if video.state != VideoFile.State.RECEIVED:
        return video
    entry = video.entry
    made: list[str] = []
    step = "probe_status"
    try:
        with _local_copy(video.original_name) as path, tempfile.TemporaryDirectory() as work:
            _set_step(entry.pk, probe_status=Entry.Step.RUNNING)
            details = probe(path, entry.contest)
            step = "decode_status"
            _set_step(entry.pk, probe_status=Entry.Step.DONE, decode_status=Entry.Step.RUNNING)
            decode(path, details["duration"])
            step = "poster_status"
            _set_step(entry.pk, decode_status=Entry.Step.DONE, poster_status=Entry.Step.RUNNING)
            folder = video.original_name.rsplit("/", 1)[0]
            poster(path, Path(work) / "poster.jpg", details["duration"])
            made.append(_store(Path(work) / "poster.jpg", f"{folder}/poster.jpg"))
            step = "rendition_status"
            _set_step(entry.pk, poster_status=Entry.Step.DONE, rendition_status=Entry.Step.RUNNING)
            has_audio = bool(details["audio_codec"])
            rendition(path, Path(work) / "web.mp4", has_audio, details["duration"])
            made.append(_store(Path(work) / "web.mp4", f"{folder}/web.mp4"))
    except Refused as error:
        for name in [*made, video.original_name]:
            default_storage.delete(name)
        return _refuse(video, step, error)
    return _accept(video, details, poster_name=made[0], rendition_name=made[1])


def _store(path: Path, name: str) -> str:
    with open(path, "rb") as handle:
        return default_storage.save(name, File(handle))


@transaction.atomic
def _refuse(video: VideoFile, step: str, error: Refused) -> VideoFile:
    video = VideoFile.objects.select_for_update().get(pk=video.pk)
    entry = Entry.objects.select_for_update().get(pk=video.entry_id)
    video.state = VideoFile.State.FAILED
    video.original_name = ""
    video.save()
    setattr(entry, step, Entry.Step.FAILED)
    entry.check_error, entry.check_error_params = error.msgid, error.params
    # A refused replacement leaves the previous good video in place, and its screening.
    if entry.video_id is None:
        entry.status = Entry.Status.UPLOADING
    entry.save()
    audit.record(entry.entrant, "showcase.video_refused", entry, step=step)
    return video


@transaction.atomic
def _accept(video: VideoFile, details: dict, *, poster_name: str, rendition_name: str):
    video = VideoFile.objects.select_for_update().get(pk=video.pk)
    entry = Entry.objects.select_for_update().get(pk=video.entry_id)
    previous = entry.video
    video.state = VideoFile.State.READY
    video.probe = details
    video.poster_name, video.rendition_name = poster_name, rendition_name
    video.save()
    if previous is not None and previous.pk != video.pk:
        names = [previous.original_name, previous.poster_name, previous.rendition_name]
        transaction.on_commit(lambda: [default_storage.delete(n) for n in names if n])
        previous.state = VideoFile.State.REPLACED
        previous.original_name = previous.poster_name = previous.rendition_name = ""
        previous.save()
    entry.video = video
    entry.rendition_status = Entry.Step.DONE
    entry.check_error, entry.check_error_params = "", {}
    # A new video is screened again, whatever the last decision on the old one was.
    entry.status = Entry.Status.SCREENING
    entry.save()
    casting.votable_changed()
    audit.record(entry.entrant, "showcase.video_ready", entry)
    return video


@shared_task(name="showcase.check_video", acks_late=True)
def check_video_task(video_id: int) -> str:
    return check_video(video_id).state
