"""Digit-run values: ID numbers, phones, bank cards, IMEI, Taiwan permits.

A digit run is split into groups at single spaces, dashes and parentheses. A value is a
whole run of groups; a phone-shaped piece inside a longer run (an order number) is not a
phone, and a group glued to its neighbours with dashes is never taken out on its own.
"""

import re
from itertools import accumulate

from .candidates import EXACT
from .checksums import is_cn_id15, is_cn_id18, is_uscc, luhn_ok
from .context import NEGATIVE_WORDS, label_before
from .finding import RawFinding
from .intl_phones import is_valid_international

_MOBILE = re.compile(r"1(?:3\d|4[5-9]|5[0-35-9]|6[2567]|7[0-8]|8\d|9[0-35-9])\d{8}")
_LANDLINE = re.compile(r"0(?:10|2\d|[3-9]\d\d)[2-9]\d{6,7}")
_LANDLINE_INTL = re.compile(r"(?:10|2\d|[3-9]\d\d)[2-9]\d{6,7}")
# The groups of a run matched by the exact pattern (its separators are not digits or X).
_GROUP = re.compile(r"[0-9]+[Xx]?")
_ASCII_SEPARATORS = b" -()+"


def _digits_of_few_groups(token: str) -> str | None:
    """The digits (and X) of a run matched by the exact pattern, upper-cased, if it has at
    most 8 groups; else None."""
    # Nine groups take 17 characters: a shorter ASCII run has at most 8, and deleting its
    # separators in bytes is a third of the cost of finding its groups.
    if len(token) <= 16 and token.isascii():
        return token.encode().translate(None, _ASCII_SEPARATORS).decode().upper()
    parts = _GROUP.findall(token)
    return "".join(parts).upper() if len(parts) <= 8 else None


# Labels that say "this number is not about a person". Checked on the label nearest to the
# value only, so that 订单号…，手机… still finds the phone.
_IMEI_WORDS = ("imei", "串号", "meid", "设备号", "设备识别码")
_ID_WORDS = ("身份证", "证件号", "id card", "身份号")
_CARD_WORDS = ("卡号", "银行卡", "账号", "信用卡", "借记卡", "card", "账户", "收款")
# An 18-digit credit code may pass the card's Luhn check too; its label decides.
_USCC_WORDS = ("信用代码", "社会信用", "credit code", "uscc")
_TW_WORDS = ("台胞证", "台湾居民", "来往大陆", "mtp", "通行证")
_PHONE_WORDS = ("phone", "tel", "call", "mobile", "cell", "fax", "电话", "手机", "联系")
# Toll-free and service prefixes (US 8xx, China 400/800) are hotlines, not people.
_TOLL_FREE = frozenset(["800", "888", "877", "866", "855", "844", "833", "400", "900"])
_IMEI_TACS = ("35", "86", "99", "49")
_CARD_PREFIX = re.compile(r"(?:62|60|4|5[1-5]|2[2-7]|3[5-7]|9)")


def _rx(words: tuple[str, ...]) -> re.Pattern:
    return re.compile("|".join(re.escape(w) for w in words))


_NEG = _rx(NEGATIVE_WORDS)
_IMEI = _rx(_IMEI_WORDS)
_ID = _rx(_ID_WORDS)
_CARD = _rx(_CARD_WORDS)
_TW = _rx(_TW_WORDS)
_USCC = _rx(_USCC_WORDS)
_PHONE = _rx(_PHONE_WORDS)
# Labels that make an 18-digit number passing the ID check an order or a document number
# (about one number in eleven passes the check by chance).
_ID_VETO_WORDS = (
    "订单",
    "单号",
    "流水",
    "交易",
    "运单",
    "快递",
    "工单",
    "票号",
    "发票",
    "批次",
    "合同",
    "order",
    "invoice",
    "tracking",
    "txn",
    "transaction",
    "waybill",
)
_ID_VETO = _rx(_ID_VETO_WORDS)


def _not_an_id(text: str, start: int) -> bool:
    """Whether the label before an 18-digit number says it is an order number or the like."""
    window = text[start - _WIDTH if start > _WIDTH else 0 : start].lower()
    if _ID_VETO.search(window) is None:
        return False
    label = label_before(text, start, _WIDTH)
    return _ID_VETO.search(label) is not None and _ID.search(label) is None


