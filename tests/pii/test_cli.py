"""The command: exit status, output formats, streaming input and clear errors."""

import io
import json
import sys

import pytest

from cyberweek.pii.cli import main
from tests.pii.samples import REPO

TEXT = "姓名：张伟，手机13812345678\n邮箱 a@b.cn\n"


@pytest.fixture
def text_file(tmp_path):
    path = tmp_path / "in.txt"
    path.write_text(TEXT, encoding="utf-8")
    return path


def test_scan_prints_json_lines_and_exits_1_when_something_is_found(text_file, capsys):
    assert main(["scan", str(text_file)]) == 1
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(r["type"], r["text"]) for r in rows] == [
        ("PERSON", "张伟"),
        ("CN_MOBILE", "13812345678"),
        ("EMAIL", "a@b.cn"),
    ]
    assert set(rows[0]) == {"type", "start", "end", "text", "confidence", "reason"}


def test_scan_exits_0_when_nothing_is_found(tmp_path, capsys):
    path = tmp_path / "clean.txt"
    path.write_text("今天天气不错。\n", encoding="utf-8")
    assert main(["scan", str(path)]) == 0
    assert capsys.readouterr().out == ""


def test_table_format_and_type_filter(text_file, capsys):
    assert main(["scan", "--format", "table", "--types", "cn_mobile", str(text_file)]) == 1
    out = capsys.readouterr().out
    assert "CN_MOBILE" in out
    assert "EMAIL" not in out
    assert "1 finding(s)" in out


def test_scan_reads_standard_input(monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(TEXT.encode())))
    assert main(["scan", "-"]) == 1
    assert len(capsys.readouterr().out.splitlines()) == 3


def test_redact_writes_the_redacted_text(text_file, capsys):
    assert main(["redact", str(text_file), "--set", "PERSON=tag"]) == 1
    assert capsys.readouterr().out == "姓名：<PERSON>，手机138****5678\n邮箱 *@b.cn\n"


def test_redact_to_a_file_with_keyed_pseudonyms(text_file, tmp_path, monkeypatch):
    monkeypatch.setenv("CYBERWEEK_PII_KEY", "secret")
    out = tmp_path / "out.txt"
    assert main(["redact", "--action", "pseudonym", "-o", str(out), str(text_file)]) == 1
    assert "<CN_MOBILE:" in out.read_text(encoding="utf-8")


def test_pseudonym_without_a_key_is_a_usage_error(text_file, capsys, monkeypatch):
    monkeypatch.delenv("CYBERWEEK_PII_KEY", raising=False)
    assert main(["redact", "--action", "pseudonym", str(text_file)]) == 2
    assert "CYBERWEEK_PII_KEY" in capsys.readouterr().err


@pytest.mark.parametrize(
    "argv", [[], ["scan"], ["frobnicate", "x"], ["scan", "--types", "SSN", "-"]]
)
def test_bad_usage_exits_2(argv, capsys):
    assert main(argv) == 2


def test_missing_file_exits_2_with_a_message(tmp_path, capsys):
    assert main(["scan", str(tmp_path / "nope.txt")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_binary_file_is_refused(tmp_path, capsys):
    path = tmp_path / "blob.bin"
    path.write_bytes(bytes(range(256)) * 40)
    assert main(["scan", str(path)]) == 2
    assert "binary" in capsys.readouterr().err


def test_invalid_utf8_is_replaced_and_reported(tmp_path, capsys):
    path = tmp_path / "latin.txt"
    path.write_bytes(b"caf\xe9 \xff\xfe phone 13812345678\n")
    assert main(["scan", str(path)]) == 1
    captured = capsys.readouterr()
    assert "13812345678" in captured.out
    assert "invalid UTF-8" in captured.err


def test_empty_file_has_nothing(tmp_path, capsys):
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    assert main(["scan", str(path)]) == 0


def test_a_long_file_is_streamed_and_a_value_on_a_read_boundary_is_found(tmp_path, capsys):
    path = tmp_path / "big.txt"
    filler = "这是一段没有个人信息的文字。" * 80_000  # about 3.4 MB, no newline
    head = filler[: (1 << 20) // 3 - 5]
    path.write_text(head + "手机13812345678" + filler, encoding="utf-8")
    assert main(["scan", str(path)]) == 1
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(r["type"], r["start"]) for r in rows] == [("CN_MOBILE", len(head) + 2)]


def test_docx_and_xlsx_text_is_scanned(tmp_path, capsys):
    import docx
    import openpyxl

    doc = docx.Document()
    doc.add_paragraph("联系人：王芳，手机13912345678")
    doc.save(tmp_path / "a.docx")
    wb = openpyxl.Workbook()
    wb.active.append(["邮箱", "li@example.com"])
    wb.save(tmp_path / "b.xlsx")
    assert main(["scan", str(tmp_path / "a.docx")]) == 1
    assert main(["scan", str(tmp_path / "b.xlsx")]) == 1
    out = capsys.readouterr().out
    assert "13912345678" in out
    assert "li@example.com" in out


def test_broken_office_file_is_a_clear_error(tmp_path, capsys):
    path = tmp_path / "broken.docx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    assert main(["scan", str(path)]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_module_entry_point_runs(text_file):
    import subprocess

    result = subprocess.run(
        [sys.executable, "-m", "cyberweek.pii", "scan", str(text_file)],
        capture_output=True,
        text=True,
        check=False,
        env={"PYTHONPATH": str(REPO / "src"), "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 1, result.stderr
    assert "13812345678" in result.stdout


def test_document_bytes_are_read_from_memory_for_uploads(tmp_path):
    import io

    import docx

    from cyberweek.pii.extract import InputError, document_bytes_text

    doc = docx.Document()
    doc.add_paragraph("邮箱 wang@example.com")
    buffer = io.BytesIO()
    doc.save(buffer)
    assert "wang@example.com" in document_bytes_text(io.BytesIO(buffer.getvalue()), ".DOCX")
    with pytest.raises(InputError, match="cannot read"):
        document_bytes_text(io.BytesIO(b"garbage"), ".xlsx")


def test_pdf_text_is_scanned(tmp_path, capsys):
    import pypdf
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

    writer = pypdf.PdfWriter()
    page = writer.add_blank_page(width=300, height=100)
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
        }
    )
    page[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/Font"): DictionaryObject({NameObject("/F1"): writer._add_object(font)})}
    )
    content = DecodedStreamObject()
    content.set_data(b"BT /F1 12 Tf 10 50 Td (mail li.lei@example.com) Tj ET")
    page[NameObject("/Contents")] = writer._add_object(content)
    path = tmp_path / "c.pdf"
    with open(path, "wb") as fh:
        writer.write(fh)
    assert main(["scan", str(path)]) == 1
    assert "li.lei@example.com" in capsys.readouterr().out
