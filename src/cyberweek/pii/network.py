"""E-mail, IP and MAC addresses."""

import ipaddress
import re

from . import names
from .context import label_before
from .finding import RawFinding

_LOCAL_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._%+-")
# Greedy: ends at the last character before '@' that cannot be in a local part.
_UP_TO_NON_LOCAL = re.compile(r".*[^A-Za-z0-9._%+\-]", re.DOTALL)
_DOMAIN = re.compile(
    r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}"
    r"[A-Za-z0-9])?)*\.[A-Za-z]{2,24}(?![A-Za-z0-9-])"
)
# Internationalised addresses (RFC 6531/IDNA): a local part and labels in Chinese, and a
# top-level domain in Chinese (.中国, .公司, …) or ASCII.
_IDN_TLDS = (
    "中国|中國|公司|网络|網絡|香港|台湾|台灣|新加坡|在线|网址|网店|商城|集团|我爱你|手机|信息|"
    "商标|移动|游戏|企业|娱乐|商店|时尚|微博|购物|中文网|世界|健康|招聘|政务|公益|广东|佛山"
)
_IDN_DOMAIN = re.compile(
    r"[\w](?:[\w-]{0,61}[\w])?(?:\.[\w](?:[\w-]{0,61}[\w])?)*?"
    rf"\.(?:{_IDN_TLDS}|[A-Za-z]{{2,24}}(?![A-Za-z0-9-]))"
)
_CJK_LOCAL = re.compile(r"[\u4e00-\u9fff]{1,12}$")
# Words that end a label before an address written without a blank (邮箱张伟@…).
_LOCAL_LABELS = re.compile(r".*(?:邮箱|邮件|电邮|地址|发到|寄到|发至|联系|是|为|到|至|：|:)")

# Words in front of a dotted quad that make it a version or a section number, not an address:
# the label (context.label_before) ends with one of them, then maybe a separator.
_NOT_IP_WORDS = (
    "version",
    "ver",
    "v",
    "版本",
    "版本号",
    "第",
    "section",
    "sec",
    "§",
    "章节",
    "条款",
    "build",
    "release",
    "rel",
    "固件",
    "firmware",
    "fw",
    "sdk",
    "python",
    "java",
    "chrome",
    "firefox",
    "safari",
    "版",
    "内核",
    "kernel",
    "os",
    "掩码",
    "netmask",
    "mask",
)
_SEPARATORS = ":=：/#"
_OCTETS = re.compile(
    r"(?!0\.|255\.)(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])"
    r"(?:\.(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])){3}"
)


# The label ends with one of the words only if the last character before the value, past
# blanks and one separator, ends one of them (a character test instead of a search).
_NOT_IP_LAST = frozenset(w[-1] for w in _NOT_IP_WORDS)


def _version_label(text: str, start: int) -> bool:
    lo = start - 20 if start > 20 else 0  # the window of label_before()
    p = start - 1
    while p >= lo and text[p].isspace():
        p -= 1
    if p >= lo and text[p] in _SEPARATORS:
        p -= 1
        while p >= lo and text[p].isspace():
            p -= 1
    if p < lo or text[p].lower()[-1:] not in _NOT_IP_LAST:
        return False
    label = label_before(text, start).rstrip()
    if label and label[-1] in _SEPARATORS:
        label = label[:-1].rstrip()
    return label.endswith(_NOT_IP_WORDS)


def _alnum(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def scan_emails(text: str, ats: list[int], out: list[RawFinding]) -> None:
    """scan_email() for every '@' (a trigger of one character: nothing to match first)."""
    for at in ats:
        scan_email(text, at, out)


def scan_email(text: str, at: int, out: list[RawFinding]) -> None:
    lo = at - 64 if at > 64 else 0
    m = _UP_TO_NON_LOCAL.match(text, lo, at)
    start = m.end() if m else lo
    while start < at and text[start] in ".-+":
        start += 1
    if start == at:
        if not _scan_idn_email(text, at, out):
            names.scan_mention(text, at, out)
        return
    if start:
        before = text[start - 1]
        if before in _LOCAL_CHARS:
            return
        # user:password@host inside a URL is a secret, not an e-mail address. (After a
        # blank there is none: a blank would lie between the "://" and the address.)
        if not before.isspace():
            scheme = text.rfind("://", start - 200 if start > 200 else 0, start)
            if scheme >= 0 and not any(c.isspace() for c in text[scheme:start]):
                return
    m = _DOMAIN.match(text, at + 1) or _IDN_DOMAIN.match(text, at + 1)
    if not m or ".." in text[start:at]:
        return
    end = m.end()
    out.append((start, end, "EMAIL", text[start:end], 0.97, "e-mail address format"))


def _scan_idn_email(text: str, at: int, out: list[RawFinding]) -> bool:
    """张伟@公司.中国: an address whose local part is Chinese. True when one was found."""
    m = _IDN_DOMAIN.match(text, at + 1)
    if m is None or m.group().isascii():
        return False
    local = _CJK_LOCAL.search(text, at - 12 if at > 12 else 0, at)
    if local is None:
        return False
    start = local.start()
    label = _LOCAL_LABELS.match(text, start, at)
    if label is not None:
        start = label.end()
    if at - start < 1:
        return False
    out.append((start, m.end(), "EMAIL", text[start : m.end()], 0.9, "internationalised e-mail"))
    return True


_ASCII_ALNUM = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
_NOT_BEFORE_IP = _ASCII_ALNUM | frozenset("._-/")
_NOT_AFTER_IP = _ASCII_ALNUM | frozenset("_")


def scan_ipv4(text: str, start: int, end: int, out: list[RawFinding]) -> None:
    value = text[start:end]
    if start and text[start - 1] in _NOT_BEFORE_IP:
        return
    if end < len(text) and text[end] in _NOT_AFTER_IP:
        return
    if end + 1 < len(text) and text[end] == "." and text[end + 1].isdigit():
        return
    # Octets 0-255 without leading zeros; 0.x.x.x and 255.x.x.x are not hosts: they are
    # masks (255.255.255.0) or "any".
    if _OCTETS.fullmatch(value) is None:
        return
    if text[end : end + 1] in ("节", "章", "条", "版") or _version_label(text, start):
        return
    out.append((start, end, "IP_ADDRESS", value, 0.95, "IPv4 address"))


def scan_ipv6(text: str, start: int, end: int, out: list[RawFinding]) -> None:
    if start and (_alnum(text[start - 1]) or text[start - 1] in ":_"):
        return
    if end < len(text) and (_alnum(text[end]) or text[end] == "_"):
        return
    value = text[start:end]
    if value.count(":") < 2 or ("::" not in value and value.count(":") < 7):
        return
    try:
        ipaddress.IPv6Address(value)
    except ValueError:
        return
    out.append((start, end, "IP_ADDRESS", value, 0.95, "IPv6 address"))


def scan_mac(text: str, start: int, end: int, out: list[RawFinding]) -> None:
    if start and (_alnum(text[start - 1]) or text[start - 1] in ":-._"):
        return
    if (end < len(text) and (_alnum(text[end]) or text[end] in ":_")) or (
        end + 1 < len(text) and text[end] in "-." and _alnum(text[end + 1])
    ):
        return
    value = text[start:end]
    if "." not in value and len({c for c in value if c in ":-"}) != 1:
        return
    out.append((start, end, "MAC_ADDRESS", value, 0.95, "MAC address format"))
