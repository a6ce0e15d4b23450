"""Names in tables: the rows of a CSV or TSV file, of an .xlsx sheet or a .docx table (as
extract.py gives them: cells separated by tabs, a row a line) under a header cell that says
the column holds names (姓名, 联系人, Name…)."""

import re

from .en_names import lexicon
from .finding import RawFinding
from .lexicon import surnames

# Header cells of a name column (matched whole, after quotes and blanks are stripped).
NAME_HEADERS = frozenset(
    [
        "姓名",
        "名字",
        "联系人",
        "负责人",
        "申请人",
        "经办人",
        "收件人",
        "收货人",
        "报名人",
        "学生姓名",
        "员工姓名",
        "客户姓名",
        "联系人姓名",
        "负责人姓名",
        "家长姓名",
        "户主姓名",
        "参会人",
        "参会人员",
        "志愿者",
        "讲师",
        "主讲人",
        "获奖人",
        "投诉人",
        "举报人",
        "name",
        "full name",
        "full_name",
        "fullname",
        "contact",
        "contact name",
        "person",
    ]
)
_SEPARATORS = "\t,;|"
_QUOTES = "\"' \u3000"
_CJK_NAME = re.compile(r"[\u4e00-\u9fff]{2,4}")
_EN_NAME = re.compile(
    r"[A-Z][a-z]+(?:[-'][A-Z]?[a-z]+)?(?: [A-Z]\.?)?(?: [A-Z][a-z']+(?:-[A-Z][a-z]+)?){1,2}"
)
# Cells under a name header that are not names: company and unit names, placeholders.
_NOT_NAME_ENDS = (
    "公司",
    "部门",
    "中心",
    "学校",
    "大学",
    "银行",
    "医院",
    "办公室",
    "委员会",
    "局",
    "科",
)
_NOT_NAMES = frozenset(["合计", "总计", "小计", "备注", "无", "待定", "姓名", "负责人", "联系人"])
MAX_ROWS = 100_000


def _cell_bounds(text: str, start: int, end: int, sep: str, line_start: int, line_end: int):
    """Whether text[start:end] is a whole cell (quotes and blanks around it allowed)."""
    p = start
    while p > line_start and text[p - 1] in _QUOTES:
        p -= 1
    q = end
    while q < line_end and text[q] in _QUOTES:
        q += 1
    return (p == line_start or text[p - 1] == sep) and (q == line_end or text[q] == sep)


def _is_name(cell: str) -> bool:
    if cell in _NOT_NAMES or cell.endswith(_NOT_NAME_ENDS):
        return False
    if _CJK_NAME.fullmatch(cell):
        singles, compounds = surnames()
        return cell[:2] in compounds or (cell[0] in singles and len(cell) <= 3)
    # An English cell under "Name" may be a product or a place (Apple Watch): its first
    # word must be a known given name.
    return _EN_NAME.fullmatch(cell) is not None and cell.split()[0].lower() in lexicon()[0]


# A header row longer than this is not looked at (it bounds the work per trigger).
MAX_HEADER = 2000


def scan_header(text: str, start: int, end: int, out: list[RawFinding]) -> None:
    # The cheap test first: a header cell stands between separators, quotes or line ends.
    before = text[start - 1] if start else "\n"
    after = text[end] if end < len(text) else "\n"
    if before not in _SEPARATORS + _QUOTES + "\n" or after not in _SEPARATORS + _QUOTES + "\r\n":
        return
    lo = start - MAX_HEADER if start > MAX_HEADER else 0
    line_start = text.rfind("\n", lo, start) + 1
    if line_start == 0 and lo > 0:
        return
    line_end = text.find("\n", end, end + MAX_HEADER)
    if line_end < 0:
        if end + MAX_HEADER < len(text):
            return
        line_end = len(text)
    header = text[line_start:line_end].rstrip("\r")
    sep = next((s for s in _SEPARATORS if s in header), None)
    if sep is None or text[start:end].strip().lower() not in NAME_HEADERS:
        return
    if not _cell_bounds(text, start, end, sep, line_start, line_start + len(header)):
        return
    column = text.count(sep, line_start, start)
    width = header.count(sep)
    pos = line_end + 1
    for _ in range(MAX_ROWS):
        if pos > len(text):
            return
        nl = text.find("\n", pos)
        row_end = len(text) if nl < 0 else nl
        row = text[pos:row_end].rstrip("\r")
        # The table ends at a blank line or a line that is not a row of it.
        if not row.strip() or row.count(sep) < min(column, width) or row.count(sep) > width + 2:
            return
        cells = row.split(sep)
        if column < len(cells) and cells[column].strip(_QUOTES).lower() in NAME_HEADERS:
            return  # the header again: a new table, which its own trigger reads
        if column < len(cells):
            cell_start = pos + sum(len(c) + 1 for c in cells[:column])
            raw = cells[column]
            lead = len(raw) - len(raw.lstrip(_QUOTES))
            value = raw.strip(_QUOTES)
            if value and _is_name(value):
                s = cell_start + lead
                reason = f"name in a '{text[start:end]}' column"
                out.append((s, s + len(value), "PERSON", value, 0.85, reason))
        if nl < 0:
            return
        pos = nl + 1
