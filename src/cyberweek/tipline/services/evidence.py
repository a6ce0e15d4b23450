"""Screenshots sent with a report: read within bounds, then redrawn so that no metadata
(location, camera, author) reaches a volunteer. Every file goes through the platform's
bounded file handling (`core.bounded_files`)."""

import base64

from django.utils.translation import gettext as _

from cyberweek.core.bounded_files import FileLimits, check_size, reencoded_image
from cyberweek.core.errors import ValidationFailed

from ..models import Evidence

MAX_IMAGES = 5
MAX_IMAGE_BYTES = 5 * 1024 * 1024


def evidence_of(uploads) -> list[bytes]:
    """The bytes of uploaded screenshots, for `file_report`: at most `MAX_IMAGES`, each
    refused past `MAX_IMAGE_BYTES` before it is read, and never read beyond that. The
    report page and the API both read uploads here."""
    uploads = [upload for upload in (uploads or []) if upload]
    if len(uploads) > MAX_IMAGES:
        raise ValidationFailed(
            _("Attach at most %(n)s screenshots.") % {"n": MAX_IMAGES}, field="evidence"
        )
    limits = FileLimits.from_settings(file_bytes=MAX_IMAGE_BYTES)
    contents = []
    for upload in uploads:
        check_size(upload.size, limits)
        contents.append(upload.read(limits.file_bytes + 1))
    return contents


def reencoded_images(images) -> list:
    """Each screenshot redrawn (`core.bounded_files.reencoded_image`); refused as a whole
    when one is not an image, is too large or is a decompression bomb."""
    images = list(images or [])
    if len(images) > MAX_IMAGES:
        raise ValidationFailed(
            _("Attach at most %(n)s screenshots.") % {"n": MAX_IMAGES}, field="evidence"
        )
    limits = FileLimits.from_settings(file_bytes=MAX_IMAGE_BYTES)
    return [reencoded_image(content, limits) for content in images]


def decode_evidence(evidence: Evidence) -> bytes:
    return base64.b64decode(evidence.content)
