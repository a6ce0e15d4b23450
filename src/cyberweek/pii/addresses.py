"""Chinese postal addresses: from the first division written to the room number.

Found from the house number backwards (every street address has one) or from an address
label forwards, and kept only when a known division (province, city, county from the NBS
2023 data) or an address label shows it is an address and not "Line 1" or "Document 5".
"""

import re

from .finding import RawFinding
from .lexicon import division_lengths_by_prefix, division_names

_ROAD_END = (
    "路",
    "街",
    "大道",
    "道",
    "巷",
    "弄",
    "里",
    "胡同",
    "村",
    "组",
    "小区",
    "花园",
    "公寓",
    "苑",
    "庄",
    "屯",
    "社区",
    "大厦",
    "广场",
    "中心",
    "园",
    "城",
    "湾",
    "府",
    "居",
    "院",
    "楼",
    "期",
    "座",
    "区",
    "栋",
    "幢",
    "段",
)
# A building or institution name after the house number (华星时代广场, 华中科技大学东校区),
# never one that starts with words of place (的, 旁边, 附近…: "88号附近的公园" ends at 号).
_BUILDING = r"(?:(?!的|旁边|附近|对面|门口|楼下|隔壁|对过)[\u4e00-\u9fff]){1,10}?"
_TAIL = re.compile(
    rf"(?:{_BUILDING}(?:广场|大厦|中心|花园|小区|公寓|家园|苑|园|城|大楼|写字楼|商务楼|公馆|府|"
    r"社区)(?=[0-9A-Za-z一二三四五六七八九十])"
    rf"|{_BUILDING}(?:大学|学院|医院|校区|中学|小学|园区)){{0,2}}"
    r"(?:-?[0-9A-Za-z一二三四五六七八九十]{1,6}(?:号楼|号院|栋|幢|座|塔|单元|层|楼|室|号|户|"
    r"弄|组|期|门|房))*(?:(?<=[栋幢座塔元层楼])[0-9]{3,5}(?![0-9]))?"
)
_TAIL_FIRST = re.compile(r"[\u4e00-\u9fff0-9A-Za-z\-]")
_LABELS = (
    "老家",
    "家乡",
    "地址",
    "住址",
    "住在",
    "家住",
    "居住在",
    "居住地",
    "寄到",
    "送到",
    "送至",
    "寄往",
    "位于",
    "address",
    "收货",
    "户籍",
    "住所",
)
_FORWARD_END = re.compile(r".*(?:街道|路|街|大道|巷|胡同|村|镇|乡|小区|社区|大厦|花园)")
_MAX_RUN = 64


_DIVISIONS: tuple[dict[str, int], dict[str, tuple[int, ...]]] | None = None


def _load_divisions():
    # Loaded on first use, then read from a global: two cached calls per address cost more
    # than the lookups that follow them.
    global _DIVISIONS
    _DIVISIONS = division_names(), division_lengths_by_prefix()
    return _DIVISIONS


def first_division(run: str, *, count_all: bool = False) -> tuple[int, int]:
    """(index, number of division names) of the first division name in run, or (-1, 0).
    Names are taken leftmost and longest, without overlap; without count_all the count
    stops at the first name."""
    names, by_prefix = _DIVISIONS or _load_divisions()
    first, count, i, n = -1, 0, 0, len(run)
    while i < n - 1:
        sizes = by_prefix.get(run[i : i + 2])
        if sizes:
            for size in sizes:
                if size <= n - i and run[i : i + size] in names:
                    if first < 0:
                        first = i
                        if not count_all:
                            return first, 1
                    count += 1
                    i += size - 1
                    break
        i += 1
    return first, count


def _label_near(text: str, start: int) -> bool:
    window = text[max(0, start - 8) : start].lower()
    return any(w in window for w in _LABELS)


# Greedy, so it stops at the last character that cannot be part of an address: one call in
# C finds where the run of address characters before a house number begins.
_ADDRESS_RUN = re.compile(r"[\u4e00-\u9fff0-9A-Za-z#\-]*")
_DIGIT = re.compile(r"[0-9]")
_UP_TO_NON_ADDRESS = re.compile(r".*[^\u4e00-\u9fff0-9A-Za-z#\-]", re.DOTALL)


def scan_numbered(text: str, start: int, end: int, out: list[RawFinding]) -> None:
    # The run of address characters before the number must end with a road word. Those are
    # one or two Chinese characters, so inside any such run: test them before finding it.
    if not text.endswith(_ROAD_END, start - 2 if start > 2 else 0, start):
        return
    lo = start - _MAX_RUN if start > _MAX_RUN else 0
    m = _UP_TO_NON_ADDRESS.match(text, lo, start)
    if m:
        lo = m.end()
    run = text[lo:start]
    # The tail (building, unit, floor, room) starts with a Chinese character, a letter, a
    # digit or a dash; after anything else (，。 a newline) it is empty.
    if end < len(text) and _TAIL_FIRST.match(text, end):
        tail = _TAIL.match(text, end)
        stop = tail.end() if tail else end
    else:
        stop = end
    idx, _count = first_division(run)
    if idx >= 0:
        s, conf, why = lo + idx, 0.85, "administrative division and house number"
    else:
        cut = max((run.rfind(w) + len(w) for w in _LABELS if w in run), default=-1)
        if cut > 0:
            s = lo + cut
        elif _label_near(text, lo):
            s = lo
        else:
            return
        conf, why = 0.75, "address label and house number"
    if stop - s < 6:
        return
    out.append((s, stop, "ADDRESS", text[s:stop], conf, why))


def scan_labelled(text: str, start: int, end: int, out: list[RawFinding]) -> None:
    """An address after a label that has no house number (rural or street-level only)."""
    p = end
    while p < len(text) and text[p] in " \t:：是为在":
        p += 1
    run = _ADDRESS_RUN.match(text, p, p + _MAX_RUN).group()
    # With a house number the address is found from the number; here only those without.
    if _DIGIT.search(run):
        return
    idx, count = first_division(run, count_all=True)
    if idx != 0:
        return
    m = _FORWARD_END.match(run)
    if not m or count < 2:
        return
    out.append(
        (
            p,
            p + m.end(),
            "ADDRESS",
            run[: m.end()],
            0.75,
            "address label and administrative divisions",
        )
    )
