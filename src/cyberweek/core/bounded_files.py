"""Reading files that strangers send: the one bounded reader for every format the platform
opens (.xlsx, .docx, .pdf, CSV, YAML, plain text) and for every app that opens them.

Why one module: a file that is small on the wire can be enormous once read. A 0.36 MB
.docx unpacked to hundreds of megabytes and held a worker for 22 s; a 208 KB .xlsx peaked
at 530 MB. So every limit is counted while reading, never taken from what the file says
about itself (a ZIP's directory declares its members' sizes and a PDF its page count; both
can lie), and reading stops at the first limit passed with a `FileLimitExceeded` that
names it:

- file bytes: the upload as sent;
- inflated bytes: before a library opens a ZIP (.xlsx, .docx), every member is inflated
  through a counter. zipfile never hands a library more of a member than its directory
  declares (the rest fails the CRC), so the library reads no more than was counted. The
  same budget caps what pypdf may decompress, per stream and over all pages;
- members of a ZIP, counted from its end record before its directory is parsed;
- XML tags in a ZIP's parts, counted while inflating: parsing time follows the tags, not
  the bytes (openpyxl took 1.8 s for 4 MB of small cells on a busy two-core machine);
- pages of a PDF, the declared count first, then the pages actually found;
- characters of text taken out, and rows of a table (every cell counts as a character,
  so a row 16,384 cells wide costs what it weighs);
- nesting: an XML part may not declare a DTD (entity expansion, "billion laughs"; office
  files never need one); YAML may not use aliases (a few lines can name a billion nodes)
  and nests at most `depth` deep.

Data read here (cells, CSV fields, YAML strings, text files) never holds a NUL character:
no field takes one and PostgreSQL cannot store one. Text taken out of a document to be
looked at (`document_text`) has its NULs replaced instead, as PDFs with odd fonts have them.

Limits come from settings (`UPLOAD_MAX_*`, listed in the README); a caller may narrow them
for its own use (`FileLimits.from_settings(file_bytes=...)`), never widen them.
"""

import csv
import io
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, fields, replace
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from .errors import FileLimitExceeded, NulCharacter, UnreadableFile

TEXT_ENCODINGS = ("utf-8-sig", "gb18030")  # GB18030: what spreadsheets on Chinese Windows save
DOCUMENT_SUFFIXES = (".docx", ".xlsx", ".pdf")
_CHUNK = 64 * 1024
_XML_SUFFIXES = (".xml", ".rels", ".vml")
# A DTD, in the encodings an XML part may use. Office files never carry one.
_DTD_MARKS = tuple(
    mark.encode(encoding)
    for mark in ("<!DOCTYPE", "<!ENTITY")
    for encoding in ("utf-8", "utf-16-le", "utf-16-be")
)
# pypdf's limits on what one stream may decompress to; each is set to our budget.
_PDF_OUTPUT_LIMITS = (
    "array_based_stream_maximum_output_length",
    "jbig2_maximum_output_length",
    "lzw_maximum_output_length",
    "run_length_maximum_output_length",
    "zlib_maximum_output_length",
    "brotli_maximum_output_length",
    "image_maximum_buffer_size",
    "maximum_declared_stream_length",
    "stream_decoding_work_maximum_length",
)


@dataclass(frozen=True)
class FileLimits:
    file_bytes: int
    inflated_bytes: int
    members: int
    pages: int
    characters: int
    rows: int
    depth: int
    xml_tags: int

    @classmethod
    def from_settings(cls, **narrower: int) -> "FileLimits":
        """The limits in settings, each narrowed (never widened) by the caller's."""
        base = cls(
            file_bytes=settings.UPLOAD_MAX_FILE_BYTES,
            inflated_bytes=settings.UPLOAD_MAX_INFLATED_BYTES,
            members=settings.UPLOAD_MAX_MEMBERS,
            pages=settings.UPLOAD_MAX_PDF_PAGES,
            characters=settings.UPLOAD_MAX_CHARACTERS,
            rows=settings.UPLOAD_MAX_ROWS,
            depth=settings.UPLOAD_MAX_DEPTH,
            xml_tags=settings.UPLOAD_MAX_XML_TAGS,
        )
        names = {f.name for f in fields(cls)}
        unknown = set(narrower) - names
        if unknown:
            raise TypeError(f"unknown limits: {', '.join(sorted(unknown))}")
        return replace(base, **{k: min(v, getattr(base, k)) for k, v in narrower.items()})


