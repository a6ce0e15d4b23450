"""Secrets that open personal accounts: private keys, API keys and tokens, passwords."""

import re

from .finding import RawFinding

MAX_PEM = 12_000
_PEM_END = re.compile(r"-----END [A-Z0-9 ]*PRIVATE KEY-----")
_PEM_BODY = re.compile(r"[A-Za-z0-9+/=:\-,\s]*")
# Printable ASCII only: a run of Chinese after 密码 is prose, not a password.
_VALUE = re.compile(r"[!#-&(-+\--:<-~]{4,256}")
_QUOTED = {'"': re.compile(r'"([ -!#-~]{4,256})"'), "'": re.compile(r"'([ -&(-~]{4,256})'")}
# Values that are placeholders, masks or references to somewhere else, not a secret.
_PLACEHOLDER = re.compile(
    r"(?i)^(?:\*+|x+|\.+|#+|-+|null|none|nil|true|false|undefined|password|passwd|secret|token|"
    r"changeme|your[_-].*|<.*>|\$\{.*\}|\$[A-Z_]+|\{\{.*\}\}|%\(.*\)s|%s|\?+|redacted|"
    r"\[redacted\]|env\(.*\)|os\.environ.*|getenv.*|required|optional|string|str|int)$"
)
_NAMED = {
    "AKIA": "AWS access key id",
    "ASIA": "AWS temporary access key id",
    "ghp_": "GitHub token",
    "gho_": "GitHub token",
    "ghu_": "GitHub token",
    "ghs_": "GitHub token",
    "ghr_": "GitHub token",
    "github_pat_": "GitHub fine-grained token",
    "xox": "Slack token",
    "AIza": "Google API key",
    "sk-": "OpenAI-style secret key",
    "sk_live_": "Stripe secret key",
    "sk_test_": "Stripe test key",
    "rk_live_": "Stripe restricted key",
    "eyJ": "JSON Web Token",
    "LTAI": "Alibaba Cloud AccessKey id",
    "AKID": "Tencent Cloud SecretId",
}


def _alnum(ch: str) -> bool:
    return ch.isascii() and (ch.isalnum() or ch in "_-")


def scan_pem(text: str, start: int, end: int, out: list[RawFinding]) -> None:
    m = _PEM_END.search(text, end, end + MAX_PEM)
    if m:
        stop = m.end()
    else:
        # A truncated key still leaks; it runs to the end of its base64 body.
        stop = _PEM_BODY.match(text, end, end + MAX_PEM).end()
        while stop > end and text[stop - 1].isspace():
            stop -= 1
    out.append((start, stop, "SECRET", text[start:stop], 0.99, "PEM private key block"))


def scan_named_token(text: str, start: int, end: int, out: list[RawFinding]) -> None:
    if (start and _alnum(text[start - 1])) or (end < len(text) and _alnum(text[end])):
        return
    value = text[start:end]
    kind = next(v for k, v in _NAMED.items() if value.startswith(k))
    out.append((start, end, "SECRET", value, 0.95, kind))


def scan_assignment(text: str, key_start: int, value_start: int, out: list[RawFinding]) -> None:
    """``password=...``, ``"api_key": "..."``, ``密码：...``: the value is the secret."""
    if key_start and text[key_start - 1].isascii() and text[key_start - 1].isalpha():
        return
    key = text[key_start:value_start].lower()
    if "_id" in key or 'id"' in key:
        return
    quote = text[value_start : value_start + 1]
    if quote in _QUOTED:
        m = _QUOTED[quote].match(text, value_start)
        if not m:
            return
        s, e = m.span(1)
    else:
        m = _VALUE.match(text, value_start)
        if not m:
            return
        s, e = m.span()
        while e > s and text[e - 1] in ".。":
            e -= 1
    value = text[s:e]
    if e - s < 4 or _PLACEHOLDER.match(value) or "*" * 3 in value:
        return
    out.append((s, e, "SECRET", value, 0.9, "value of a password or key field"))


def scan_url_password(text: str, start: int, end: int, out: list[RawFinding]) -> None:
    """``scheme://user:password@host``: the password part."""
    colon = text.index(":", start + 3, end)
    value = text[colon + 1 : end - 1]
    if len(value) < 3 or _PLACEHOLDER.match(value):
        return
    out.append((colon + 1, end - 1, "SECRET", value, 0.9, "password in a URL"))
