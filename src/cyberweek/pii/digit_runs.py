"""Digit-run values: ID numbers, phones, bank cards, IMEI, Taiwan permits.

A digit run is split into groups at single spaces, dashes and parentheses. A value is a
whole run of groups; a phone-shaped piece inside a longer run (an order number) is not a
phone, and a group glued to its neighbours with dashes is never taken out on its own.
"""

import re
from functools import cache

from .checksums import is_cn_id15, is_cn_id18, is_uscc, luhn_ok
from .context import NEGATIVE_WORDS, label_before
from .finding import Finding

_MOBILE = re.compile(r"1(?:3\d|4[5-9]|5[0-35-9]|6[2567]|7[0-8]|8\d|9[0-35-9])\d{8}")
_LANDLINE = re.compile(r"0(?:10|2\d|[3-9]\d\d)[2-9]\d{6,7}")
_LANDLINE_INTL = re.compile(r"(?:10|2\d|[3-9]\d\d)[2-9]\d{6,7}")
_GROUP = re.compile(r"[0-9]+[Xx]?")

# Labels that say "this number is not about a person". Checked on the label nearest to the
# value only, so that 订单号…，手机… still finds the phone.
_IMEI_WORDS = ("imei", "串号", "meid", "设备号", "设备识别码")
_ID_WORDS = ("身份证", "证件号", "id card", "身份号")
_CARD_WORDS = ("卡号", "银行卡", "账号", "信用卡", "借记卡", "card", "账户", "收款")
_TW_WORDS = ("台胞证", "台湾居民", "来往大陆", "mtp", "通行证")
_PHONE_WORDS = ("phone", "tel", "call", "mobile", "cell", "fax", "电话", "手机", "联系")
# Toll-free and service prefixes (US 8xx, China 400/800) are hotlines, not people.
_TOLL_FREE = frozenset(["800", "888", "877", "866", "855", "844", "833", "400", "900"])
_IMEI_TACS = ("35", "86", "99", "49")
_CARD_PREFIX = re.compile(r"(?:62|60|4|5[1-5]|2[2-7]|3[5-7]|9)")


_RX_CACHE: dict[tuple[str, ...], re.Pattern] = {}


def _has(label: str, words: tuple[str, ...]) -> bool:
    if not label:
        return False
    rx = _RX_CACHE.get(words)
    if rx is None:
        rx = _RX_CACHE[words] = re.compile("|".join(re.escape(w) for w in words))
    return rx.search(label) is not None


@cache
def _phonenumbers():
    try:
        import phonenumbers
    except ImportError:  # optional: without it only +1 numbers are recognised
        return None
    return phonenumbers


def _intl_valid(digits: str) -> bool:
    pn = _phonenumbers()
    if pn is None:
        return digits.startswith("1") and len(digits) == 11 and digits[1] in "23456789"
    try:
        return pn.is_valid_number(pn.parse("+" + digits))
    except pn.NumberParseException:
        return False