def _number(value: int) -> str:
    return f"{value:,}"


def _megabytes(value: int) -> str:
    return f"{value / 1024 / 1024:g}"


class _Characters:
    """Counts characters handed out and refuses past the limit."""

    def __init__(self, limit: int):
        self.limit = limit
        self.count = 0

    def add(self, n: int) -> None:
        self.count += n
        if self.count > self.limit:
            raise FileLimitExceeded(
                _("The file holds more than %(limit)s characters of text; check it in parts.")
                % {"limit": _number(self.limit)},
                field="file",
            )


def check_size(size: int, limits: FileLimits) -> None:
    """Refuse a file larger than `limits.file_bytes` (call it before reading the file)."""
    if size > limits.file_bytes:
        raise FileLimitExceeded(
            _("The file is larger than %(size)s MB.") % {"size": _megabytes(limits.file_bytes)},
            field="file",
        )


def _refuse_nul(text: str, where: str) -> None:
    if "\x00" in text:
        raise NulCharacter(
            _("%(where)s has a NUL character (U+0000), which no text may hold.") % {"where": where},
            field="file",
        )


# --- ZIP: .xlsx and .docx --------------------------------------------------------------------
_EOCD = b"PK\x05\x06"
_EOCD_SIZE = 22


def _declared_member_count(content: bytes) -> int | None:
    """The number of members the end record announces, read before zipfile builds its
    directory (a 5 MB file can hold 100,000 entries). None when there is no end record."""
    at = content.rfind(_EOCD, max(0, len(content) - _EOCD_SIZE - 0xFFFF))
    if at < 0 or at + _EOCD_SIZE > len(content):
        return None
    return struct.unpack("<H", content[at + 10 : at + 12])[0]


_ZIP_KINDS = {".xlsx": "xl/workbook.xml", ".docx": "word/document.xml"}


def check_zip(content: bytes, limits: FileLimits, *, kind: str = "") -> None:
    """Inflate every member of a ZIP through a counter, before any library opens it.

    Refuses what is not a ZIP (or, with `kind` ".xlsx" or ".docx", not that kind of
    file), a damaged archive, encrypted members, more than `limits.members` members, more
    than `limits.inflated_bytes` once inflated, more than `limits.xml_tags` tags, and XML
    parts that declare a DTD."""
    check_size(len(content), limits)
    not_this_kind = UnreadableFile(
        _("This is not a %(kind)s file, whatever its name says.") % {"kind": kind or ".zip"},
        field="file",
    )
    damaged = UnreadableFile(_("The file is damaged and cannot be read."), field="file")
    if not content.startswith(b"PK\x03\x04"):
        raise not_this_kind
    declared = _declared_member_count(content)
    if declared is None:
        raise damaged
    too_many = FileLimitExceeded(
        _("The file holds more than %(limit)s parts once unpacked.")
        % {"limit": _number(limits.members)},
        field="file",
    )
    if declared > limits.members:  # 0xFFFF means ZIP64, never needed by an office file
        raise too_many
    too_big = FileLimitExceeded(
        _("The file unpacks to more than %(size)s MB.")
        % {"size": _megabytes(limits.inflated_bytes)},
        field="file",
    )
    too_complex = FileLimitExceeded(
        _("The file holds more than %(limit)s pieces of markup once unpacked.")
        % {"limit": _number(limits.xml_tags)},
        field="file",
    )
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = archive.infolist()
            if len(members) > limits.members:
                raise too_many
            if kind and _ZIP_KINDS[kind] not in {m.filename for m in members}:
                raise not_this_kind
            inflated = tags = 0
            for member in members:
                if member.flag_bits & 0x1:
                    raise UnreadableFile(
                        _("The file is protected by a password; remove it and try again."),
                        field="file",
                    )
                xml = member.filename.lower().endswith(_XML_SUFFIXES)
                tail = b""
                with archive.open(member) as stream:
                    while chunk := stream.read(_CHUNK):
                        inflated += len(chunk)
                        if inflated > limits.inflated_bytes:
                            raise too_big
                        if xml:
                            tags += chunk.count(b"<")
                            if tags > limits.xml_tags:
                                raise too_complex
                        if xml and _declares_dtd(tail + chunk):
                            raise FileLimitExceeded(
                                _(
                                    "The file declares XML entities, which office files never "
                                    "need and which can expand without bound."
                                ),
                                field="file",
                            )
                        tail = chunk[-32:]
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as error:
        raise damaged from error
    except (NotImplementedError, RuntimeError) as error:  # unknown compression, encryption
        raise damaged from error


