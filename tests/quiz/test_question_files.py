"""Question bank files: every format in and out, every bad row named, nothing partial."""

import contextlib
import io

import pytest
import yaml
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from cyberweek.accounts.models import OrganiserRole
from cyberweek.core.errors import DomainError, FileLimitExceeded, ValidationFailed
from cyberweek.quiz import question_files, services
from cyberweek.quiz.models import Question, QuestionVersion
from tests.accounts.factories import organiser
from tests.core import file_bombs as bombs

L = OrganiserRole.Level
HEADER = ["code", "kind", "topic", "difficulty", "text", "text_en", "option_a", "option_b",
          "option_c", "answer", "explanation"]  # fmt: skip
GOOD = [
    ["PI-1", "single", "personal_information", "1", "App 索要通讯录权限时应当怎么做？",
     "An app asks for your contacts. What should you do?", "直接同意", "按需授权，无关权限拒绝",
     "卸载手机", "B", "最小必要原则"],
    ["TF-1", "true_false", "telecom_fraud", "easy", "“安全账户”是诈骗分子的说法。", "", "", "",
     "", "对", "公安机关没有安全账户"],
    ["MU-1", "多选题", "technology", "3", "哪些是安全的密码习惯？", "", "不同网站用不同密码",
     "启用双因素认证", "密码写在显示器上", "A,B", ""],
]  # fmt: skip


def csv_bytes(rows, header=HEADER, encoding="utf-8-sig"):
    import csv

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows, header=HEADER):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def yaml_bytes(rows, header=HEADER):
    return yaml.safe_dump(
        [dict(zip(header, r, strict=True)) for r in rows], allow_unicode=True
    ).encode()


@pytest.fixture
def national(db):
    return organiser(L.NATIONAL)


@pytest.mark.parametrize(
    ("fmt", "make"),
    [("csv", csv_bytes), ("xlsx", xlsx_bytes), ("yaml", yaml_bytes)],
)
def test_each_format_imports_the_same_questions(national, fmt, make):
    result = services.import_questions(actor=national, content=make(GOOD), fmt=fmt)
    assert result == {"created": 3, "revised": 0, "unchanged": 0}
    tf = Question.objects.get(code="TF-1")
    assert (tf.kind, tf.current.correct) == ("true_false", ["T"])
    multi = Question.objects.get(code="MU-1")
    assert (multi.kind, multi.difficulty, multi.current.correct) == ("multiple", 3, ["A", "B"])


def test_gbk_csv_from_chinese_windows_is_read(national):
    result = services.import_questions(
        actor=national, content=csv_bytes(GOOD, encoding="gbk"), fmt="csv"
    )
    assert result["created"] == 3


def test_reimporting_a_changed_question_adds_a_revision(national):
    services.import_questions(actor=national, content=csv_bytes(GOOD), fmt="csv")
    changed = [list(r) for r in GOOD]
    changed[0][10] = "《个人信息保护法》规定的最小必要原则"
    result = services.import_questions(actor=national, content=csv_bytes(changed), fmt="csv")
    assert result == {"created": 0, "revised": 1, "unchanged": 2}
    question = Question.objects.get(code="PI-1")
    assert question.current.number == 2
    assert QuestionVersion.objects.filter(question=question).count() == 2


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "yaml"])
def test_export_then_import_round_trips(national, fmt):
    services.import_questions(actor=national, content=csv_bytes(GOOD), fmt="csv")
    versions = QuestionVersion.objects.select_related("question")
    exported = question_files.write(question_files.question_rows(versions), fmt)
    result = services.import_questions(actor=national, content=exported, fmt=fmt)
    assert result == {"created": 0, "revised": 0, "unchanged": 3}


def test_exported_cells_cannot_run_as_formulas(national):
    row = list(GOOD[0])
    row[4] = '=HYPERLINK("http://evil")是什么？'
    services.import_questions(actor=national, content=csv_bytes([row]), fmt="csv")
    versions = QuestionVersion.objects.select_related("question")
    exported = question_files.write(question_files.question_rows(versions), "xlsx")
    sheet = load_workbook(io.BytesIO(exported)).active
    assert sheet.cell(row=2, column=5).value.startswith("'=")
    services.import_questions(actor=national, content=exported, fmt="xlsx")
    assert QuestionVersion.objects.get().text.startswith("=HYPERLINK")


