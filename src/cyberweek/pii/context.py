"""The words written just before a value, which decide what a bare number means."""

import re

_CUT = "，,;；。\n\r\t|｜、"
_UP_TO_LAST_CUT = re.compile(f".*[{_CUT}]", re.DOTALL)


def label_before(text: str, start: int, width: int = 20) -> str:
    """The lower-cased label nearest before ``start``: the text after the last separator,
    and of space-separated words (``txn=… phone=``) the last one, or last two when the last
    is short (``Order No.``)."""
    lo = max(0, start - width)
    m = _UP_TO_LAST_CUT.match(text, lo, start)
    window = text[m.end() if m else lo : start]
    if " " not in window and "\u3000" not in window:
        return window.lower()
    words = window.split()
    if len(words) > 1:
        window = words[-1] if len(words[-1]) > 4 else words[-2] + " " + words[-1]
    return window.lower()


# Labels that say "this number is not about a person". Only the label nearest before a
# value counts, so that 订单号…，手机… still finds the phone.
NEGATIVE_WORDS = (
    "订单",
    "单号",
    "流水",
    "交易",
    "编号",
    "运单",
    "快递",
    "工单",
    "批次",
    "版本",
    "票号",
    "发票",
    "序列号",
    "序号",
    "isbn",
    "order",
    "invoice",
    "tracking",
    "txn",
    "transaction",
    "ref",
    "serial",
    "ticket",
    "waybill",
    "金额",
    "￥",
    "$",
    "¥",
    "合同",
    "邮编",
    "postcode",
    "zip",
    "时间戳",
    "timestamp",
    "券",
    "uid",
    "id:",
    "客服",
    "热线",
    "hotline",
    "账单号",
    "request",
    "session",
    "trace",
)


def has_negative_label(text: str, start: int) -> bool:
    """Whether the label says the number is not about a person (an order, an amount)."""
    return _NEGATIVE_RX.search(label_before(text, start)) is not None


_NEGATIVE_RX = re.compile("|".join(re.escape(w) for w in NEGATIVE_WORDS))