def _declares_dtd(data: bytes) -> bool:
    return any(mark in data for mark in _DTD_MARKS)


# --- Spreadsheets ------------------------------------------------------------------------------
def _open_workbook(content: bytes, limits: FileLimits):
    check_zip(content, limits, kind=".xlsx")
    from openpyxl import load_workbook

    try:
        return load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds on a broken workbook
        raise UnreadableFile(_("The file is damaged and cannot be read."), field="file") from error


def _sheet_rows(sheet, limits: FileLimits, characters: _Characters) -> Iterator[tuple]:
    # The declared dimension (A1:XFD1048576) would pad every row to 16,384 cells and add
    # a million empty rows: read the rows that are there instead.
    sheet.reset_dimensions()
    for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
        if number > limits.rows:
            raise FileLimitExceeded(
                _("The spreadsheet has more than %(limit)s rows.")
                % {"limit": _number(limits.rows)},
                field="file",
            )
        characters.add(len(row) + 1)
        for column, value in enumerate(row, start=1):
            if isinstance(value, str):
                characters.add(len(value))
                if "\x00" in value:
                    _refuse_nul(
                        value,
                        _("Row %(row)d, column %(column)d") % {"row": number, "column": column},
                    )
        yield row


def spreadsheet_rows(
    content: bytes, limits: FileLimits, *, sheet: str | None = None
) -> Iterator[tuple]:
    """The rows of values of one sheet of an .xlsx file: the sheet named `sheet` if there
    is one, else the first. Rows come one at a time; the file stays open until the last."""
    book = _open_workbook(content, limits)
    try:
        chosen = book[sheet] if sheet and sheet in book.sheetnames else book.worksheets[0]
        yield from _sheet_rows(chosen, limits, _Characters(limits.characters))
    except UnreadableFile:
        raise
    except (KeyError, ValueError, OSError, zipfile.BadZipFile) as error:
        raise UnreadableFile(_("The file is damaged and cannot be read."), field="file") from error
    finally:
        book.close()


# --- Documents: text to look at --------------------------------------------------------------
def document_text(content: bytes, suffix: str, limits: FileLimits) -> str:
    """The text of a .docx, .xlsx or .pdf file, within the limits."""
    suffix = suffix.lower()
    if suffix not in DOCUMENT_SUFFIXES:
        raise UnreadableFile(_("Only .docx, .xlsx and .pdf files are documents."), field="file")
    check_size(len(content), limits)
    characters = _Characters(limits.characters)
    reader = {".docx": _docx_text, ".xlsx": _xlsx_text, ".pdf": _pdf_text}[suffix]
    try:
        text = reader(content, limits, characters)
    except (FileLimitExceeded, UnreadableFile):
        raise
    except RecursionError as error:
        raise FileLimitExceeded(
            _("The file nests its parts deeper than can be read."), field="file"
        ) from error
    except Exception as error:  # the document libraries raise many kinds on broken files
        raise UnreadableFile(
            _("This %(kind)s file is damaged and cannot be read.") % {"kind": suffix},
            field="file",
        ) from error
    return text.replace("\x00", "\ufffd")


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_DOCX_BREAKS = {_W + "tab": "\t", _W + "br": "\n", _W + "cr": "\n"}