# North American numbers as written in English text: (212) 369-0410, 212-369-0410.
_NA_SHAPE = re.compile(
    r"\([2-9][0-9]{2}\) ?[2-9][0-9]{2}-[0-9]{4}|[2-9][0-9]{2}-[2-9][0-9]{2}-[0-9]{4}"
)
_LATIN_WORD = re.compile(r"[A-Za-z]{2}")


def english_context(text: str, start: int, width: int = 40) -> bool:
    """Whether the text just before start is English: Latin words and no Chinese."""
    window = text[start - width if start > width else 0 : start]
    return _LATIN_WORD.search(window) is not None and not any(
        "\u4e00" <= c <= "\u9fff" for c in window
    )


def _north_american(text: str, start: int, token: str, digits: str):
    """(type, confidence, reason) for a North American number in its usual notation in
    English text, or None."""
    if (
        len(digits) == 10
        and _NA_SHAPE.fullmatch(token)
        and digits[:3] not in _TOLL_FREE
        and english_context(text, start)
        and not _negative(text, start)
        and is_valid_international("1" + digits)
    ):
        return "INTL_PHONE", 0.85, "North American number notation in English text"
    return None


# The label is a lower-cased piece of the 20 characters before a value, and no negative
# word has a space: when the lower-cased window has none of them, neither has the label,
# which need not be computed (the common case: 手机：138…). (re.IGNORECASE would make
# the search of 45 words several times slower than lower().)
_WIDTH = 20


def _negative(text: str, start: int) -> bool:
    window = text[start - _WIDTH if start > _WIDTH else 0 : start].lower()
    if _NEG.search(window) is None:
        return False
    return _NEG.search(label_before(text, start, _WIDTH)) is not None


class _LazyLabel:
    """The label before a value, computed only when a rule needs it (most do not)."""

    __slots__ = ("negative", "start", "text", "value")

    def __init__(self, text: str, start: int) -> None:
        self.text, self.start, self.value, self.negative = text, start, None, None

    def _label(self) -> str:
        if self.value is None:
            self.value = label_before(self.text, self.start) if self.start >= 0 else ""
        return self.value

    def has(self, rx: re.Pattern) -> bool:
        return rx.search(self._label()) is not None

    def is_negative(self) -> bool:
        if self.negative is None:
            if self.value is None and self.start >= 0:
                self.negative = _negative(self.text, self.start)
            else:
                self.negative = _NEG.search(self._label()) is not None
        return self.negative


_NO_LABEL = _LazyLabel("", -1)


