"""Question bank files: XLSX, CSV and YAML in, the same three out.

Every format carries the same columns (`COLUMNS`). Reading checks that a file is what its
name claims, then each row on its own; `services.import_questions` adds the checks that
need the database and writes nothing unless every row is clean.
"""

import csv
import hashlib
import io
import re
import unicodedata
from dataclasses import dataclass, field

import yaml
from django.utils.translation import gettext as _

from cyberweek.core.bounded_files import (
    FileLimits,
    check_size,
    csv_rows,
    decoded_text,
    spreadsheet_rows,
    yaml_data,
)
from cyberweek.core.errors import UnreadableFile
from cyberweek.core.formula_guard import safe_cell, unescape

from .models import Question, Topic

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
OPTION_KEYS = ("A", "B", "C", "D", "E", "F")
TRUE_FALSE_OPTIONS = [
    {"key": "T", "text": "正确", "text_en": "True"},
    {"key": "F", "text": "错误", "text_en": "False"},
]
COLUMNS = [
    "code",
    "kind",
    "topic",
    "difficulty",
    "text",
    "text_en",
    *(f"option_{k.lower()}" for k in OPTION_KEYS),
    *(f"option_{k.lower()}_en" for k in OPTION_KEYS),
    "answer",
    "explanation",
    "explanation_en",
    "source",
]
FORMATS = ("xlsx", "csv", "yaml")

_KIND_WORDS = {
    "single": Question.Kind.SINGLE,
    "单选": Question.Kind.SINGLE,
    "单选题": Question.Kind.SINGLE,
    "multiple": Question.Kind.MULTIPLE,
    "多选": Question.Kind.MULTIPLE,
    "多选题": Question.Kind.MULTIPLE,
    "true_false": Question.Kind.TRUE_FALSE,
    "判断": Question.Kind.TRUE_FALSE,
    "判断题": Question.Kind.TRUE_FALSE,
}
_DIFFICULTY_WORDS = {
    "1": 1,
    "easy": 1,
    "易": 1,
    "简单": 1,
    "2": 2,
    "medium": 2,
    "中": 2,
    "中等": 2,
    "3": 3,
    "hard": 3,
    "难": 3,
    "困难": 3,
}
_TRUE_FALSE_WORDS = {
    "t": "T",
    "true": "T",
    "对": "T",
    "正确": "T",
    "√": "T",
    "f": "F",
    "false": "F",
    "错": "F",
    "错误": "F",
    "×": "F",
}


class FileRejected(UnreadableFile):
    """The file as a whole cannot be read: wrong format, no rows. (What goes past a limit
    of the bounded reader raises its `FileLimitExceeded`.)"""

    def __init__(self, message):
        super().__init__(message, field="file")


@dataclass
class RowError:
    row: int
    message: str


@dataclass
class QuestionData:
    """One question as a file (or a form) states it, checked and normalised."""

    row: int
    code: str
    kind: str
    topic: str
    difficulty: int
    text: str
    text_en: str = ""
    options: list[dict] = field(default_factory=list)
    correct: list[str] = field(default_factory=list)
    explanation: str = ""
    explanation_en: str = ""
    source: str = ""

    @property
    def digest(self) -> str:
        return text_digest(self.text)

    def content(self) -> dict:
        return {
            "text": self.text,
            "text_en": self.text_en,
            "options": self.options,
            "correct": self.correct,
            "explanation": self.explanation,
            "explanation_en": self.explanation_en,
            "source": self.source,
        }