def _docx_text(content: bytes, limits: FileLimits, characters: _Characters) -> str:
    """The paragraphs of the main document, table cells included, in document order.

    Streamed with lxml's iterparse rather than python-docx, which builds the whole tree
    first (a 4 MB document.xml took 8 s and 60 MB that way; streamed, well under a second
    and a few megabytes), so the character limit stops reading where it is reached."""
    check_zip(content, limits, kind=".docx")
    from lxml import etree

    parts, paragraph = [], []
    with zipfile.ZipFile(io.BytesIO(content)) as archive, archive.open("word/document.xml") as xml:
        events = etree.iterparse(
            xml,
            events=("end",),
            tag=(_W + "p", _W + "t", *_DOCX_BREAKS),
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            huge_tree=False,
        )
        for _event, element in events:
            if element.tag == _W + "t":
                paragraph.append(element.text or "")
                characters.add(len(element.text or ""))
            elif element.tag in _DOCX_BREAKS:
                paragraph.append(_DOCX_BREAKS[element.tag])
                characters.add(1)
            else:
                parts.append("".join(paragraph))
                paragraph = []
                characters.add(1)
                # Drop what was read, so memory stays at one paragraph.
                element.clear(keep_tail=False)
                while element.getprevious() is not None:
                    del element.getparent()[0]
    return "\n".join(parts)


def _xlsx_text(content: bytes, limits: FileLimits, characters: _Characters) -> str:
    book = _open_workbook(content, limits)
    lines = []
    try:
        for sheet in book.worksheets:
            for row in _sheet_rows(sheet, limits, characters):
                lines.append("\t".join("" if v is None else str(v) for v in row))
    finally:
        book.close()
    return "\n".join(lines) + "\n"


def _pdf_text(content: bytes, limits: FileLimits, characters: _Characters) -> str:
    import pypdf
    from pypdf.errors import LimitReachedError

    too_big = FileLimitExceeded(
        _("The PDF unpacks to more than %(size)s MB.")
        % {"size": _megabytes(limits.inflated_bytes)},
        field="file",
    )
    too_many_pages = FileLimitExceeded(
        _("The PDF has more than %(limit)s pages; check it in parts.")
        % {"limit": _number(limits.pages)},
        field="file",
    )
    budget = dict.fromkeys(_PDF_OUTPUT_LIMITS, limits.inflated_bytes)
    with pypdf.apply_configuration(
        **budget,
        page_tree_maximum_entries=limits.pages * 4 + 16,
        page_tree_maximum_depth=limits.depth,
        xform_maximum_invocations_per_extraction=limits.pages * 10,
    ):
        try:
            reader = pypdf.PdfReader(io.BytesIO(content))
            if reader.is_encrypted:
                raise UnreadableFile(
                    _("The file is protected by a password; remove it and try again."),
                    field="file",
                )
            declared = reader.trailer["/Root"]["/Pages"].get("/Count", 0)
            if isinstance(declared, int) and declared > limits.pages:
                raise too_many_pages
            if len(reader.pages) > limits.pages:
                raise too_many_pages
            inflated, parts = 0, []
            for page in reader.pages:
                contents = page.get_contents()
                inflated += len(contents.get_data()) if contents is not None else 0
                if inflated > limits.inflated_bytes:
                    raise too_big
                text = page.extract_text() or ""
                characters.add(len(text) + 1)
                parts.append(text)
        except LimitReachedError as error:
            raise too_big from error
    return "\n".join(parts)


# --- Text, CSV and YAML ----------------------------------------------------------------------
def decoded_text(content: bytes, limits: FileLimits) -> str:
    """The text of a text file in UTF-8 (with or without a byte-order mark) or GB18030."""
    check_size(len(content), limits)
    if b"\x00" in content:
        raise UnreadableFile(
            _("This is not a text file: it holds NUL bytes, which text never has."),
            field="file",
        )
    for encoding in TEXT_ENCODINGS:
        try:
            text = content.decode(encoding)
        except UnicodeDecodeError:
            continue
        _Characters(limits.characters).add(len(text))
        return text
    raise UnreadableFile(_("The file's text is neither UTF-8 nor GB18030 (GBK)."), field="file")


