"""Canonical forms of what people report: links, phone numbers, QQ numbers, WeChat IDs.

Plain Python with no Django import, so the benchmark and the tests use it alone. Two
reports of one threat written differently must land on one key; nothing here is fetched
or resolved (no DNS, no HTTP, no Public Suffix List download).

Links follow RFC 3986 and then the stricter canonicalisation of Google Safe Browsing
(developers.google.com/safe-browsing/v4/urls-hashing):

- tabs, CR and LF are removed, surrounding whitespace trimmed; a link without a scheme
  gets `http://`;
- the fragment is dropped; the URL is percent-decoded until nothing changes, then
  re-encoded (bytes <= 0x20, >= 0x7f, `#` and `%` escaped), so `%2541`, `%41` and `A`
  are one key;
- the host is lower-cased, leading and trailing dots are removed and runs of dots
  collapsed; an IPv4 address in decimal, octal, hexadecimal or short form
  (`3232235777`, `0300.0250.1.1`, `0xc0.0xa8.1.1`, `192.168.257`) becomes dotted decimal;
  an internationalised name becomes punycode with `idna` (UTS 46), and is flagged, since
  homographs (`аpple.com` with a Cyrillic а) are a phishing trick;
- the path's `.` and `..` segments are resolved and runs of slashes collapsed; the query
  is kept as it is after re-encoding; a default port is dropped;
- user names and passwords in a link (`http://bank.com@evil.example/`) are removed and
  flagged: the host that matters is the one after `@`;
- `data:`, `javascript:` and every scheme but http and https are refused, as are links
  longer than `MAX_URL_CHARS`.

Registrable domains come from `publicsuffixlist`, which bundles a dated copy of the
Public Suffix List and reads only that copy unless asked to update (we never ask).
"""

import ipaddress
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from urllib.parse import unquote_to_bytes

import idna
import phonenumbers
from phonenumbers import shortnumberinfo
from publicsuffixlist import PublicSuffixList

MAX_URL_CHARS = 2048  # what browsers and most feeds accept; a 100 KB "link" is refused
MAX_DECODE_ROUNDS = 16
ALLOWED_SCHEMES = ("http", "https")
DEFAULT_PORTS = {"http": 80, "https": 443}


class NotNormalisable(ValueError):
    """Input that cannot be one of our observables. `code` names the reason for callers
    that translate it; the English text is for logs and tests."""

    def __init__(self, code: str, text: str):
        self.code = code
        super().__init__(text)


@dataclass(frozen=True)
class CanonicalUrl:
    url: str  # the canonical link, the exact-match key
    host: str  # ASCII (punycode) host, or dotted-decimal IPv4, or [IPv6]
    host_path: str  # host and path without query: the second clustering key
    domain: str  # registrable domain (or the IP address): the widest key
    had_credentials: bool = False
    is_idn: bool = False
    unicode_host: str = ""  # for people: what the host looks like in a browser


_CONTROL = re.compile(r"[\t\r\n]")
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")
_DOTS = re.compile(r"\.{2,}")
_SLASHES = re.compile(r"/{2,}")


def _full_unquote(text: str) -> bytes:
    """Percent-decode until stable. Bytes, because a decoded %FF is not text."""
    data = text.encode("utf-8", "surrogatepass")
    for _round in range(MAX_DECODE_ROUNDS):
        decoded = unquote_to_bytes(data)
        if decoded == data:
            return data
        data = decoded
    return data


def requote(data: bytes) -> str:
    # Safe Browsing escapes bytes <= 0x20, >= 0x7f, '#' and '%'; everything else stays.
    out = []
    for byte in data:
        if byte <= 0x20 or byte >= 0x7F or byte in b"#%":
            out.append(f"%{byte:02X}")
        else:
            out.append(chr(byte))
    return "".join(out)


def _ipv4_part(part: str) -> int | None:
    if not part:
        return None
    try:
        if part.lower().startswith("0x"):
            return int(part[2:] or "0", 16)
        if len(part) > 1 and part.startswith("0"):
            return int(part, 8)
        return int(part, 10)
    except ValueError:
        return None


def parse_ipv4(host: str) -> str | None:
    """The dotted-decimal form of an IPv4 address in any of the notations browsers accept
    (inet_aton's): 1 to 4 parts, each decimal, octal (leading 0) or hex (0x); the last
    part fills the remaining bytes. None when `host` is not such an address."""
    parts = host.split(".")
    if not 1 <= len(parts) <= 4:
        return None
    numbers = [_ipv4_part(p) for p in parts]
    if any(n is None for n in numbers):
        return None
    *head, last = numbers
    if any(n > 255 for n in head) or last >= 256 ** (4 - len(head)):
        return None
    value = 0
    for n in head:
        value = value * 256 + n
    value = value * 256 ** (4 - len(head)) + last
    return str(ipaddress.IPv4Address(value))


