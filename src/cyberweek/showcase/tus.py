"""The server side of the tus resumable-upload protocol (1.0.0: core, creation, expiration,
termination), for contest videos of up to a gigabyte.

Why our own module and not a package: the Django tus servers on PyPI are either unmaintained
(django-tus, last release 2020) or built on Django REST framework (drf-tus), which this
project does not use. The core protocol is four small verbs; what matters here is ours
anyway: the upload belongs to an entry of the signed-in person, the contest's size limit is
enforced at creation and again while bytes arrive, and the bytes stream to a staging file
in 64 KiB pieces, so the web process's memory stays flat whatever the file's size. The
browser side is the maintained client `tus-js-client` (npm, vendored).

- POST   /showcase/tus/          create an upload for an entry (Upload-Length, Upload-Metadata)
- HEAD   /showcase/tus/<id>      how much has arrived (Upload-Offset): the client resumes there
- PATCH  /showcase/tus/<id>      append bytes at Upload-Offset
- DELETE /showcase/tus/<id>      abandon the upload
- OPTIONS                        what this server supports

Several web nodes: `SHOWCASE_STAGING_DIR` is a volume they share, and nginx sends every
piece of one upload to one node (deploy/nginx/cyberweek.conf). A node never trusts the
row's offset beyond the bytes its staging file holds: where they are missing (a folder
that is not shared after all), HEAD and PATCH answer with the shorter offset and the
client sends the rest again; the file is never patched with a hole.

An upload that stops half way expires after `SHOWCASE_UPLOAD_EXPIRY_HOURS`; the Celery beat
task `showcase.expire_uploads` deletes its staging file and row. One PATCH at a time per
upload: an exclusive lock on the staging file refuses a second one (423).
"""

import base64
import fcntl
import os

from django.http import HttpResponse
from django.urls import reverse
from django.utils.http import http_date
from django.views.decorators.http import require_http_methods

from cyberweek.core.errors import DomainError
from cyberweek.core.request_guards import body_limit

from . import uploads
from .models import VideoFile
from .uploads import staging_path

VERSION = "1.0.0"
CHUNK = 64 * 1024
# One PATCH carries at most this much (the page sends 4 MiB pieces); nginx takes 6 MiB.
MAX_PATCH_BYTES = 6 * 1024 * 1024
EXTENSIONS = "creation,expiration,termination"


def _response(status: int, **headers) -> HttpResponse:
    response = HttpResponse(status=status)
    response["Tus-Resumable"] = VERSION
    response["Cache-Control"] = "no-store"
    for name, value in headers.items():
        response[name.replace("_", "-")] = str(value)
    return response


def _problem(status: int, message) -> HttpResponse:
    # tus-js-client shows the response text in its error; a plain sentence reads best.
    response = HttpResponse(str(message), status=status, content_type="text/plain; charset=utf-8")
    response["Tus-Resumable"] = VERSION
    return response


def parse_metadata(header: str) -> dict[str, str]:
    """`key base64value,key2 base64value2` -> {key: value}; undecodable values are dropped."""
    found = {}
    for pair in (header or "").split(","):
        parts = pair.strip().split(" ")
        if not parts or not parts[0]:
            continue
        try:
            found[parts[0]] = base64.b64decode(parts[1]).decode() if len(parts) > 1 else ""
        except (ValueError, UnicodeDecodeError):
            continue
    return found


def _expires(video: VideoFile) -> str:
    return http_date(video.expires_at.timestamp())


@require_http_methods(["OPTIONS", "POST"])
def create(request):
    if request.method == "OPTIONS":
        return _response(204, Tus_Version=VERSION, Tus_Extension=EXTENSIONS)
    if request.headers.get("Tus-Resumable") != VERSION:
        return _response(412, Tus_Version=VERSION)
    try:
        length = int(request.headers.get("Upload-Length", ""))
    except ValueError:
        return _problem(400, "Upload-Length must be a whole number of bytes.")
    metadata = parse_metadata(request.headers.get("Upload-Metadata", ""))
    try:
        video = uploads.start_upload(
            actor=request.user,
            entry_ref=metadata.get("entry", ""),
            length=length,
            filename=metadata.get("filename", ""),
        )
    except DomainError as error:
        return _problem(error.status, error.message)
    location = request.build_absolute_uri(reverse("showcase-tus-upload", args=[video.upload_id]))
    return _response(201, Location=location, Upload_Expires=_expires(video))


