"""Hostile files, built in memory by the tests (no binary fixtures): ZIPs that unpack to far
more than they weigh, or lie about it; too many members or tags; XML entity expansion;
PDFs with too many pages, too much text, a page tree that contains itself; YAML aliases
and nesting; spreadsheets that declare a million rows.

`measure(call)` runs a reader and returns what it raised and the peak of Python memory
it allocated (tracemalloc: the libraries' C buffers are not counted, so the bound a test
asserts is loose on purpose)."""

import io
import struct
import tracemalloc
import zipfile
import zlib

import docx
from openpyxl import Workbook

MB = 1024 * 1024


def measure(call):
    """(exception raised or None, peak MB allocated while `call` ran)."""
    tracemalloc.start()
    try:
        call()
    except Exception as error:
        raised = error
    else:
        raised = None
    finally:
        peak = tracemalloc.get_traced_memory()[1] / MB
        tracemalloc.stop()
    return raised, peak


def _zeros_member(archive: zipfile.ZipFile, name: str, size: int) -> None:
    with archive.open(name, "w") as member:
        chunk = b"\x00" * MB
        for _ in range(size // MB):
            member.write(chunk)


def xlsx(rows=(("text", "answer"), ("问题", "A"))) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def docx_file(text="请联系张伟，手机 13812345678。") -> bytes:
    document = docx.Document()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _rezip(content: bytes, *, replace=None, add_zeros=None, extra=0) -> bytes:
    """A copy of an office file with members replaced (name -> bytes), a member of
    `add_zeros` = (name, size) zeros, and `extra` more empty members."""
    replace = replace or {}
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(content)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            target.writestr(info.filename, replace.get(info.filename, source.read(info)))
        if add_zeros:
            _zeros_member(target, *add_zeros)
        for i in range(extra):
            target.writestr(f"customXml/item{i}.xml", b"")
    return out.getvalue()


def inflating(content: bytes, size=64 * MB) -> bytes:
    """An office file with a member of `size` zeros: a few hundred KB on the wire."""
    return _rezip(content, add_zeros=("xl/media/padding.bin", size))


def lying(content: bytes, size=64 * MB) -> bytes:
    """As `inflating`, but the ZIP directory and local header declare the big member small."""
    data = bytearray(inflating(content, size))
    name = b"xl/media/padding.bin"
    for signature, size_at, name_at in ((b"PK\x01\x02", 24, 46), (b"PK\x03\x04", 22, 30)):
        at = data.find(signature)
        while at >= 0:
            if data[at + name_at : at + name_at + len(name)] == name:
                struct.pack_into("<I", data, at + size_at, 1000)
            at = data.find(signature, at + 4)
    return bytes(data)


def many_members(content: bytes, count=3000) -> bytes:
    return _rezip(content, extra=count)


def sheet_xml(body: str, dimension="A1") -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<dimension ref="{dimension}"/><sheetData>{body}</sheetData></worksheet>'
    ).encode()


def many_tags(content: bytes, count=2_000_000) -> bytes:
    """An .xlsx whose sheet has `count` empty rows: 10 MB of markup, parsed cell by cell."""
    body = "<row/>" * count
    return _rezip(content, replace={"xl/worksheets/sheet1.xml": sheet_xml(body)})


def _inline(value: str) -> str:
    return f'<c t="inlineStr"><is><t>{value}</t></is></c>'


def far_cell(content: bytes, header=("text", "answer")) -> bytes:
    """An .xlsx that declares A1:XFD1048576 and has, below its header, one cell in its
    last row and column: read naively, 17 billion empty cells."""
    body = (
        '<row r="1">' + "".join(_inline(h) for h in header) + "</row>"
        '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    )
    replace = {"xl/worksheets/sheet1.xml": sheet_xml(body, "A1:XFD1048576")}
    return _rezip(content, replace=replace)


LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
        for i in range(1, 10)
    )
    + "]>"
)


def billion_laughs_docx() -> bytes:
    document = (
        LAUGHS + '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/'
        'main"><w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>'
    ).encode()
    return _rezip(docx_file(), replace={"word/document.xml": document})


def long_docx(characters: int) -> bytes:
    paragraph = "<w:p><w:r><w:t>" + "字" * 1000 + "</w:t></w:r></w:p>"
    document = (
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        "<w:body>" + paragraph * (characters // 1000 + 1) + "</w:body></w:document>"
    ).encode()
    return _rezip(docx_file(), replace={"word/document.xml": document})


# --- PDF -------------------------------------------------------------------------------------
def _pdf(objects: list[bytes]) -> bytes:
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return out


def _stream(data: bytes, *, compress=False) -> bytes:
    if compress:
        data = zlib.compress(data, 9)
        return b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream" % (len(data), data)
    return b"<< /Length %d >>\nstream\n%s\nendstream" % (len(data), data)


def pdf(pages=1, text="", *, declared=None, padding=0) -> bytes:
    """A PDF of `pages` pages, each showing `text` (ASCII), declaring `declared` pages,
    each content stream followed by `padding` compressed spaces."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"", b""]
    objects[2] = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
    kids = []
    for _ in range(pages):
        page_number = len(objects) + 1
        kids.append(b"%d 0 R" % page_number)
        content = b"BT /F1 12 Tf 72 700 Td (" + text.encode() + b") Tj ET" + b" " * padding
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % (page_number + 1)
        )
        objects.append(_stream(content, compress=padding > 0))
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(kids),
        pages if declared is None else declared,
    )
    return _pdf(objects)


def pdf_page_tree_in_itself() -> bytes:
    return _pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>",
        ]
    )


# --- YAML and CSV ------------------------------------------------------------------------------
def yaml_laughs() -> bytes:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        lines.append(f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]")
    lines.append("questions: [{text: *a9, answer: A}]")
    return "\n".join(lines).encode()


def yaml_deep(depth=5000) -> bytes:
    return ("[" * depth + "]" * depth).encode()


def csv_rows(count: int) -> bytes:
    return ("text,answer\n" + "问题,A\n" * count).encode()