def _ascii_host(host: str) -> tuple[str, bool]:
    """Punycode for an internationalised name; (host, whether it was one)."""
    if host.isascii():
        return host.lower(), any(label.startswith("xn--") for label in host.lower().split("."))
    try:
        encoded = idna.encode(host, uts46=True, transitional=False).decode("ascii")
    except idna.IDNAError as error:
        raise NotNormalisable("bad-host", f"host is not a valid domain name: {error}") from error
    return encoded, True


def _unicode_host(host: str) -> str:
    try:
        return idna.decode(host)
    except idna.IDNAError:
        return host


_HOST_CHARS = re.compile(r"^[a-z0-9\-_.]+$")


def _canonical_host(raw: bytes) -> tuple[str, bool]:
    try:
        host = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise NotNormalisable("bad-host", "host is not valid UTF-8") from error
    host = unicodedata.normalize("NFKC", host).strip(".")
    host = _DOTS.sub(".", host)
    if host.startswith("[") and host.endswith("]"):
        try:
            return f"[{ipaddress.IPv6Address(host[1:-1]).compressed}]", False
        except ValueError as error:
            raise NotNormalisable("bad-host", "not an IPv6 address") from error
    if not host:
        raise NotNormalisable("no-host", "the link has no host")
    ipv4 = parse_ipv4(host)
    if ipv4 is not None:
        return ipv4, False
    host, is_idn = _ascii_host(host)
    host = host.strip(".")
    if not host or not _HOST_CHARS.match(host) or len(host) > 253:
        raise NotNormalisable("bad-host", "the host has characters a domain cannot have")
    return host, is_idn


def _canonical_path(raw: bytes) -> bytes:
    segments = []
    for segment in _SLASHES.sub("/", raw.decode("latin-1")).split("/")[1:]:
        if segment == ".":
            continue
        if segment == "..":
            if segments:
                segments.pop()
            continue
        segments.append(segment)
    path = "/" + "/".join(segments)
    # A trailing "." or ".." names a directory: keep the slash that says so.
    if raw.endswith((b"/.", b"/..")) and not path.endswith("/"):
        path += "/"
    return path.encode("latin-1")


@cache
def _psl() -> PublicSuffixList:
    # The bundled list (the package's own data file); constructing it reads nothing else.
    return PublicSuffixList()


def registrable_domain(host: str) -> str:
    """`login.bank.example.com.cn` -> `example.com.cn`; an IP address is its own domain;
    a bare public suffix (`com.cn`) is itself."""
    if host.startswith("[") or parse_ipv4(host) == host:
        return host
    return _psl().privatesuffix(host) or host