def classify(digits: str, plus: bool, label: "_LazyLabel | str") -> tuple[str, float, str] | None:
    """Return (type, confidence, reason) for a whole value, or None."""
    if isinstance(label, str):
        lazy = _LazyLabel("", -1)
        lazy.value = label
        label = lazy
    n = len(digits)
    if n < 8 or n > 19:
        return None
    rest, country = digits, False
    if digits[0] == "0" and digits.startswith("0086"):
        rest, country = digits[4:], True
    elif digits[0] == "8" and digits.startswith("86") and (plus or n == 13):
        rest, country = digits[2:], True
    elif plus or (digits.startswith("00") and n > 9):
        number = digits[2:] if digits.startswith("00") else digits
        if not number.startswith("86") and is_valid_international(number):
            return "INTL_PHONE", 0.9, "valid international number with country code"
        return None
    if len(rest) == 11 and rest[0] == "1" and _MOBILE.fullmatch(rest):
        if not country and label.is_negative():
            return None
        return "CN_MOBILE", 0.95, "mobile number format" + (" with +86" if country else "")
    if country:
        if _LANDLINE_INTL.fullmatch(rest):
            return "CN_LANDLINE", 0.9, "landline with +86 and area code"
        return None
    if n == 18 and is_cn_id18(digits.upper()):
        if label.start >= 0 and _not_an_id(label.text, label.start):
            return None
        return "CN_ID", 0.99, "GB 11643 check digit passed"
    if not digits.isdigit():  # a trailing X: an ID's check character, or a credit code's
        if n == 18 and is_uscc(digits) and not label.is_negative():
            return "USCC", 0.95, "GB 32100 check character passed"
        return None
    if (
        n == 18
        and is_uscc(digits)
        and not label.is_negative()
        and (not luhn_ok(digits) or label.has(_USCC))
    ):
        return "USCC", 0.95, "GB 32100 check character passed"
    if n in (11, 12):
        if digits[0] == "0" and _LANDLINE.fullmatch(digits) and not label.is_negative():
            return "CN_LANDLINE", 0.8, "area code and local number"
        return None
    if n == 15:
        if label.is_negative():
            return None
        luhn = luhn_ok(digits)
        if luhn and label.has(_IMEI):
            return "IMEI", 0.99, "Luhn check passed, IMEI context"
        if is_cn_id15(digits) and (not luhn or label.has(_ID)):
            return "CN_ID", 0.85, "15-digit ID: region and birth date valid"
        if luhn and digits[:2] in _IMEI_TACS:
            return "IMEI", 0.9, "Luhn check passed, IMEI allocation prefix"
        if luhn and digits[:2] in ("34", "37"):
            return "BANK_CARD", 0.85, "Luhn check passed, American Express prefix"
        if is_cn_id15(digits):
            return "CN_ID", 0.8, "15-digit ID: region and birth date valid"
        return None
    if n >= 16:
        if (
            luhn_ok(digits)
            and not label.is_negative()
            and (_CARD_PREFIX.match(digits) or label.has(_CARD))
        ):
            return "BANK_CARD", 0.95, "Luhn check passed, card prefix and length"
        return None
    if (
        n == 10
        and digits[0] in "23456789"
        and digits[:3] not in _TOLL_FREE
        and label.has(_PHONE)
        and not label.is_negative()
        and is_valid_international("1" + digits)
    ):
        # North American numbers written without +1, only with a phone word in front.
        return "INTL_PHONE", 0.8, "North American number, phone context"
    if n in (8, 10) and label.has(_TW) and not label.is_negative():
        return "TRAVEL_PERMIT", 0.9, "Taiwan residents' permit number, permit context"
    return None


_ALNUM = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
_USCC_LETTERS = frozenset("ABCDEFGHJKLMNPQRTUWXY")
_BAD_LEFT = _ALNUM | frozenset("_*@&")
_BAD_RIGHT = _ALNUM | frozenset("_*@")


# Characters around a run that need a closer look (most runs follow a colon or a space).
_LEFT_LOOK = _BAD_LEFT | frozenset("+＋(（.-")
_RIGHT_LOOK = _BAD_RIGHT | frozenset(".-")
# The first three digits of every mobile number (the rest of _MOBILE is eight digits).
_MOBILE3 = frozenset(p for p in map("{:03d}".format, range(1000)) if _MOBILE.match(p + "0" * 8))


def _char_class(chars) -> str:
    return "[" + "".join(re.escape(c) for c in sorted(chars)) + "]"


# A bare run: what the exact pattern matches at a digit when it takes no group and no X,
# between neighbours that need no closer look. For most digit runs one match does what the
# exact match and two tests of the neighbours did in two and a half times as long.
_BARE_RUN = re.compile(
    rf"(?<!{_char_class(_LEFT_LOOK)})[0-9]++"
    rf"(?!{_char_class(_RIGHT_LOOK)}|(?:[ \-]|[)）][ \-]?|[ \-]?[(（])[0-9])"
)


