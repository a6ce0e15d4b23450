"""User-written text passes the `pii` engine before anyone else sees it.

`screen_text` returns what the public may see (personal information masked) and what was
found, so the author can be told why. The original stays with the author.
"""

from dataclasses import dataclass

from django.utils.translation import get_language

from cyberweek.pii import EXPLANATIONS, LABELS, Policy, scan
from cyberweek.pii.redaction import apply


@dataclass(frozen=True)
class Screening:
    public_text: str
    found_types: tuple[str, ...]

    @property
    def found(self) -> bool:
        return bool(self.found_types)


def screen_text(text: str) -> Screening:
    findings = scan(text or "")
    if not findings:
        return Screening(text or "", ())
    public = apply(text, findings, Policy())
    types = tuple(dict.fromkeys(f.type for f in findings))
    return Screening(public, types)


def _language() -> str:
    return "en" if (get_language() or "").startswith("en") else "zh-hans"


def explain(found_types) -> list[dict]:
    """Each type found, with its label and why it is a risk, in the page's language."""
    language = _language()
    return [
        {"type": t, "label": LABELS[t][language], "explanation": EXPLANATIONS[t][language]}
        for t in found_types
    ]
