"""What a challenge's attachment may be, checked through `core.bounded_files`.

A CTF hands teams archives, captures, binaries and images whose exact bytes are the puzzle
(a steganography image re-encoded loses its secret), so nothing is converted: the file is
kept as sent once its content is what its name says. Each allowed ending has the bytes its
format starts with; archives are inflated through the bounded reader's counters (the same
limits as every other upload) and text must decode as text. A file that is not what its
name claims is refused with a message that says so.
"""

import hashlib
import os
import re
import unicodedata
from dataclasses import dataclass

from django.utils.translation import gettext as _

from cyberweek.core.bounded_files import FileLimits, check_size, check_zip, decoded_text
from cyberweek.core.errors import UnreadableFile, ValidationFailed

_TEXT = ("text/plain; charset=utf-8", None)
# ending -> (content type, the bytes the file starts with; None: text, checked by decoding)
KINDS: dict[str, tuple[str, tuple[bytes, ...] | None]] = {
    ".zip": ("application/zip", (b"PK\x03\x04",)),
    ".gz": ("application/gzip", (b"\x1f\x8b",)),
    ".tgz": ("application/gzip", (b"\x1f\x8b",)),
    ".7z": ("application/x-7z-compressed", (b"7z\xbc\xaf\x27\x1c",)),
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".gif": ("image/gif", (b"GIF87a", b"GIF89a")),
    ".wav": ("audio/wav", (b"RIFF",)),
    ".pcap": ("application/vnd.tcpdump.pcap", (b"\xd4\xc3\xb2\xa1", b"\xa1\xb2\xc3\xd4")),
    ".pcapng": ("application/vnd.tcpdump.pcap", (b"\x0a\x0d\x0d\x0a",)),
    ".elf": ("application/octet-stream", (b"\x7fELF",)),
    ".exe": ("application/octet-stream", (b"MZ",)),
    ".txt": _TEXT,
    ".py": _TEXT,
    ".c": _TEXT,
    ".md": _TEXT,
}
NAME_MAX = 100
_SAFE_NAME = re.compile(r"[^\w.\-]+")


@dataclass(frozen=True)
class CheckedFile:
    name: str
    content_type: str
    sha256: str


def clean_name(filename: str) -> tuple[str, str]:
    """The file name to show (no folders, no markup, no control characters) and its
    ending, or a refusal."""
    base = os.path.basename(unicodedata.normalize("NFKC", (filename or "").replace("\\", "/")))
    stem, ending = os.path.splitext(base)
    ending = ending.lower()
    if ending not in KINDS:
        raise ValidationFailed(
            _("Attachments may be %(kinds)s files.") % {"kinds": ", ".join(sorted(KINDS))},
            field="file",
        )
    stem = _SAFE_NAME.sub("_", stem).strip("._") or "file"
    return f"{stem[: NAME_MAX - len(ending)]}{ending}", ending


def check(filename: str, content: bytes) -> CheckedFile:
    """Refuse a file that is too big, of a kind not allowed, or not what its name says."""
    limits = FileLimits.from_settings()
    check_size(len(content), limits)
    name, ending = clean_name(filename)
    content_type, starts = KINDS[ending]
    if not content:
        raise ValidationFailed(_("The file is empty."), field="file")
    if starts is None:
        decoded_text(content, limits)
    elif not content.startswith(starts):
        raise UnreadableFile(
            _("This is not a %(kind)s file, whatever its name says.") % {"kind": ending},
            field="file",
        )
    elif ending == ".zip":
        check_zip(content, limits)
    return CheckedFile(name, content_type, hashlib.sha256(content).hexdigest())