def scan_numbers(text: str, starts: list[int], out: list[RawFinding]) -> None:
    """scan_number() for every digit-run start in order, with the most frequent values (a
    bare run between ordinary characters, a run of groups) done inline."""
    match = EXACT["num"].match
    bare = _BARE_RUN.match
    size = len(text)
    append = out.append
    covered = -1
    for start in starts:
        if start < covered:  # inside the previous run (the 138 of "+86 138 1234 5678")
            continue
        m = bare(text, start)
        if m is not None:  # scan_number's bare run, without its checks of neighbours
            covered = end = m.end()
            n = end - start
            if 8 <= n <= 19:  # no value has fewer or more digits
                token = m.group()
                if n == 11 and token[0] == "1":
                    if token[:3] in _MOBILE3 and not _negative(text, start):
                        append((start, end, "CN_MOBILE", token, 0.95, "mobile number format"))
                    continue
                if n == 18 and is_cn_id18(token):
                    if not _not_an_id(text, start):
                        append((start, end, "CN_ID", token, 0.99, "GB 11643 check digit passed"))
                    continue
                # 16, 17 or 19 digits, not after 0: classify() can only make a bank card of
                # them, which needs the Luhn check (order numbers and timestamps fail it).
                if n != 18 and n >= 16 and token[0] != "0" and not luhn_ok(token):
                    continue
                kind = classify(token, False, _LazyLabel(text, start))
                if kind:
                    append((start, end, kind[0], token, kind[1], kind[2]))
            continue
        m = match(text, start)
        if m is None:
            continue
        covered = end = m.end()
        if (start == 0 or text[start - 1] not in _LEFT_LOOK) and (
            end == size or text[end] not in _RIGHT_LOOK
        ):
            token = text[start:end]
            if token[0] not in "(（":
                # Groups (+86 138 1234 5678, 138-1234-5678) taken whole: what scan_number
                # tries first; anything else goes through it.
                digits = _digits_of_few_groups(token)
                if digits is not None:
                    # A mobile number in groups (138 1234 5678, 138-1234-5678): what
                    # classify() answers for 11 digits after 1 without a plus sign.
                    if (
                        len(digits) == 11
                        and digits[0] == "1"
                        and token[0] not in "+＋"
                        and _MOBILE.fullmatch(digits)
                        and not _negative(text, start)
                    ):
                        append((start, end, "CN_MOBILE", token, 0.95, "mobile number format"))
                        continue
                    label = _LazyLabel(text, start)
                    kind = classify(digits, token[0] in "+＋", label) or _north_american(
                        text, start, token, digits
                    )
                    if kind:
                        append((start, end, kind[0], token, kind[1], kind[2]))
                    else:
                        _groups(text, start, token, token[0] in "+＋", label, out, True)
                    continue
        scan_number(text, start, end, out)


def scan_number(text: str, start: int, end: int, out: list[RawFinding]) -> None:
    if start and text[start - 1] in _LEFT_LOOK:
        prev = text[start - 1]
        if prev in "+＋(（":
            # The trigger starts at the first digit; a plus sign or an opening bracket
            # written just before belongs to the value: +86 138…, (010)6…, (+86)138….
            start -= 1
            if start and text[start - 1] in "(（" and prev in "+＋":
                start -= 1
            prev = text[start - 1] if start else ""
        if prev in _BAD_LEFT:
            return
        # A run glued with '.' or '-' to a previous alphanumeric is part of something else
        # (a decimal, a version, ORD-2023…).
        if prev in ".-" and start >= 2 and text[start - 2] in _ALNUM:
            return
    if end < len(text) and text[end] in _RIGHT_LOOK:
        nxt = text[end]
        if nxt in _BAD_RIGHT:
            # Seventeen digits and a check letter: a credit code (the code18 trigger only
            # takes codes with a letter among the first seventeen).
            if (
                end - start == 17
                and nxt in _USCC_LETTERS
                and (end + 1 == len(text) or text[end + 1] not in _BAD_RIGHT)
                and text[start:end].isdigit()
                and is_uscc(text[start : end + 1])
                and not _negative(text, start)
            ):
                value = text[start : end + 1]
                out.append((start, end + 1, "USCC", value, 0.95, "GB 32100 check character"))
            return
        if nxt in ".-" and end + 1 < len(text) and text[end + 1] in _ALNUM:
            return
    token = text[start:end]
    if token.isdigit():  # the common case: one bare run
        n = len(token)
        # The two most frequent values first, without the general classification.
        if n == 11 and token[0] == "1":
            if token[:3] in _MOBILE3 and not _negative(text, start):
                out.append((start, end, "CN_MOBILE", token, 0.95, "mobile number format"))
            return
        if n == 18 and is_cn_id18(token):
            if not _not_an_id(text, start):
                out.append((start, end, "CN_ID", token, 0.99, "GB 11643 check digit passed"))
            return
        kind = classify(token, False, _LazyLabel(text, start))
        if kind:
            out.append((start, end, kind[0], token, kind[1], kind[2]))
        return
    plus = "+" in token[:2] or "＋" in token[:2]
    label = _LazyLabel(text, start)
    bare = token.lstrip("+＋(（")
    if bare.isdigit() or (bare[:-1].isdigit() and bare[-1] in "Xx"):
        kind = classify(bare.upper(), plus, label)
        if kind:
            _emit(text, start, end, kind, out)
        return
    # The whole run first (138 1234 5678, +86 138-1234-5678): it is what the loop below
    # tries first when there are at most 8 groups, and it is nearly always the answer.
    digits = _digits_of_few_groups(token)
    if digits is not None:
        if len(digits) < 8:
            return
        kind = classify(digits, plus, label) or _north_american(text, start, token, digits)
        if kind:
            _emit(text, start, end, kind, out)
            return
    _groups(text, start, token, plus, label, out, False)