def csv_rows(text: str, limits: FileLimits) -> Iterator[list[str]]:
    """The rows of a CSV text (from `decoded_text`), at most `limits.rows` of them."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        for number, row in enumerate(reader, start=1):
            if number > limits.rows:
                raise FileLimitExceeded(
                    _("The file has more than %(limit)s rows.") % {"limit": _number(limits.rows)},
                    field="file",
                )
            yield row
    except csv.Error as error:
        raise UnreadableFile(
            _("The CSV file cannot be read: %(error)s") % {"error": error}, field="file"
        ) from error


def yaml_data(text: str, limits: FileLimits) -> Any:
    """The data of a YAML text (from `decoded_text`): plain values, lists and mappings as
    `yaml.safe_load` gives them, without aliases and at most `limits.depth` deep."""
    import yaml

    class BoundedLoader(yaml.SafeLoader):
        depth = 0

        def compose_node(self, parent, index):
            if self.check_event(yaml.AliasEvent):
                raise FileLimitExceeded(
                    _(
                        "The YAML file refers back to an earlier part (an alias, *name); "
                        "write each value out instead."
                    ),
                    field="file",
                )
            self.depth += 1
            if self.depth > limits.depth:
                raise _too_deep(limits)
            try:
                return super().compose_node(parent, index)
            finally:
                self.depth -= 1

    _refuse_deep_flow(text, limits)
    try:
        loader = BoundedLoader(text)
        try:
            data = loader.get_single_data()
        finally:
            loader.dispose()
    except yaml.YAMLError as error:
        raise UnreadableFile(
            _("This is not valid YAML: %(error)s") % {"error": error}, field="file"
        ) from error
    _refuse_nul_in(data)
    return data


_FLOW_BRACKETS = re.compile(r"[\[\]{}]")


def _refuse_deep_flow(text: str, limits: FileLimits) -> None:
    """PyYAML's scanner takes time in the square of the depth of nested [ and { (5,000
    levels took 5 s), before the composer could count them: count the brackets first.
    Brackets inside quoted text count too, which refuses no real question file."""
    if text.count("[") + text.count("{") <= limits.depth:
        return
    depth = 0
    for match in _FLOW_BRACKETS.finditer(text):
        depth = depth + 1 if match.group() in "[{" else max(0, depth - 1)
        if depth > limits.depth:
            raise _too_deep(limits)


def _too_deep(limits: FileLimits) -> FileLimitExceeded:
    return FileLimitExceeded(
        _("The YAML file nests deeper than %(limit)s levels.") % {"limit": limits.depth},
        field="file",
    )


def _refuse_nul_in(data: Any) -> None:
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            _refuse_nul(item, _("A value in the file"))
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


# --- Images -----------------------------------------------------------------------------
IMAGE_FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp", "GIF": "image/gif"}


@dataclass(frozen=True)
class ReencodedImage:
    content: bytes
    content_type: str
    width: int
    height: int


def reencoded_image(content: bytes, limits: FileLimits) -> ReencodedImage:
    """A screenshot or photo drawn again from its pixels, so nothing but the picture
    leaves: no EXIF (GPS position, camera, owner), no comments, no trailing data.

    Only PNG, JPEG, WebP and GIF (first frame) are read. The pixel count is taken from
    the header and refused before decoding when four bytes a pixel would pass the
    inflated-bytes limit (a 40 KB PNG can declare 50,000 x 50,000 pixels); the decoder is
    also held to that count, since a header can lie."""
    from PIL import Image, UnidentifiedImageError

    check_size(len(content), limits)
    max_pixels = limits.inflated_bytes // 4
    try:
        with Image.open(io.BytesIO(content), formats=tuple(IMAGE_FORMATS)) as image:
            if image.width * image.height > max_pixels:
                raise FileLimitExceeded(
                    _("The image has more than %(limit)s pixels.") % {"limit": _number(max_pixels)},
                    field="file",
                )
            image.seek(0)
            image.load()
            mode = "RGBA" if image.mode in ("RGBA", "LA", "P", "PA") else "RGB"
            pixels = image.convert(mode)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise UnreadableFile(
            _("The file is not a PNG, JPEG, WebP or GIF image, or it is damaged."), field="file"
        ) from error
    except Image.DecompressionBombError as error:
        raise FileLimitExceeded(_("The image has too many pixels."), field="file") from error
    out = io.BytesIO()
    # PNG keeps screenshots' text sharp and carries nothing we did not write.
    pixels.save(out, format="PNG", optimize=False)
    return ReencodedImage(out.getvalue(), "image/png", pixels.width, pixels.height)
