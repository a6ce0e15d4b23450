"""Reading input for the command: text streamed in bounded pieces, or the text of
.docx/.xlsx/.pdf files through their libraries (imported only when such a file comes)."""

import codecs
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

READ_BYTES = 1 << 20
_SNIFF = 8192


class InputError(Exception):
    """The input cannot be scanned; the message says why, for a person."""


class DecodeReport:
    """Counts invalid UTF-8 sequences, which are replaced by U+FFFD rather than refused."""

    def __init__(self) -> None:
        self.invalid = 0

    def handler(self, error: UnicodeDecodeError) -> tuple[str, int]:
        self.invalid += 1
        return "\ufffd", error.end


def _looks_binary(head: bytes) -> bool:
    if b"\x00" in head:
        return True
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13, 27))
    return bool(head) and controls / len(head) > 0.10


def text_chunks(
    stream: BinaryIO, report: DecodeReport, chunk_bytes: int = READ_BYTES
) -> Iterator[str]:
    """Decode a byte stream as UTF-8 piece by piece: memory stays at one piece however
    large the file or however long its lines."""
    name = f"cyberweek-pii-{id(report)}"
    codecs.register_error(name, report.handler)
    decoder = codecs.getincrementaldecoder("utf-8")(errors=name)
    first = True
    while True:
        block = stream.read(chunk_bytes)
        if first:
            if _looks_binary(block[:_SNIFF]):
                raise InputError(
                    "this looks like a binary file; only text, CSV, JSON lines, "
                    ".docx, .xlsx and .pdf can be scanned"
                )
            if block.startswith(codecs.BOM_UTF8):
                block = block[len(codecs.BOM_UTF8) :]
            first = False
        if not block:
            tail = decoder.decode(b"", final=True)
            if tail:
                yield tail
            return
        text = decoder.decode(block)
        if text:
            yield text


DOCUMENT_SUFFIXES = (".docx", ".xlsx", ".pdf")


def document_text(path: Path) -> str | None:
    """The text of an office or PDF document, or None if path is not one."""
    suffix = path.suffix.lower()
    if suffix not in DOCUMENT_SUFFIXES:
        return None
    with path.open("rb") as fh:
        return document_bytes_text(fh, suffix)


def document_bytes_text(stream: BinaryIO, suffix: str) -> str:
    """The text of a .docx, .xlsx or .pdf given as a binary file object (an upload kept in
    memory, say). Raises InputError with a readable message when it cannot be read."""
    suffix = suffix.lower()
    if suffix not in DOCUMENT_SUFFIXES:
        raise InputError(f"{suffix or 'this file'}: only .docx, .xlsx and .pdf are documents")
    reader = {".docx": _docx_text, ".xlsx": _xlsx_text, ".pdf": _pdf_text}[suffix]
    try:
        return reader(stream)
    except InputError:
        raise
    except Exception as error:  # the document libraries raise many kinds on broken files
        raise InputError(f"cannot read this {suffix} document ({error})") from error


def _docx_text(stream: BinaryIO) -> str:
    docx = _require("docx", "python-docx")
    doc = docx.Document(stream)
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.append("\t".join(cell.text for cell in row.cells))
    return "\n".join(parts)


def _xlsx_text(stream: BinaryIO) -> str:
    openpyxl = _require("openpyxl", "openpyxl")
    wb = openpyxl.load_workbook(stream, read_only=True, data_only=True)
    try:
        lines = [
            "\t".join("" if v is None else str(v) for v in row)
            for sheet in wb.worksheets
            for row in sheet.iter_rows(values_only=True)
        ]
    finally:
        wb.close()
    return "\n".join(lines) + "\n"


def _pdf_text(stream: BinaryIO) -> str:
    pypdf = _require("pypdf", "pypdf")
    reader = pypdf.PdfReader(stream)
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def _require(module: str, package: str):
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as error:
        raise InputError(
            f"reading this file needs the package {package} (pip install {package})"
        ) from error