def test_every_bad_row_is_reported_and_nothing_is_imported(national):
    rows = [
        *GOOD,
        ["X-1", "single", "personal_information", "1", "缺少答案", "", "甲", "乙", "", "", ""],
        ["X-2", "single", "personal_information", "1", "答案不在选项", "", "甲", "乙", "", "D", ""],
        ["X-3", "single", "weather", "1", "未知主题", "", "甲", "乙", "", "A", ""],
        ["X-4", "single", "law", "1", "App 索要通讯录权限时应当怎么做?", "", "甲", "乙",
         "", "A", ""],
        ["X-5", "single", "law", "9", "难度不对", "", "甲", "乙", "", "A", ""],
        ["X-6", "single", "law", "1", "单选题两个答案", "", "甲", "乙", "", "A,B", ""],
        ["X-7", "single", "law", "1", "", "", "甲", "乙", "", "A", ""],
        ["X-8", "single", "law", "1", "只有一个选项", "", "甲", "", "", "A", ""],
    ]  # fmt: skip
    with pytest.raises(services.ImportRejected) as rejected:
        services.import_questions(actor=national, content=csv_bytes(rows), fmt="csv")
    messages = {e.row: e.message for e in rejected.value.errors}
    assert "answer is missing" in messages[5]
    assert "not among the options" in messages[6]
    assert "Unknown topic" in messages[7]
    assert "Duplicate question: the same text is in row 2" in messages[8]
    assert "Unknown difficulty" in messages[9]
    assert "exactly one right answer" in messages[10]
    assert "text is missing" in messages[11]
    assert "at least two options" in messages[12]
    assert not Question.objects.exists()


def test_a_question_already_in_the_bank_under_another_code_is_a_duplicate(national):
    services.import_questions(actor=national, content=csv_bytes(GOOD[:1]), fmt="csv")
    copy = list(GOOD[0])
    copy[0] = "PI-99"
    with pytest.raises(services.ImportRejected) as rejected:
        services.import_questions(actor=national, content=csv_bytes([copy]), fmt="csv")
    assert "already has it as PI-1" in rejected.value.errors[0].message


@pytest.mark.parametrize(
    ("content", "fmt", "message"),
    [
        (b"PK\x03\x04not really a zip", "xlsx", "damaged"),
        (b"text,answer\n", "xlsx", "not an Excel workbook"),
        (b"\x00\x01\x02binary", "csv", "not a text file"),
        (b"\xff\xfe\xfa\xfb" * 10, "csv", "neither UTF-8 nor GB18030"),
        (b"question;answer\n1;2\n", "csv", "must name the columns"),
        (b"text,answer\n", "csv", "no question rows"),
        (b"", "csv", "empty"),
        (b"key: [unclosed", "yaml", "not valid YAML"),
        (b"just a string", "yaml", "list of questions"),
        (b"!!python/object:os.system ls", "yaml", "not valid YAML"),
    ],
)
def test_files_that_are_not_what_they_claim_are_refused(national, content, fmt, message):
    with pytest.raises(ValidationFailed, match=message) as refused:
        services.import_questions(actor=national, content=content, fmt=fmt)
    assert refused.value.field == "file"


def test_big_files_are_refused(national, monkeypatch):
    monkeypatch.setattr(question_files, "MAX_FILE_BYTES", 100)
    with pytest.raises(FileLimitExceeded, match="larger than"):
        services.import_questions(actor=national, content=csv_bytes(GOOD), fmt="csv")


def test_unknown_extensions_are_refused():
    with pytest.raises(question_files.FileRejected, match="none of these"):
        question_files.detect_format("bank.docx")
    assert question_files.detect_format("bank.YML") == "yaml"


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from(question_files.COLUMNS), st.text(max_size=30)))
def test_any_row_is_either_a_question_or_a_list_of_errors(row):
    data, errors = question_files.parse_row(2, row)
    assert (data is None) == bool(errors)
    if data:
        assert set(data.correct) <= {o["key"] for o in data.options}
        assert data.text


