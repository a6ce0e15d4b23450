"""User-written text passes the `pii` engine before anyone else sees it.

`screen_text` returns what the public may see (personal information masked) and what was
found, so the author can be told why. The original stays with the author. The engine can
miss a name written in prose ("由社区网格员王建国负责"), so the author may list words to
mask by hand (`hand_masks`); they are masked wherever they occur, before the engine reads
the text, and the result is the one text the public is shown.
"""

import re
from dataclasses import dataclass

from django.utils.translation import get_language

from cyberweek.pii import EXPLANATIONS, LABELS, Policy, scan
from cyberweek.pii.redaction import apply


@dataclass(frozen=True)
class Screening:
    public_text: str
    found_types: tuple[str, ...]
    hand_masked: int = 0  # occurrences of the author's own words that were masked

    @property
    def found(self) -> bool:
        return bool(self.found_types)


MASK = "*"
# A hand mask of one character would blank that character everywhere ("王" in 王府井).
HAND_MASK_MIN_CHARS = 2
HAND_MASK_MAX_CHARS = 60
HAND_MASKS_MAX = 50


def parse_hand_masks(value: str) -> list[str]:
    """The words of a hand-mask list (one a line), stripped, blanks and repeats dropped."""
    words = (line.strip() for line in (value or "").splitlines())
    return list(dict.fromkeys(word for word in words if word))


def _mask_by_hand(text: str, words) -> tuple[str, int]:
    words = sorted({w for w in words if len(w) >= HAND_MASK_MIN_CHARS}, key=len, reverse=True)
    if not words or not text:
        return text, 0
    # The longest word first, so "王建国" is masked whole where "王建" is also listed.
    pattern = re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE)
    return pattern.subn(lambda match: MASK * len(match.group()), text)


def screen_text(text: str, hand_masks=()) -> Screening:
    text = text or ""
    text, hand_masked = _mask_by_hand(text, hand_masks)
    findings = scan(text)
    if not findings:
        return Screening(text, (), hand_masked)
    public = apply(text, findings, Policy())
    types = tuple(dict.fromkeys(f.type for f in findings))
    return Screening(public, types, hand_masked)


def _language() -> str:
    return "en" if (get_language() or "").startswith("en") else "zh-hans"


def explain(found_types) -> list[dict]:
    """Each type found, with its label and why it is a risk, in the page's language."""
    language = _language()
    # A deployment's own recognisers (settings.PII_PATTERNS…) report types of their own,
    # which have no entry here: their name is their label.
    return [
        {
            "type": t,
            "label": LABELS[t][language] if t in LABELS else t,
            "explanation": EXPLANATIONS[t][language] if t in EXPLANATIONS else "",
        }
        for t in found_types
    ]
