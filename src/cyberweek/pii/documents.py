"""Letter-and-digit identifiers: USCC, passports, travel permits, vehicle plates."""

import re

from .checksums import is_cn_id18, is_uscc
from .context import has_negative_label, label_before
from .finding import RawFinding

_PASSPORT = re.compile(r"E[0-9]{8}|E[A-HJ-NP-Z][0-9]{7}|G[0-9]{8}")
_OFFICIAL_PASSPORT = re.compile(r"[DSP]E?[0-9]{7}|[DSP][0-9]{8}")
_HKMO_PERMIT = re.compile(r"[HM][0-9]{8}(?:[0-9]{2})?")
# Exit-entry permits: to Hong Kong and Macao (C…), to Taiwan (L…).
_EEP_PERMIT = re.compile(r"[CL][0-9]{8}|C[A-HJ-NP-Z][0-9]{7}")
_PASSPORT_WORDS = ("护照", "passport", "证件")
_PERMIT_WORDS = ("通行证", "回乡证", "permit", "港澳", "证件")


def _alnum(ch: str) -> bool:
    return ch.isascii() and (ch.isalnum() or ch == "_")


def _bounded(text: str, start: int, end: int) -> bool:
    return not (start and _alnum(text[start - 1])) and not (end < len(text) and _alnum(text[end]))


def scan_code18(text: str, start: int, end: int, out: list[RawFinding]) -> list[int] | None:
    """An 18-character run: a credit code, or an ID number ending in X."""
    if not _bounded(text, start, end):
        return None
    value = text[start:end]
    digits = value[:17].isdigit()
    if digits and is_cn_id18(value.upper()):
        out.append((start, end, "CN_ID", value, 0.99, "GB 11643 check digit passed"))
    elif is_uscc(value) and not (digits and has_negative_label(text, start)):
        out.append((start, end, "USCC", value, 0.99, "GB 32100 check character passed"))
    return None


def scan_alpha_id(text: str, start: int, end: int, out: list[RawFinding]) -> None:
    if not _bounded(text, start, end):
        return
    value = text[start:end]
    label = label_before(text, start, 20)
    if _PASSPORT.fullmatch(value):
        conf = 0.95 if any(w in label for w in _PASSPORT_WORDS) else 0.85
        out.append((start, end, "CN_PASSPORT", value, conf, "passport number format"))
    elif _HKMO_PERMIT.fullmatch(value):
        conf = 0.95 if any(w in label for w in _PERMIT_WORDS) else 0.85
        out.append(
            (start, end, "TRAVEL_PERMIT", value, conf, "Hong Kong/Macao residents' permit format")
        )
    elif _OFFICIAL_PASSPORT.fullmatch(value) and any(w in label for w in _PASSPORT_WORDS):
        out.append(
            (start, end, "CN_PASSPORT", value, 0.9, "official passport format, passport context")
        )
    elif _EEP_PERMIT.fullmatch(value) and any(w in label for w in _PERMIT_WORDS):
        out.append(
            (start, end, "TRAVEL_PERMIT", value, 0.9, "permit number format, permit context")
        )


def scan_plate(text: str, start: int, end: int, out: list[RawFinding]) -> None:
    if end < len(text) and _alnum(text[end]):
        return
    value = text[start:end]
    tail = value[2:].lstrip("·•・ -")
    if len(tail) == 5 and sum(c.isdigit() for c in tail) < 3 and tail[-1] not in "挂学警港澳":
        return
    out.append(
        (
            start,
            end,
            "LICENSE_PLATE",
            value,
            0.9,
            "new-energy plate format" if len(tail) == 6 else "vehicle plate format",
        )
    )