def _groups(
    text: str,
    start: int,
    token: str,
    plus: bool,
    label: _LazyLabel,
    out: list[RawFinding],
    whole_tried: bool,
) -> None:
    """The values inside a run of groups, longest first from the left (whole_tried: the
    whole run, of at most 8 groups, is already known not to be one)."""
    groups = [(m.start() + start, m.end() + start) for m in _GROUP.finditer(token)]
    # Characters in groups 0..k-1: a piece is only tried when classify() could take its
    # length (8 to 19).
    before = [0, *accumulate(b - a for a, b in groups)]
    if before[-1] < 8:
        return
    i, n = 0, len(groups)
    while i < n:
        for j in range(min(n - 1, i + 7), i - 1, -1):
            if not 8 <= before[j + 1] - before[i] <= 19:
                continue
            if whole_tried and i == 0 and j == n - 1:
                continue
            # Pieces glued with a dash to a neighbour belong to that neighbour.
            if i > 0 and text[groups[i][0] - 1] == "-" and not _extension(text, groups, i):
                continue
            if j < n - 1 and text[groups[j][1]] == "-" and not _extension(text, groups, j + 1):
                continue
            s = start if i == 0 else groups[i][0]
            e = groups[j][1]
            digits = "".join(text[a:b] for a, b in groups[i : j + 1]).upper()
            kind = classify(digits, plus and i == 0, label if i == 0 else _NO_LABEL)
            if kind:
                _emit(text, s, e, kind, out)
                i = j + 1
                break
        else:
            i += 1


def _emit(text: str, s: int, e: int, kind: tuple[str, float, str], out: list[RawFinding]) -> None:
    # An opening bracket belongs to the value only when its closing one is inside too.
    if text[s] in "(（" and not any(c in ")）" for c in text[s:e]):
        s += 1
    out.append((s, e, kind[0], text[s:e], kind[1], kind[2]))


def _extension(text: str, groups: list[tuple[int, int]], k: int) -> bool:
    """True when group k is a short extension after a landline (010-12345678-8001)."""
    return k > 0 and groups[k][1] - groups[k][0] <= 5 and groups[k - 1][1] - groups[k - 1][0] >= 7


# Phones written with dots (139.1234.5678, 212.369.0410), with +86 or +1 written before.
_DOTTED_PREFIX = re.compile(r"(?:\+86|\+1)[ .\-]?$")


def scan_dotted(text: str, start: int, end: int, out: list[RawFinding]) -> None:
    if start and (text[start - 1] in _BAD_LEFT or text[start - 1] == "."):
        return
    if end < len(text) and (
        text[end] in _BAD_RIGHT or (text[end] == "." and text[end + 1 : end + 2].isdigit())
    ):
        return
    token = text[start:end]
    digits = token.replace(".", "")
    prefix = _DOTTED_PREFIX.search(text, start - 4 if start > 4 else 0, start)
    s = prefix.start() if prefix else start
    if len(digits) == 11 and _MOBILE.fullmatch(digits) and (not prefix or "86" in prefix.group()):
        if not _negative(text, s):
            out.append((s, end, "CN_MOBILE", text[s:end], 0.9, "mobile number written with dots"))
        return
    if (
        len(digits) == 10
        and token[3] == "."
        and digits[:3] not in _TOLL_FREE
        and (prefix or english_context(text, s))
        and not _negative(text, s)
        and is_valid_international("1" + digits)
    ):
        out.append(
            (s, end, "INTL_PHONE", text[s:end], 0.85, "North American number written with dots")
        )
