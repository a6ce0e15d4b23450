"""Dates of birth: a date counts only next to birth context."""

import re

from .checksums import valid_date
from .finding import RawFinding

_MONTHS = {
    m: i
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"],
        start=1,
    )
}
_MONTH = r"(?P<mon>Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
_DATE = (
    r"(?P<y1>(?:19|20)\d\d)\s?(?P<s1>[-/.年])\s?(?P<m1>\d{1,2})\s?[-/.月]\s?(?P<d1>\d{1,2})"
    r"(?:\s?[日号])?"
    r"|(?P<y2>(?:19|20)\d\d)(?P<m2>[01]\d)(?P<d2>[0-3]\d)"
    r"|(?P<a3>\d{1,2})[/.-](?P<b3>\d{1,2})[/.-](?P<y3>(?:19|20)\d\d)"
    rf"|{_MONTH}\s(?P<d4>\d{{1,2}})(?:st|nd|rd|th)?,?\s(?P<y4>(?:19|20)\d\d)"
    r"|(?P<d5>\d{1,2})(?:st|nd|rd|th)?\s(?P<mon5>Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|"
    r"Nov|Dec)[a-z]*\.?,?\s(?P<y5>(?:19|20)\d\d)"
    # A birth month without the day (1965年8月出生) is still a date of birth.
    r"|(?P<y6>(?:19|20)\d\d)年(?P<m6>\d{1,2})月(?![0-9])"
)
_AFTER = re.compile(
    r"\s{0,3}(?:[:：]|is|was|on|是|为|于|在)?\s{0,3}(?:" + _DATE + r")", re.IGNORECASE
)
_BEFORE = re.compile(r"(?:" + _DATE + r")\s{0,2}$", re.IGNORECASE)


def _parse(m: re.Match) -> bool:
    g = m.group  # one group at a time: cheaper than groupdict() of all twenty
    if g("y1"):
        y, mo, d = int(g("y1")), int(g("m1")), int(g("d1"))
    elif g("y2"):
        y, mo, d = int(g("y2")), int(g("m2")), int(g("d2"))
    elif g("y3"):
        a, b = int(g("a3")), int(g("b3"))
        # 03/07/1990 is ambiguous; either order that makes a real date will do.
        y, mo, d = int(g("y3")), a, b
        if not valid_date(y, mo, d):
            mo, d = b, a
    elif g("y4"):
        y, mo, d = int(g("y4")), _MONTHS[g("mon")[:3].lower()], int(g("d4"))
    elif g("y5"):
        y, mo, d = int(g("y5")), _MONTHS[g("mon5")[:3].lower()], int(g("d5"))
    else:
        y, mo, d = int(g("y6")), int(g("m6")), 1
    return valid_date(y, mo, d)


# What may follow 生 right after a date for it to mean "born" (1985年3月12日生，) and not
# 生效, 生产 (2024年1月1日生效).
_BORN_NEXT = frozenset("，,。；;、）) \t\r\n于在人")


def scan_birth_word(text: str, start: int, end: int, out: list[RawFinding]) -> None:
    word = text[start:end]
    if word[-1] == "生" and word[0] in "日号月":
        if end < len(text) and text[end] not in _BORN_NEXT:
            return
        b = _BEFORE.search(text, max(0, start - 30), start + 1)
        if b and _parse(b):
            s = b.start(_first_group(b))
            out.append((s, start + 1, "DATE_OF_BIRTH", text[s : start + 1], 0.9, "date before 生"))
        return
    if word.isascii() and start and text[start - 1].isascii() and text[start - 1].isalpha():
        return
    m = _AFTER.match(text, end, end + 40)
    if m and _parse(m):
        s = m.start(_first_group(m))
        out.append(
            (
                s,
                m.end(),
                "DATE_OF_BIRTH",
                text[s : m.end()],
                0.95,
                f"date after birth context '{word}'",
            )
        )
        return
    if word in ("出生", "出生于", "出生在") and _date_may_end(text, start):
        window_start = max(0, start - 30)
        b = _BEFORE.search(text, window_start, start)
        if b and _parse(b):
            s = b.start(_first_group(b))
            e = _date_end(b)
            out.append((s, e, "DATE_OF_BIRTH", text[s:e], 0.9, "date followed by 出生"))


def _date_may_end(text: str, end: int) -> bool:
    """Whether _BEFORE can match a date that ends at end: every date ends with a digit, 日,
    号 or 月, and at most two blanks (three with a newline last) follow it. Searching 30
    characters for the date costs a few microseconds, this test a tenth of one; most 出生
    have no date just before them."""
    tail = text[end - 4 if end > 4 else 0 : end].rstrip()
    return bool(tail) and (tail[-1].isdecimal() or tail[-1] in "日号月")


# The group each alternative of _DATE begins with, so the date's first character.
_FIRST_GROUPS = ("y1", "y2", "a3", "mon", "d5", "y6")


def _first_group(m: re.Match) -> str:
    return next(k for k in _FIRST_GROUPS if m.start(k) >= 0)


def _date_end(m: re.Match) -> int:
    end = m.end()
    while m.string[end - 1].isspace():
        end -= 1
    return end