def text_digest(text: str) -> str:
    """Two questions are duplicates when their text matches ignoring width, case, spaces
    and punctuation ("什么是钓鱼网站？" and "什么是钓鱼网站?")."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    folded = re.sub(r"[\W_]+", "", folded)
    return hashlib.sha256(folded.encode()).hexdigest()


def detect_format(filename: str) -> str:
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if suffix == "yml":
        suffix = "yaml"
    if suffix not in FORMATS:
        raise FileRejected(
            _("Upload an .xlsx, .csv or .yaml file; “%(name)s” is none of these.")
            % {"name": filename}
        )
    return suffix


def read_rows(content: bytes, fmt: str) -> list[tuple[int, dict]]:
    """The file's rows as (row number a person sees, {column: text}). Raises
    `FileRejected` when the file is not a readable file of that format."""
    limits = FileLimits.from_settings(file_bytes=MAX_FILE_BYTES)
    check_size(len(content), limits)
    if not content.strip():
        raise FileRejected(_("The file is empty."))
    reader = {"xlsx": _read_xlsx, "csv": _read_csv, "yaml": _read_yaml}[fmt]
    rows = reader(content, limits)
    rows = [(n, r) for n, r in rows if any(str(v).strip() for v in r.values() if v is not None)]
    if not rows:
        raise FileRejected(_("The file has no question rows."))
    if len(rows) > MAX_ROWS:
        raise FileRejected(_("A file may hold at most %(max)d questions.") % {"max": MAX_ROWS})
    return rows


def _header_map(header) -> list[str]:
    names = [str(h or "").strip().lower() for h in header]
    if "text" not in names or "answer" not in names:
        raise FileRejected(
            _("The first row must name the columns (at least “text” and “answer”): %(cols)s.")
            % {"cols": ", ".join(COLUMNS)}
        )
    return names


def _read_xlsx(content: bytes, limits: FileLimits) -> list[tuple[int, dict]]:
    if not content.startswith(b"PK\x03\x04"):
        raise FileRejected(_("This is not an Excel workbook (.xlsx), whatever its name says."))
    rows = spreadsheet_rows(content, limits)
    try:
        header = next(rows, None)
        if header is None:
            raise FileRejected(_("The file has no question rows."))
        names = _header_map(header)
        out = []
        for number, values in enumerate(rows, start=2):
            if number > MAX_ROWS + 2:
                raise FileRejected(
                    _("A file may hold at most %(max)d questions.") % {"max": MAX_ROWS}
                )
            out.append((number, _unescape(dict(zip(names, values, strict=False)))))
    finally:
        rows.close()
    return out


def _read_csv(content: bytes, limits: FileLimits) -> list[tuple[int, dict]]:
    if content.startswith(b"PK\x03\x04"):
        raise FileRejected(_("This is an Excel workbook, not a CSV file: name it .xlsx."))
    rows = csv_rows(decoded_text(content, limits), limits)
    header = next(rows, None)
    if header is None:
        raise FileRejected(_("The file has no question rows."))
    names = _header_map(header)
    return [
        (n, _unescape(dict(zip(names, values, strict=False))))
        for n, values in enumerate(rows, start=2)
    ]


def _read_yaml(content: bytes, limits: FileLimits) -> list[tuple[int, dict]]:
    data = yaml_data(decoded_text(content, limits), limits)
    if isinstance(data, dict) and "questions" in data:
        data = data["questions"]
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise FileRejected(_("A YAML question file is a list of questions, one mapping each."))
    rows = []
    for number, item in enumerate(data, start=1):
        row = {str(k).strip().lower(): v for k, v in item.items()}
        if isinstance(row.get("answer"), list):
            row["answer"] = ",".join(str(a) for a in row["answer"])
        rows.append((number, row))
    return rows


def _unescape(row: dict) -> dict:
    return {key: unescape(value) for key, value in row.items()}


def _text(row: dict, name: str) -> str:
    value = row.get(name)
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def parse_row(number: int, row: dict) -> tuple[QuestionData | None, list[RowError]]:
    """Check one row on its own: its fields, its options and its answer."""
    errors = []

    def fail(message):
        errors.append(RowError(number, message))

    for name, value in row.items():
        if isinstance(value, str) and "\x00" in value:
            fail(
                _("“%(column)s” contains a NUL character (U+0000), which no text may hold.")
                % {"column": str(name).replace("\x00", "")}
            )
    if errors:
        return None, errors
    text = _text(row, "text")
    if not text:
        fail(_("The question text is missing."))
    elif len(text) > 2000:
        fail(_("The question text is longer than 2000 characters."))
    code = _text(row, "code")
    if code and not re.fullmatch(r"[-A-Za-z0-9_]{1,40}", code):
        fail(_("The code “%(code)s” may only use letters, digits, - and _.") % {"code": code})
    kind = _KIND_WORDS.get(_text(row, "kind").lower() or "single")
    if kind is None:
        fail(
            _("Unknown kind “%(kind)s”: use single, multiple or true_false.")
            % {"kind": row.get("kind")}
        )
    topic_text = _text(row, "topic")
    topic = _topic(topic_text)
    if topic is None:
        fail(
            _("Unknown topic “%(topic)s”: use one of %(topics)s.")
            % {"topic": topic_text, "topics": ", ".join(Topic.values)}
        )
    difficulty = _DIFFICULTY_WORDS.get(_text(row, "difficulty").lower() or "1")
    if difficulty is None:
        fail(_("Unknown difficulty “%(value)s”: use 1, 2 or 3.") % {"value": row.get("difficulty")})

    if kind == Question.Kind.TRUE_FALSE:
        options = [dict(o) for o in TRUE_FALSE_OPTIONS]
    else:
        options = []
        for key in OPTION_KEYS:
            option_text = _text(row, f"option_{key.lower()}")
            if option_text:
                options.append(
                    {
                        "key": key,
                        "text": option_text,
                        "text_en": _text(row, f"option_{key.lower()}_en"),
                    }
                )
        if kind and len(options) < 2:
            fail(_("A choice question needs at least two options."))
        texts = [o["text"] for o in options]
        if len(set(texts)) != len(texts):
            fail(_("Two options have the same text."))

    answer = _text(row, "answer")
    correct = _answer_keys(answer, kind)
    keys = {o["key"] for o in options}
    if not answer:
        fail(_("The answer is missing."))
    elif correct is None:
        fail(_("The answer “%(answer)s” cannot be read.") % {"answer": answer})
    elif set(correct) - keys:
        fail(
            _("The answer “%(answer)s” is not among the options (%(keys)s).")
            % {"answer": answer, "keys": ", ".join(sorted(keys)) or "—"}
        )
    elif kind in {Question.Kind.SINGLE, Question.Kind.TRUE_FALSE} and len(correct) != 1:
        fail(_("A single-choice or true/false question has exactly one right answer."))

    if errors:
        return None, errors
    return (
        QuestionData(
            row=number,
            code=code,
            kind=kind,
            topic=topic,
            difficulty=difficulty,
            text=text,
            text_en=_text(row, "text_en"),
            options=options,
            correct=sorted(correct),
            explanation=_text(row, "explanation"),
            explanation_en=_text(row, "explanation_en"),
            source=_text(row, "source")[:300],
        ),
        [],
    )


def _topic(value: str) -> str | None:
    if value in Topic.values:
        return value
    for choice in Topic:
        if value and value in {str(choice.label), _english_label(choice)}:
            return choice.value
    return None


def _english_label(choice) -> str:
    from django.utils import translation

    with translation.override("en"):
        return str(choice.label)


def _answer_keys(answer: str, kind: str | None) -> list[str] | None:
    if not answer:
        return []
    if kind == Question.Kind.TRUE_FALSE:
        key = _TRUE_FALSE_WORDS.get(answer.strip().lower())
        return [key] if key else None
    parts = [p for p in re.split(r"[\s,，、;；]+", answer.upper()) if p]
    if len(parts) == 1 and len(parts[0]) > 1 and parts[0].isalpha():
        parts = list(parts[0])  # "ACD"
    if len(set(parts)) != len(parts):
        return None
    return parts


# --- Writing -----------------------------------------------------------------------------
def question_rows(versions) -> list[dict]:
    """One dict per question (its current version) with every column."""
    rows = []
    for version in versions:
        question = version.question
        row = dict.fromkeys(COLUMNS, "")
        row.update(
            code=question.code,
            kind=question.kind,
            topic=question.topic,
            difficulty=question.difficulty,
            text=version.text,
            text_en=version.text_en,
            answer=",".join(version.correct),
            explanation=version.explanation,
            explanation_en=version.explanation_en,
            source=version.source,
        )
        if question.kind != Question.Kind.TRUE_FALSE:
            for option in version.options:
                row[f"option_{option['key'].lower()}"] = option["text"]
                row[f"option_{option['key'].lower()}_en"] = option.get("text_en", "")
        rows.append(row)
    return rows


def write(rows: list[dict], fmt: str) -> bytes:
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows({k: safe_cell(v) for k, v in row.items()} for row in rows)
        # With a BOM, Excel opens UTF-8 Chinese text correctly.
        return ("\ufeff" + buffer.getvalue()).encode("utf-8")
    if fmt == "yaml":
        items = [{k: v for k, v in row.items() if v != ""} for row in rows]
        return yaml.safe_dump(items, allow_unicode=True, sort_keys=False).encode("utf-8")
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("questions")
    sheet.append(COLUMNS)
    for row in rows:
        sheet.append([safe_cell(row[c]) for c in COLUMNS])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "yaml": "application/yaml; charset=utf-8",
}