def canonical_url(text: str) -> CanonicalUrl:
    """The canonical form of a link as a person pasted it. Raises `NotNormalisable`."""
    if text is None:
        raise NotNormalisable("empty", "no link given")
    if len(text) > MAX_URL_CHARS:
        raise NotNormalisable("too-long", f"the link is longer than {MAX_URL_CHARS} characters")
    text = _CONTROL.sub("", text).strip()
    if not text:
        raise NotNormalisable("empty", "no link given")
    if "\x00" in text:
        raise NotNormalisable("bad-character", "the link holds a NUL character")
    scheme_match = _SCHEME.match(text)
    # "bank.example:8080/x" has no scheme: a scheme is followed by "//" for http(s), and
    # what precedes ":" in a host:port is not one of the refused schemes either.
    if scheme_match and (
        text[scheme_match.end() :].startswith("//")
        or scheme_match.group(1).lower() in {"data", "javascript", "vbscript", "file", "blob"}
        or not text[scheme_match.end() :][:1].isdigit()
    ):
        scheme = scheme_match.group(1).lower()
        rest = text[scheme_match.end() :]
    else:
        scheme, rest = "http", "//" + text
    if scheme not in ALLOWED_SCHEMES:
        raise NotNormalisable("scheme", f"only http and https links can be reported, not {scheme}:")
    rest = rest.lstrip("/\\")
    rest = rest.split("#", 1)[0]
    # Authority ends at the first /, ? (backslashes count as slashes, as browsers read them).
    rest = rest.replace("\\", "/")
    cut = min((i for i in (rest.find("/"), rest.find("?")) if i >= 0), default=len(rest))
    authority, remainder = rest[:cut], rest[cut:]
    had_credentials = "@" in authority
    if had_credentials:
        authority = authority.rsplit("@", 1)[1]
    host_part, port_text = authority, ""
    if authority.startswith("["):
        host_part, _bracket, after = authority.partition("]")
        host_part += _bracket
        port_text = after[1:] if after.startswith(":") else after
    elif ":" in authority:
        host_part, _colon, port_text = authority.rpartition(":")
    port = None
    if port_text:
        if not (port_text.isdigit() and len(port_text) <= 5 and 0 < int(port_text) < 65536):
            raise NotNormalisable("bad-port", "the link's port is not a number 1-65535")
        port = int(port_text)
    host, is_idn = _canonical_host(_full_unquote(host_part))
    if port == DEFAULT_PORTS[scheme]:
        port = None
    path_text, _q, query = remainder.partition("?")
    path = requote(_canonical_path(_full_unquote(path_text or "/")))
    url = f"{scheme}://{host}{f':{port}' if port else ''}{path}"
    if _q:
        url += "?" + requote(_full_unquote(query))
    if len(url) > MAX_URL_CHARS:
        raise NotNormalisable("too-long", f"the link is longer than {MAX_URL_CHARS} characters")
    return CanonicalUrl(
        url=url,
        host=host,
        host_path=f"{host}{path}",
        domain=registrable_domain(host),
        had_credentials=had_credentials,
        is_idn=is_idn,
        unicode_host=_unicode_host(host) if is_idn else host,
    )


# --- Phone numbers, QQ, WeChat ----------------------------------------------------------
DEFAULT_REGION = "CN"


def canonical_phone(text: str, region: str = DEFAULT_REGION) -> str:
    """E.164 (`+8613800138000`) for a full number in any notation people write
    (`138 0013 8000`, `+86-138-0013-8000`, `0086 13800138000`, `(010) 6552 9988`,
    full-width digits); a short service number valid in `region` (`95566`, `10086`) is
    `CN:95566`, since E.164 has no form for it. Raises `NotNormalisable`."""
    text = unicodedata.normalize("NFKC", (text or "")).strip()
    if not text:
        raise NotNormalisable("empty", "no phone number given")
    if len(text) > 40:
        raise NotNormalisable("bad-phone", "a phone number is at most 40 characters")
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as error:
        raise NotNormalisable("bad-phone", f"not a phone number: {error}") from error
    if phonenumbers.is_valid_number(number):
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    digits = re.sub(r"\D", "", text)
    if (
        not text.startswith("+")
        and 3 <= len(digits) <= 8
        and shortnumberinfo.is_valid_short_number_for_region(
            phonenumbers.parse(digits, region), region
        )
    ):
        return f"{region}:{digits}"
    raise NotNormalisable("bad-phone", "not a valid phone number")


_QQ = re.compile(r"^[1-9][0-9]{4,10}$")
# Longer alternatives first: "微信号：abc" must lose "微信号", not only "微信".
_QQ_PREFIX = re.compile(r"^(?:qq|ＱＱ|扣扣)\s*(?:号码|号)?\s*[:：]?\s*", re.IGNORECASE)


def canonical_qq(text: str) -> str:
    """A QQ number: 5 to 11 digits, not starting with 0; "QQ: 12345", spaces and
    full-width digits accepted."""
    text = unicodedata.normalize("NFKC", text or "").strip()
    text = re.sub(r"[\s\-]", "", _QQ_PREFIX.sub("", text))
    if not _QQ.match(text):
        raise NotNormalisable("bad-qq", "a QQ number is 5 to 11 digits, not starting with 0")
    return text


_WECHAT = re.compile(r"^[a-z][a-z0-9_\-]{5,19}$")
_WECHAT_PREFIX = re.compile(r"^(?:wechat|weixin|wx|vx|微信号|微信)\s*[:：]?\s*", re.IGNORECASE)


def canonical_wechat(text: str) -> str:
    """A WeChat ID: 6 to 20 letters, digits, `_` or `-`, starting with a letter, compared
    without case (WeChat's search ignores it)."""
    text = unicodedata.normalize("NFKC", text or "").strip()
    text = _WECHAT_PREFIX.sub("", text).strip().lower()
    if not _WECHAT.match(text):
        raise NotNormalisable(
            "bad-wechat",
            "a WeChat ID is 6 to 20 letters, digits, _ or -, starting with a letter",
        )
    return text