class _LazyLabel:
    """The label before a value, computed only when a rule needs it (most do not)."""

    __slots__ = ("negative", "start", "text", "value")

    def __init__(self, text: str, start: int) -> None:
        self.text, self.start, self.value, self.negative = text, start, None, None

    def has(self, words: tuple[str, ...]) -> bool:
        if self.value is None:
            self.value = label_before(self.text, self.start) if self.start >= 0 else ""
        return _has(self.value, words)


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
        if not number.startswith("86") and _intl_valid(number):
            return "INTL_PHONE", 0.9, "valid international number with country code"
        return None
    if len(rest) == 11 and rest[0] == "1" and _MOBILE.fullmatch(rest):
        if not country and label.has(NEGATIVE_WORDS):
            return None
        return "CN_MOBILE", 0.95, "mobile number format" + (" with +86" if country else "")
    if country:
        if _LANDLINE_INTL.fullmatch(rest):
            return "CN_LANDLINE", 0.9, "landline with +86 and area code"
        return None
    if n == 18 and is_cn_id18(digits.upper()):
        return "CN_ID", 0.99, "GB 11643 check digit passed"
    if not digits.isdigit():  # a trailing X is only ever an ID check character
        return None
    if n == 18 and is_uscc(digits) and not luhn_ok(digits) and not label.has(NEGATIVE_WORDS):
        return "USCC", 0.95, "GB 32100 check character passed"
    if n in (11, 12):
        if digits[0] == "0" and _LANDLINE.fullmatch(digits) and not label.has(NEGATIVE_WORDS):
            return "CN_LANDLINE", 0.8, "area code and local number"
        return None
    if n == 15:
        if label.has(NEGATIVE_WORDS):
            return None
        luhn = luhn_ok(digits)
        if luhn and label.has(_IMEI_WORDS):
            return "IMEI", 0.99, "Luhn check passed, IMEI context"
        if is_cn_id15(digits) and (not luhn or label.has(_ID_WORDS)):
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
            and not label.has(NEGATIVE_WORDS)
            and (_CARD_PREFIX.match(digits) or label.has(_CARD_WORDS))
        ):
            return "BANK_CARD", 0.95, "Luhn check passed, card prefix and length"
        return None
    if (
        n == 10
        and digits[0] in "23456789"
        and digits[:3] not in _TOLL_FREE
        and label.has(_PHONE_WORDS)
        and not label.has(NEGATIVE_WORDS)
        and _intl_valid("1" + digits)
    ):
        # North American numbers written without +1, only with a phone word in front.
        return "INTL_PHONE", 0.8, "North American number, phone context"
    if n in (8, 10) and label.has(_TW_WORDS) and not label.has(NEGATIVE_WORDS):
        return "TRAVEL_PERMIT", 0.9, "Taiwan residents' permit number, permit context"
    return None


_ALNUM = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
_BAD_LEFT = _ALNUM | frozenset("_*@&")
_BAD_RIGHT = _ALNUM | frozenset("_*@")


def scan_number(text: str, start: int, end: int, out: list[Finding]) -> None:
    if start:
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
    if end < len(text):
        nxt = text[end]
        if nxt in _BAD_RIGHT:
            return
        if nxt in ".-" and end + 1 < len(text) and text[end + 1] in _ALNUM:
            return
    token = text[start:end]
    if token.isdigit():  # the common case: one bare run
        n = len(token)
        # The two most frequent values first, without the general classification.
        if n == 11 and token[0] == "1":
            if _MOBILE.fullmatch(token) and not _has(label_before(text, start), NEGATIVE_WORDS):
                out.append(Finding("CN_MOBILE", start, end, token, 0.95, "mobile number format"))
            return
        if n == 18 and is_cn_id18(token):
            out.append(Finding("CN_ID", start, end, token, 0.99, "GB 11643 check digit passed"))
            return
        kind = classify(token, False, _LazyLabel(text, start))
        if kind:
            out.append(Finding(kind[0], start, end, token, kind[1], kind[2]))
        return
    plus = "+" in token[:2] or "＋" in token[:2]
    label = _LazyLabel(text, start)
    bare = token.lstrip("+＋(（")
    if bare.isdigit() or (bare[:-1].isdigit() and bare[-1] in "Xx"):
        kind = classify(bare.upper(), plus, label)
        if kind:
            _emit(text, start, end, kind, out)
        return
    groups = [(m.start() + start, m.end() + start) for m in _GROUP.finditer(token)]
    if sum(b - a for a, b in groups) < 8:
        return
    i, n = 0, len(groups)
    while i < n:
        for j in range(min(n - 1, i + 7), i - 1, -1):
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


def _emit(text: str, s: int, e: int, kind: tuple[str, float, str], out: list[Finding]) -> None:
    # An opening bracket belongs to the value only when its closing one is inside too.
    if text[s] in "(（" and not any(c in ")）" for c in text[s:e]):
        s += 1
    out.append(Finding(kind[0], s, e, text[s:e], kind[1], kind[2]))


def _extension(text: str, groups: list[tuple[int, int]], k: int) -> bool:
    """True when group k is a short extension after a landline (010-12345678-8001)."""
    return k > 0 and groups[k][1] - groups[k][0] <= 5 and groups[k - 1][1] - groups[k - 1][0] >= 7
