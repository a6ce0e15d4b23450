"""Contest media served from the local folder (the embedded default), with HTTP Range.

Video players seek with Range requests and Safari refuses to play a video without 206
answers. Django's FileResponse has no Range support; WhiteNoise's responder has it (206,
416, HEAD, ETag and Last-Modified with If-None-Match / If-Modified-Since), so it serves
these files too, after the view decided who may see them. With S3-compatible storage the
view redirects to a signed URL and the object storage answers Range itself.

One correction to WhiteNoise 6.12: it answers a one-byte range (`bytes=0-0`, `bytes=-1`,
sent by Safari and MP4 demuxers probing) with 416, because it compares the inclusive end
with `>=` (evansd/whitenoise#711, open). `get_range_response` below is WhiteNoise's own
with `>`; everything else is WhiteNoise's.
"""

from http import HTTPStatus

from whitenoise.middleware import WhiteNoiseMiddleware
from whitenoise.responders import Response, SlicedFile, StaticFile


class _MediaFile(StaticFile):
    def get_range_response(self, range_header, base_headers, file_handle):
        headers = [item for item in base_headers if item[0] != "Content-Length"]
        size = next(int(value) for name, value in base_headers if name == "Content-Length")
        start, end = self.get_byte_range(range_header, size)
        if start > end or start >= size:
            return self.get_range_not_satisfiable_response(file_handle, size)
        if file_handle is not None:
            file_handle = SlicedFile(file_handle, start, end)
        headers.append(("Content-Range", f"bytes {start}-{end}/{size}"))
        headers.append(("Content-Length", str(end - start + 1)))
        return Response(HTTPStatus.PARTIAL_CONTENT, headers, file_handle)


def local_file_response(request, path: str, content_type: str):
    """The file at `path` as the answer to `request` (GET or HEAD, Range honoured)."""
    media = _MediaFile(
        path,
        [
            ("Content-Type", content_type),
            ("Cache-Control", "private, max-age=3600"),
            ("Accept-Ranges", "bytes"),
        ],
    )
    return WhiteNoiseMiddleware.serve(media, request)
