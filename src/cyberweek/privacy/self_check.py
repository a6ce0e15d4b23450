"""The public self-check: what a piece of text or a file would expose. In memory only:
nothing is saved, cached or logged, and every response tells browsers not to keep it.

Anyone may use it without signing in, so it is counted per address (`core.rate_limits`)
and a file is read by the platform's bounded reader with limits narrowed for it: a check
needs at most `SELF_CHECK_MAX_CHARS` characters, so nothing larger is unpacked."""

import secrets
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from cyberweek.core import rate_limits
from cyberweek.core.bounded_files import (
    DOCUMENT_SUFFIXES,
    FileLimits,
    check_size,
    decoded_text,
    document_text,
)
from cyberweek.core.errors import LimitReached, ValidationFailed
from cyberweek.core.screening import explain
from cyberweek.geo.regions_data import read_rows
from cyberweek.pii import Policy, id_facts, scan
from cyberweek.pii.redaction import apply as apply_redaction

from .forms import SELF_CHECK_MAX_BYTES, SELF_CHECK_MAX_CHARS

TEXT_TYPES = {".txt", ".csv", ".jsonl", ".json", ".log", ".md", ".tsv", ""}
DOCUMENT_TYPES = set(DOCUMENT_SUFFIXES)
# A check reads 200,000 characters at most; a document that needs more than this much
# unpacking or this many pages to hold them is refused rather than read.
SELF_CHECK_LIMITS = {
    "file_bytes": SELF_CHECK_MAX_BYTES,
    "inflated_bytes": 8 * 1024 * 1024,
    "xml_tags": 400_000,
    "pages": 100,
    "characters": SELF_CHECK_MAX_CHARS,
}
# The largest body a check needs: the file, the text field (multipart sends it as UTF-8,
# three bytes a Chinese character), and the form's envelope.
SELF_CHECK_MAX_BODY = SELF_CHECK_MAX_BYTES + 3 * SELF_CHECK_MAX_CHARS + 64 * 1024
WINDOW_SECONDS = 3600
# How the redacted copy replaces what was found: 138****5678, <CN_MOBILE>, or a pseudonym
# (<CN_MOBILE:3f2a…>, the same value the same pseudonym within one copy).
REDACTION_STYLES = ("mask", "tag", "pseudonym")


def count_check(address: str) -> None:
    """Count one check from `address`; refuse past SELF_CHECK_LIMIT_PER_IP an hour."""
    verdict = rate_limits.hit(
        "self-check", address, limit=settings.SELF_CHECK_LIMIT_PER_IP, window=WINDOW_SECONDS
    )
    if not verdict.allowed:
        raise LimitReached(
            _("Too many checks from this network. Try again in %(minutes)d minutes.")
            % {"minutes": max(1, -(-verdict.retry_after // 60))}
        )


@dataclass
class Segment:
    text: str
    type: str = ""
    label: str = ""
    reveals: str = ""  # what the value itself tells anyone who reads it (an ID number's)


@lru_cache(maxsize=1)
def _region_names() -> dict[str, str]:
    """Division names by their six-digit code (the geo data set; read once)."""
    return {row.code: row.name for row in read_rows()}


def id_reveals(value: str) -> str:
    """What a resident ID number discloses (region of registration, birth date, sex), in
    words for its holder. Worked out for the page and not kept anywhere."""
    facts = id_facts(value)
    if facts is None:
        return ""
    names = _region_names()
    code = facts.region_code
    parts = [names.get(c) for c in dict.fromkeys((code[:2] + "0000", code[:4] + "00", code))]
    # 市辖区 and 县 are placeholders of the data set, never written in an address.
    region = "".join(p for p in parts if p and p not in ("市辖区", "县")) or _(
        "an unknown region (code %(code)s)"
    ) % {"code": code}
    return _("Anyone who reads it learns: registered in %(region)s, born on %(date)s, %(sex)s.") % {
        "region": region,
        "date": date_format(facts.birth_date, "DATE_FORMAT"),
        "sex": _("male") if facts.sex == "male" else _("female"),
    }


@dataclass
class CheckResult:
    segments: list[Segment]
    risks: list[dict]
    counts: dict[str, int]
    characters: int
    redacted: str = ""
    style: str = "mask"

    @property
    def found(self) -> int:
        return sum(self.counts.values())


def _suffix(name: str) -> str:
    dot = name.rfind(".")
    return name[dot:].lower() if dot > 0 else ""


def text_of_upload(upload) -> str:
    """The text of an uploaded file, read from memory within `SELF_CHECK_LIMITS`."""
    limits = FileLimits.from_settings(**SELF_CHECK_LIMITS)
    check_size(upload.size, limits)
    data = upload.read(limits.file_bytes + 1)
    suffix = _suffix(upload.name or "")
    if suffix in DOCUMENT_TYPES:
        return document_text(data, suffix, limits)
    if suffix not in TEXT_TYPES:
        raise ValidationFailed(
            _("This kind of file cannot be checked. Use text, CSV, .docx, .xlsx or .pdf."),
            field="file",
        )
    return decoded_text(data, limits)


def _policy(style: str) -> Policy:
    if style not in REDACTION_STYLES:
        raise ValidationFailed(_("Choose mask, type tag or pseudonym."), field="style")
    # A key made for this one check and forgotten with it: pseudonyms hold within one copy
    # and link nothing across checks, and no key is kept that could reverse them.
    key = secrets.token_bytes(32) if style == "pseudonym" else None
    return Policy.of(style, key=key)


def check_text(text: str, style: str = "mask") -> CheckResult:
    policy = _policy(style)
    findings = scan(text)
    labels = {r["type"]: r["label"] for r in explain({f.type for f in findings})}
    segments, cursor, counts = [], 0, {}
    for finding in findings:
        if finding.start > cursor:
            segments.append(Segment(text[cursor : finding.start]))
        reveals = id_reveals(finding.text) if finding.type == "CN_ID" else ""
        segments.append(Segment(finding.text, finding.type, labels[finding.type], reveals))
        counts[finding.type] = counts.get(finding.type, 0) + 1
        cursor = finding.end
    if cursor < len(text):
        segments.append(Segment(text[cursor:]))
    risks = explain(sorted(counts, key=lambda t: -counts[t]))
    for risk in risks:
        risk["count"] = counts[risk["type"]]
    redacted = apply_redaction(text, findings, policy)
    return CheckResult(segments, risks, counts, len(text), redacted=redacted, style=style)