@body_limit(MAX_PATCH_BYTES)
@require_http_methods(["OPTIONS", "HEAD", "PATCH", "DELETE"])
def upload(request, upload_id: str):
    if request.method == "OPTIONS":
        return _response(204, Tus_Version=VERSION, Tus_Extension=EXTENSIONS)
    if request.headers.get("Tus-Resumable") != VERSION:
        return _response(412, Tus_Version=VERSION)
    try:
        video = uploads.upload_of(actor=request.user, upload_id=upload_id)
    except DomainError as error:
        return _problem(error.status, error.message)
    if request.method == "HEAD":
        video = _offset_on_disk(video)
        return _response(
            200,
            Upload_Offset=video.offset,
            Upload_Length=video.length,
            Upload_Expires=_expires(video),
        )
    if request.method == "DELETE":
        uploads.abandon_upload(actor=request.user, upload_id=upload_id)
        staging_path(video).unlink(missing_ok=True)
        return _response(204)
    return _patch(request, video)


def _offset_on_disk(video: VideoFile) -> VideoFile:
    """The upload with the offset this node can resume from: the row's, unless the staging
    file here is shorter (then the row is set back to it, and the client sends the rest)."""
    path = staging_path(video)
    on_disk = path.stat().st_size if path.exists() else 0
    if on_disk >= video.offset or video.state != VideoFile.State.RECEIVING:
        return video
    try:
        return uploads.record_progress(video_id=video.pk, offset=on_disk)
    except DomainError:
        return video


def _patch(request, video: VideoFile) -> HttpResponse:
    if request.content_type != "application/offset+octet-stream":
        return _problem(415, "Content-Type must be application/offset+octet-stream.")
    try:
        offset = int(request.headers.get("Upload-Offset", ""))
    except ValueError:
        return _problem(400, "Upload-Offset must be a whole number of bytes.")
    if video.state != VideoFile.State.RECEIVING:
        return _problem(409, uploads.NOT_RECEIVING)
    if offset != video.offset:
        return _response(409, Upload_Offset=video.offset)
    declared = request.headers.get("Content-Length")
    if declared and declared.isdigit() and offset + int(declared) > video.length:
        return _problem(413, uploads.too_large_message(video.length))
    path = staging_path(video)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "ab") as part:
        try:
            fcntl.flock(part, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return _problem(423, "Another part of this upload is being received.")
        on_disk = os.fstat(part.fileno()).st_size
        if on_disk < offset:
            # This node's staging folder lacks bytes the row counts (a folder not shared
            # between nodes, or lost): the client resumes from what is really here.
            video = uploads.record_progress(video_id=video.pk, offset=on_disk)
            return _response(409, Upload_Offset=video.offset)
        # What is on disk is the truth: a request that died after writing but before the
        # row was updated left bytes past `offset`; they are cut off and sent again.
        part.truncate(offset)
        part.seek(offset)
        received = offset
        while True:
            data = request.read(CHUNK)
            if not data:
                break
            received += len(data)
            if received > video.length:
                part.truncate(offset)
                return _problem(413, uploads.too_large_message(video.length))
            part.write(data)
        part.flush()
        os.fsync(part.fileno())
    try:
        video = uploads.record_progress(video_id=video.pk, offset=received)
        if video.offset == video.length:
            video = uploads.finish_upload(video_id=video.pk, staging=path)
    except DomainError as error:
        return _problem(error.status, error.message)
    return _response(204, Upload_Offset=video.offset, Upload_Expires=_expires(video))
