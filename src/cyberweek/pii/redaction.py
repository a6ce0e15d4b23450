"""redact(): replace findings according to a policy per type."""

import hashlib
import hmac
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from .engine import scan, scan_segments
from .finding import TYPES, Finding

ACTIONS = ("mask", "tag", "pseudonym", "remove", "keep")

# What stays visible when masking: enough for the owner to recognise the value, not enough
# to use it (the usual Chinese practice: 138****5678, 110101********1234, 张*).
DEFAULT_KEEP: dict[str, tuple[int, int]] = {
    "CN_ID": (6, 4),
    "CN_MOBILE": (3, 4),
    "CN_LANDLINE": (4, 2),
    "INTL_PHONE": (3, 2),
    "BANK_CARD": (4, 4),
    "USCC": (2, 4),
    "CN_PASSPORT": (1, 2),
    "TRAVEL_PERMIT": (1, 2),
    "LICENSE_PLATE": (2, 1),
    "EMAIL": (1, 0),
    "IP_ADDRESS": (0, 0),
    "MAC_ADDRESS": (0, 0),
    "IMEI": (0, 4),
    "DATE_OF_BIRTH": (4, 0),
    "SECRET": (0, 0),
    "PERSON": (1, 0),
    "ADDRESS": (6, 0),
    "QQ": (2, 2),
    "WECHAT_ID": (2, 2),
}
_SEPARATORS = frozenset(" -·•・()（）.:+")


@dataclass(frozen=True)
class Rule:
    """How one type is redacted. ``head``/``tail`` are the characters kept when masking
    (None: the type's default)."""

    action: str = "mask"
    head: int | None = None
    tail: int | None = None
    mask_char: str = "*"

    def __post_init__(self):
        if self.action not in ACTIONS:
            raise ValueError(f"unknown action {self.action!r}; choose from {', '.join(ACTIONS)}")


@dataclass(frozen=True)
class Policy:
    """A rule per type, a default rule, and the key for keyed pseudonyms.

    The pseudonym of a value is an HMAC-SHA256 of its type and normalised value under
    ``key``, so the same value gets the same pseudonym in every document redacted with the
    same key, and cannot be reversed without the key."""

    default: Rule = field(default_factory=Rule)
    rules: dict[str, Rule] = field(default_factory=dict)
    key: bytes | None = None
    types: frozenset[str] | None = None  # only these types are redacted (None: all)
    min_confidence: float = 0.0

    def __post_init__(self):
        unknown = set(self.rules) - set(TYPES)
        if unknown:
            raise ValueError(f"unknown type(s): {', '.join(sorted(unknown))}")
        needs_key = self.default.action == "pseudonym" or any(
            r.action == "pseudonym" for r in self.rules.values()
        )
        if needs_key and not self.key:
            raise ValueError("the pseudonym action needs a key")

    @classmethod
    def of(cls, action: str = "mask", key: bytes | str | None = None, **kwargs) -> "Policy":
        if isinstance(key, str):
            key = key.encode("utf-8")
        return cls(default=Rule(action), key=key, **kwargs)

    def rule_for(self, type_: str) -> Rule:
        return self.rules.get(type_, self.default)

    def applies(self, finding: Finding) -> bool:
        return (self.types is None or finding.type in self.types) and (
            finding.confidence >= self.min_confidence
        )

    def replacement(self, finding: Finding) -> str:
        rule = self.rule_for(finding.type)
        if rule.action == "keep":
            return finding.text
        if rule.action == "remove":
            return ""
        if rule.action == "tag":
            return f"<{finding.type}>"
        if rule.action == "pseudonym":
            digest = hmac.new(
                self.key, f"{finding.type}:{_normalise(finding)}".encode(), hashlib.sha256
            ).hexdigest()
            return f"<{finding.type}:{digest[:10]}>"
        return _mask(finding, rule)


def _normalise(finding: Finding) -> str:
    text = finding.text
    if finding.type in ("EMAIL", "MAC_ADDRESS", "IP_ADDRESS", "USCC", "CN_ID"):
        text = text.lower()
    if finding.type in ("CN_MOBILE", "CN_LANDLINE", "BANK_CARD", "IMEI", "CN_ID", "INTL_PHONE"):
        text = "".join(c for c in text if c.isalnum())
        if finding.type == "CN_MOBILE":
            text = text[-11:]
    return text


def _mask(finding: Finding, rule: Rule) -> str:
    text = finding.text
    head, tail = DEFAULT_KEEP.get(finding.type, (0, 0))
    head = rule.head if rule.head is not None else head
    tail = rule.tail if rule.tail is not None else tail
    if finding.type == "EMAIL":
        local, _, domain = text.partition("@")
        keep = min(head, max(0, len(local) - 1))
        return local[:keep] + rule.mask_char * (len(local) - keep) + "@" + domain
    # Separators stay so the shape is still readable: 138 **** 5678.
    positions = [i for i, c in enumerate(text) if c not in _SEPARATORS]
    if finding.type == "CN_MOBILE" and len(positions) > 11:
        head += len(positions) - 11  # the country prefix is shown as written
    if head + tail >= len(positions):
        head, tail = min(head, max(0, len(positions) - 1)), 0
        if len(positions) <= 1:
            head = 0
    hidden = set(positions[head : len(positions) - tail])
    return "".join(rule.mask_char if i in hidden else c for i, c in enumerate(text))


def apply(text: str, findings: Iterable[Finding], policy: Policy, offset: int = 0) -> str:
    parts, pos = [], 0
    for f in findings:
        if not policy.applies(f):
            continue
        parts.append(text[pos : f.start - offset])
        parts.append(policy.replacement(f))
        pos = f.end - offset
    parts.append(text[pos:])
    return "".join(parts)


def redact(text: str, policy: Policy | None = None, **scan_options) -> str:
    """text with every finding replaced according to policy (default: mask). scan_options:
    allow and recognizers, as for scan()."""
    return apply(text, scan(text, **scan_options), policy or Policy())


def redact_stream(
    chunks: Iterable[str],
    policy: Policy | None = None,
    counter: list[Finding] | None = None,
    **scan_options,
) -> Iterator[str]:
    """Redacted text, piece by piece, of a text given in pieces. If counter is a list,
    the redacted findings are appended to it."""
    policy = policy or Policy()
    for text, start, found in scan_segments(chunks, **scan_options):
        if counter is not None:
            counter.extend(f for f in found if policy.applies(f))
        yield apply(text, found, policy, offset=start)
