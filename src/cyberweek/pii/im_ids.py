"""QQ numbers and WeChat IDs: the contacts fraud reports are full of.

Both are only taken after their own word (QQ, 扣扣, 微信, VX, WeChat…): a bare run of five
to eleven digits is everything from an amount to an order number, and a WeChat ID is an
ordinary-looking word.
"""

import re

from .finding import RawFinding

# Between the word and the value: blanks, a colon, 是/为 (QQ号码是…, 微信：…).
_SEP = re.compile(r"[ \t]*(?:[:：]|是|为)?[ \t]*")
_QQ_NUMBER = re.compile(r"[1-9][0-9]{4,10}(?![0-9A-Za-z@_])")
# WeChat's own rule: 6 to 20 letters, digits, '-' or '_', starting with a letter.
_WECHAT_ID = re.compile(r"[A-Za-z][-_A-Za-z0-9]{5,19}(?![-_A-Za-z0-9@]|\.[A-Za-z0-9])")


def scan_qq(text: str, start: int, end: int, out: list[RawFinding]) -> None:
    word = text[start:end]
    if word.endswith(("群", "群号")):  # a group's number, not a person's
        return
    if start and text[start - 1].isascii() and text[start - 1].isalnum():
        return
    sep = _SEP.match(text, end)
    m = _QQ_NUMBER.match(text, sep.end())
    if m is None:
        return
    # Above a mobile number's 0.95: after "QQ" an 11-digit number is the QQ account.
    out.append((m.start(), m.end(), "QQ", m.group(), 0.96, f"number after '{word}'"))


def scan_wechat(text: str, start: int, end: int, out: list[RawFinding]) -> None:
    word = text[start:end]
    if start and text[start - 1].isascii() and text[start - 1].isalnum():
        return
    if word.lower() == "wxid_":  # the ID WeChat assigns: wxid_ and 14 characters
        m = _WECHAT_ID.match(text, start)
        if m:
            out.append((start, m.end(), "WECHAT_ID", m.group(), 0.9, "WeChat-assigned ID"))
        return
    sep = _SEP.match(text, end)
    m = _WECHAT_ID.match(text, sep.end())
    if m is None:
        return
    value = m.group()
    # After an English word without a colon, an all-letter word is more likely prose
    # (WeChat account) than an ID.
    if (
        word.isascii()
        and not sep.group().strip()
        and not any(c.isdigit() or c in "-_" for c in value)
    ):
        return
    out.append((m.start(), m.end(), "WECHAT_ID", value, 0.85, f"ID after '{word}'"))
