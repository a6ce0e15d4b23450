"""What people and CERT teams see of a threat: the one place every published form of a
cluster is made. The warning page, the look-up answer, the API, the phishing feed (CSV and
JSON), the STIX bundle, the MISP event and the triage page's list all read `PublicThreat`
(or `public_value`), which holds no unmasked link.

Confirmed phishing links often carry their victim: `?phone=13812345678&id=1101…`, an
email address in the path, a token that opens the victim's session. A cluster keeps the
canonical link, since its key is the digest of it and a second report of the same link must
still join the cluster; the masking happens here, on the way out.

How a link is masked (the host, scheme and port stay: they are the indicator):

- a user name and password, and a fragment, are removed (canonical links have none; a raw
  link given here may);
- a query parameter whose name says what it holds (`phone`, `email`, `idcard`, `name`,
  `token`, `session` …: `SENSITIVE_PARAMETERS` and `SENSITIVE_PARTS`) loses its value
  to `***`, whatever the value looks like (the `pii` engine reads a name alone only when
  it is made of common name characters: not `name=郑爽`);
- every other parameter value and every path segment is percent-decoded and passes
  `core.screening` (the `pii` engine); what it finds is masked as in every other text
  (`138****5678`);
- a Chinese name standing alone in a value or segment (`?u=张伟`, `?who=李娜`, `/张伟/`) is
  masked (`张*`) whatever the parameter is called: alone it has no label for the engine to
  read it after, so the engine is asked about it where prose names a person (`BARE_NAME`);
- a value or segment that looks like an opaque token (`TOKEN`: 16 or more letters and
  digits, both present) is masked whole, since phishing kits put a per-victim id there.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from urllib.parse import unquote, urlsplit

from django.db.models import QuerySet

from cyberweek.core.screening import screen_text
from cyberweek.pii import Policy, scan
from cyberweek.pii.redaction import apply

from .brands import brands
from .models import Cluster
from .normalise import requote

REDACTED = "***"
MASK_CHAR = "*"

# Parameter names (lower case, without "_" and "-") whose value is personal or a secret.
SENSITIVE_PARAMETERS = frozenset(
    {
        "phone", "mobile", "tel", "telephone", "cellphone", "msisdn", "sj", "shouji",
        "email", "mail", "emailaddress", "e",
        "id", "idno", "idcard", "idnumber", "sfz", "sfzh", "certno", "cardno", "card",
        "bankcard", "account", "acct", "accountno",
        "name", "realname", "fullname", "username", "user", "uname", "xm", "xingming",
        "uid", "userid", "openid", "unionid", "customerid", "memberid",
        "qq", "wx", "wechat", "weixin",
        "addr", "address", "birthday", "dob",
        "token", "accesstoken", "refreshtoken", "idtoken", "auth", "authorization", "key",
        "apikey", "sid", "session", "sessionid", "ticket", "code", "otp", "sig",
        "signature", "pwd", "passwd", "password", "pass", "pin", "secret", "jwt",
    }
)  # fmt: skip
# A name containing one of these is sensitive too (`user_phone`, `loginEmail`).
SENSITIVE_PARTS = ("phone", "mobile", "email", "idcard", "token", "session", "passw", "secret")
TOKEN = re.compile(r"^(?=.*[0-9])(?=.*[A-Za-z])[A-Za-z0-9_\-+/=.~]{16,}$")
_NAME_NOISE = re.compile(r"[^a-z0-9]")


def _sensitive_name(name: str) -> bool:
    name = _NAME_NOISE.sub("", unquote(name).lower())
    return name in SENSITIVE_PARAMETERS or any(part in name for part in SENSITIVE_PARTS)


# A run of 2 to 4 Chinese characters with no other Chinese character on either side: the
# shape of a name standing alone in a value (`张伟`, `欧阳娜娜`, `张伟,李娜`, `张伟123`).
_CJK_RUN = re.compile(r"(?<![\u4e00-\u9fff])[\u4e00-\u9fff]{2,4}(?![\u4e00-\u9fff])")
# The engine finds a name without a label only after a word such as 联系 ("contact"), and
# then only a surname with common given-name characters that is not a place or an
# everyday word (国家, 平安): the rules it applies in prose, kept in one place (`pii.names`).
BARE_NAME = ("联系", "。")
# Words common in links that the engine reads as a name on its own (of about 550 everyday
# link words tried, these are the ones it took). Brands' names come from brands.json.
# They belong in the engine's list of everyday words (`pii.names`); until then, here.
NOT_NAMES = frozenset(
    {
        "公安", "官方", "高铁", "高清", "国庆", "凌晨", "夏天", "温馨", "管家", "元宝", "叶子",
        "白云", "南方", "黄河", "华山", "江湖", "龙虎", "韩国", "安卓", "杨梅", "丁香", "包年",
        "苏宁", "万达", "申通", "海通", "浦发", "国信", "安信", "易方达", "东方财富", "华夏",
        "方正", "金山", "国寿", "华安", "吉利", "路虎", "宾利", "兰博", "万家", "华强",
    }
)  # fmt: skip


@cache
def _brand_names() -> frozenset[str]:
    return frozenset(name for brand in brands() for name in (brand.name_zh, *brand.names))


def _bare_name(run: str) -> str | None:
    """`run` masked as the engine masks a name (`张*`) when the engine reads it, whole,
    as a person's name; None when it does not."""
    if run in NOT_NAMES or run in _brand_names():
        return None
    before, after = BARE_NAME
    sentence = f"{before}{run}{after}"
    span = (len(before), len(before) + len(run))
    names = [f for f in scan(sentence) if f.type == "PERSON" and (f.start, f.end) == span]
    if not names:
        return None
    masked = apply(sentence, names, Policy())
    return masked[len(before) : len(masked) - len(after)]


