"""The bounded reader refuses every kind of file bomb at its first limit, with a message that
names the limit, having read no more than the limit allows."""

import pytest

from cyberweek.core import bounded_files
from cyberweek.core.bounded_files import FileLimits
from cyberweek.core.errors import FileLimitExceeded, NulCharacter, UnreadableFile

from . import file_bombs as bombs

# Python memory a refusal may take (tracemalloc, C buffers not counted): loose on purpose.
PEAK_MB = 40


def limits(**narrower):
    return FileLimits.from_settings(**narrower)


def rows_of(content):
    return list(bounded_files.spreadsheet_rows(content, limits()))


def refused(call, error=FileLimitExceeded, match=None):
    raised, peak = bombs.measure(call)
    assert isinstance(raised, error), raised
    if match:
        assert match in raised.message, raised.message
    assert raised.field == "file"
    assert peak < PEAK_MB, f"{peak:.0f} MB"
    return raised


@pytest.mark.parametrize("kind", [".xlsx", ".docx"])
def test_a_member_that_inflates_past_the_limit_is_refused_while_counting(kind):
    base = bombs.xlsx() if kind == ".xlsx" else bombs.docx_file()
    content = bombs.inflating(base)
    assert len(content) < 1 * bombs.MB
    refused(
        lambda: bounded_files.document_text(content, kind, limits()),
        match="unpacks to more than 16 MB",
    )


def test_a_member_that_declares_itself_small_is_refused_as_damaged():
    content = bombs.lying(bombs.xlsx())
    refused(lambda: rows_of(content), UnreadableFile, match="damaged")


def test_too_many_members_are_refused_before_the_directory_is_read():
    content = bombs.many_members(bombs.xlsx(), count=1500)
    refused(lambda: rows_of(content), match="more than 1,000 parts")


def test_too_much_markup_is_refused_before_a_parser_sees_it():
    content = bombs.many_tags(bombs.xlsx())
    assert len(content) < 1 * bombs.MB
    refused(lambda: rows_of(content), match="pieces of markup")


def test_xml_entity_expansion_is_refused():
    refused(
        lambda: bounded_files.document_text(bombs.billion_laughs_docx(), ".docx", limits()),
        match="XML entities",
    )


def test_a_declared_million_rows_are_not_read_as_such():
    content = bombs.far_cell(bombs.xlsx())
    refused(lambda: rows_of(content), match="more than 20,000 rows")
    refused(
        lambda: bounded_files.document_text(content, ".xlsx", limits(characters=10_000)),
        match="10,000 characters",
    )


def test_a_document_with_too_much_text_stops_at_the_character_limit():
    content = bombs.long_docx(300_000)
    refused(
        lambda: bounded_files.document_text(content, ".docx", limits(characters=200_000)),
        match="more than 200,000 characters",
    )


def test_a_document_within_the_limits_is_read():
    assert "13812345678" in bounded_files.document_text(bombs.docx_file(), ".docx", limits())
    sheet = bombs.xlsx([("姓名", "手机"), ("张伟", "13812345678")])
    assert "13812345678" in bounded_files.document_text(sheet, ".xlsx", limits())
    assert "13812345678" in bounded_files.document_text(
        bombs.pdf(2, "13812345678"), ".pdf", limits()
    )


def test_a_pdf_with_too_many_pages_is_refused():
    refused(
        lambda: bounded_files.document_text(bombs.pdf(150), ".pdf", limits(pages=100)),
        match="more than 100 pages",
    )


def test_a_pdf_that_declares_few_pages_is_counted_anyway():
    content = bombs.pdf(150, declared=1)
    refused(
        lambda: bounded_files.document_text(content, ".pdf", limits(pages=100)),
        match="more than 100 pages",
    )


def test_a_pdf_with_too_much_text_stops_at_the_character_limit():
    content = bombs.pdf(30, "1" * 10_000)
    refused(
        lambda: bounded_files.document_text(content, ".pdf", limits(characters=200_000)),
        match="200,000 characters",
    )


def test_a_pdf_stream_that_inflates_past_the_limit_is_refused():
    content = bombs.pdf(1, "x", padding=40 * bombs.MB)
    assert len(content) < 1 * bombs.MB
    refused(
        lambda: bounded_files.document_text(content, ".pdf", limits(inflated_bytes=8 * bombs.MB)),
        match="unpacks to more than 8 MB",
    )


def test_a_pdf_page_tree_that_contains_itself_is_refused():
    raised, _peak = bombs.measure(
        lambda: bounded_files.document_text(bombs.pdf_page_tree_in_itself(), ".pdf", limits())
    )
    assert isinstance(raised, (FileLimitExceeded, UnreadableFile)), raised


def test_csv_past_the_row_limit_is_refused():
    text = bounded_files.decoded_text(bombs.csv_rows(25_000), limits())
    refused(lambda: list(bounded_files.csv_rows(text, limits())), match="more than 20,000 rows")


def test_text_past_the_character_limit_is_refused():
    refused(
        lambda: bounded_files.decoded_text("字".encode() * 300_000, limits(characters=200_000)),
        match="200,000 characters",
    )


def test_yaml_aliases_are_refused():
    text = bombs.yaml_laughs().decode()
    refused(lambda: bounded_files.yaml_data(text, limits()), match="alias")


def test_deeply_nested_yaml_is_refused():
    text = bombs.yaml_deep().decode()
    refused(lambda: bounded_files.yaml_data(text, limits()), match="deeper than 32 levels")


def test_data_with_a_nul_character_is_refused():
    with pytest.raises(NulCharacter, match="NUL character"):
        bounded_files.yaml_data('- text: "a\\0b"\n', limits())


def test_a_text_file_with_a_nul_byte_anywhere_is_not_text():
    with pytest.raises(UnreadableFile, match="not a text file"):
        bounded_files.decoded_text(b"a" * 10_000 + b"\x00", limits())


def test_a_caller_may_narrow_a_limit_but_not_widen_it(settings):
    settings.UPLOAD_MAX_PDF_PAGES = 50
    assert limits(pages=10).pages == 10
    assert limits(pages=500).pages == 50
    with pytest.raises(TypeError):
        limits(pagez=1)