@settings(max_examples=50, deadline=None)
@given(st.binary(max_size=300))
def test_any_bytes_are_read_or_refused_cleanly(content):
    for fmt in question_files.FORMATS:
        with contextlib.suppress(DomainError):
            question_files.read_rows(content, fmt)


def test_both_exports_guard_cells_that_start_with_tab_or_carriage_return():
    row = dict.fromkeys(question_files.COLUMNS, "")
    row.update(text="\t=cmd|' /C calc'!A0", explanation="\r=1+1", answer="A")
    sheet = load_workbook(io.BytesIO(question_files.write([row], "xlsx"))).active
    header = [c.value for c in sheet[1]]
    values = dict(zip(header, [c.value for c in sheet[2]], strict=True))
    assert values["text"].startswith("'\t=")
    assert values["explanation"].startswith("'\r=")
    csv_text = question_files.write([row], "csv").decode("utf-8-sig")
    assert "'\t=cmd" in csv_text


# --- Untrusted files: the import reads through the bounded reader ----------------------------
QUESTION_BOMBS = {
    "xlsx unpacking to 64 MB": ("xlsx", lambda: bombs.inflating(xlsx_bytes(GOOD))),
    "xlsx lying about its size": ("xlsx", lambda: bombs.lying(xlsx_bytes(GOOD))),
    "xlsx with 3,000 parts": ("xlsx", lambda: bombs.many_members(xlsx_bytes(GOOD))),
    "xlsx with 2 million tags": ("xlsx", lambda: bombs.many_tags(xlsx_bytes(GOOD))),
    "xlsx declaring a million rows": ("xlsx", lambda: bombs.far_cell(xlsx_bytes(GOOD))),
    "csv with 25,000 rows": ("csv", lambda: bombs.csv_rows(25_000)),
    "yaml with aliases": ("yaml", bombs.yaml_laughs),
    "yaml nested 5,000 deep": ("yaml", bombs.yaml_deep),
}


@pytest.mark.parametrize("bomb", QUESTION_BOMBS)
def test_the_question_import_refuses_a_file_bomb_and_writes_nothing(national, bomb):
    fmt, build = QUESTION_BOMBS[bomb]
    content = build()
    assert len(content) <= question_files.MAX_FILE_BYTES
    raised, peak = bombs.measure(
        lambda: services.import_questions(actor=national, content=content, fmt=fmt)
    )
    assert isinstance(raised, DomainError), raised
    assert raised.field == "file"
    assert peak < 40, f"{peak:.0f} MB"
    assert not Question.objects.exists()


def test_the_import_page_shows_the_limit_that_was_passed(client, national):
    client.force_login(national)
    upload = io.BytesIO(bombs.inflating(xlsx_bytes(GOOD)))
    upload.name = "bank.xlsx"
    response = client.post(reverse("organiser:quiz_import"), {"file": upload})
    assert response.status_code == 400
    assert "unpacks to more than 16 MB" in response.content.decode()
    assert not Question.objects.exists()


@pytest.mark.parametrize(
    ("fmt", "content"),
    [
        ("yaml", b'- {text: "a\\0b", option_a: x, option_b: y, answer: A}\n'),
        ("csv", "text,option_a,option_b,answer\n问题,x,y\x00,A\n".encode()),
    ],
)
def test_a_question_with_a_nul_character_is_refused_and_nothing_is_written(national, fmt, content):
    with pytest.raises(DomainError, match="NUL"):
        services.import_questions(actor=national, content=content, fmt=fmt)
    assert not Question.objects.exists()


def test_a_row_with_a_nul_character_is_an_error_not_a_question():
    data, errors = question_files.parse_row(
        2, {"text": "问题\x00", "option_a": "x", "option_b": "y", "answer": "A"}
    )
    assert data is None
    assert "NUL character" in errors[0].message