def _bare_names_masked(text: str) -> str:
    return _CJK_RUN.sub(lambda run: _bare_name(run.group()) or run.group(), text)


def _screened(text: str) -> tuple[str, bool]:
    """One path segment or parameter value, masked where it holds personal data."""
    if not text:
        return text, False
    decoded = unquote(text, errors="replace")
    if TOKEN.match(decoded):
        return REDACTED, True
    screening = screen_text(decoded)
    public = _bare_names_masked(screening.public_text)
    if not screening.found and public == decoded:
        return text, False
    return requote(public.encode("utf-8")), True


def _masked_query(query: str) -> tuple[str, bool]:
    parts, masked = [], False
    for pair in query.split("&"):
        name, equals, value = pair.partition("=")
        if not equals:
            # `?13812345678` or `?token`: the whole pair is the value.
            value, changed = _screened(name)
            parts.append(value)
        elif value and _sensitive_name(name):
            parts.append(f"{name}={REDACTED}")
            changed = True
        else:
            value, changed = _screened(value)
            parts.append(f"{name}={value}")
        masked = masked or changed
    return "&".join(parts), masked


def masked_url(url: str) -> tuple[str, bool]:
    """`url` with the personal data of its path, query, fragment and user info masked,
    and whether anything was."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return REDACTED, True
    masked = bool(parts.fragment) or "@" in parts.netloc
    host = parts.netloc.rsplit("@", 1)[-1]
    segments = []
    for segment in parts.path.split("/"):
        segment, changed = _screened(segment)
        segments.append(segment)
        masked = masked or changed
    out = f"{parts.scheme}://{host}{'/'.join(segments)}"
    if parts.query:
        query, changed = _masked_query(parts.query)
        out += f"?{query}"
        masked = masked or changed
    elif url.endswith("?"):
        out += "?"
    return out, masked


def public_value(kind: str, value: str) -> str:
    """The form of an observable that may be shown or exported. A phone number, QQ
    number or WeChat ID is the fraudster's, not a victim's: it is the indicator itself."""
    if kind == Cluster.Kind.URL:
        return masked_url(value)[0]
    if kind == Cluster.Kind.HOST_PATH:
        return masked_url(f"http://{value}")[0].removeprefix("http://")
    return value


@dataclass(frozen=True)
class PublicThreat:
    """A confirmed threat as it is published: the masked link and the counts."""

    id: int
    kind: str
    value: str  # masked
    display: str  # masked; an internationalised host as people read it
    masked: bool  # whether the link lost personal data on the way out
    key: str  # the cluster's key, so exports give the same ids every time
    report_count: int
    first_seen: datetime
    last_seen: datetime
    confirmed_at: datetime | None
    taken_down_at: datetime | None

    @property
    def online(self) -> bool:
        return self.taken_down_at is None

    @property
    def kind_label(self) -> str:
        return Cluster.Kind(self.kind).label

    @property
    def host(self) -> str:
        if self.kind != Cluster.Kind.URL:
            return ""
        return urlsplit(self.value).hostname or ""

    @property
    def mask_pattern(self) -> str:
        """The masked link with each masked run as `%`: a SQL LIKE pattern (as STIX
        patterns take) that matches the real link without saying what was masked."""
        return re.sub(r"\*+", "%", self.value)


def published(cluster: Cluster) -> PublicThreat:
    if cluster.kind == Cluster.Kind.URL:
        value, masked = masked_url(cluster.value)
        display = masked_url(cluster.display)[0] if cluster.display else value
    else:
        value = display = public_value(cluster.kind, cluster.value)
        masked = value != cluster.value
    return PublicThreat(
        id=cluster.pk,
        kind=cluster.kind,
        value=value,
        display=display,
        masked=masked,
        key=cluster.key,
        report_count=cluster.report_count,
        first_seen=cluster.first_seen,
        last_seen=cluster.last_seen,
        confirmed_at=cluster.confirmed_at,
        taken_down_at=cluster.taken_down_at,
    )


class PublishedThreats(Sequence):
    """A query of clusters that yields `PublicThreat`s, slice by slice, so the API's
    paginator masks only the page it returns."""

    def __init__(self, clusters: QuerySet[Cluster]):
        self.clusters = clusters

    def __len__(self) -> int:
        return self.clusters.count()

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [published(c) for c in self.clusters[index]]
        return published(self.clusters[index])
