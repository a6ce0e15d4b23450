"""scan(): stage one finds candidates, stage two validates each one exactly, then overlaps
are resolved so that every character belongs to at most one finding."""

import gc
from collections.abc import Callable, Iterable, Iterator

from . import addresses, dates, digit_runs, documents, names, network, secret_keys
from .candidates import EXACT, KINDS, candidate_starts
from .finding import Finding


def _code18(text, start, end, out):
    # Runs of digits (IDs, also with a final X, and all-digit credit codes) are the digit
    # handler's; this one takes the codes with letters.
    if not text[start : start + 17].isdigit():
        documents.scan_code18(text, start, end, out)


def _assignment(text, start, end, out):
    secret_keys.scan_assignment(text, start, end, out)


def _email(text, start, end, out):
    network.scan_email(text, start, out)


HANDLERS: dict[str, Callable] = {
    "pem": secret_keys.scan_pem,
    "token": secret_keys.scan_named_token,
    "kv": _assignment,
    "url": secret_keys.scan_url_password,
    "at": _email,
    "cli_password": _assignment,
    "mac": network.scan_mac,
    "ipv4": network.scan_ipv4,
    "ipv6": network.scan_ipv6,
    "addr": addresses.scan_numbered,
    "code18": _code18,
    "alpha_id": documents.scan_alpha_id,
    "plate": documents.scan_plate,
    "num": digit_runs.scan_number,
    "dob": dates.scan_birth_word,
    "name_label": names.scan_labelled,
    "honor": names.scan_honorific,
    "addr_label": addresses.scan_labelled,
    "speaker": names.scan_speaker,
    "name_verb": names.scan_after_verb,
}

# When two findings cover the same characters, the longer wins; on equal length, the
# type that needed more evidence (a checksum, a key word) wins.
_PRIORITY = {
    t: i
    for i, t in enumerate(
        (
            "SECRET",
            "CN_ID",
            "USCC",
            "BANK_CARD",
            "IMEI",
            "CN_PASSPORT",
            "TRAVEL_PERMIT",
            "EMAIL",
            "IP_ADDRESS",
            "MAC_ADDRESS",
            "CN_MOBILE",
            "CN_LANDLINE",
            "INTL_PHONE",
            "DATE_OF_BIRTH",
            "LICENSE_PLATE",
            "ADDRESS",
            "PERSON",
        )
    )
}


def _better(a: Finding, b: Finding) -> bool:
    return (a.end - a.start, a.confidence, -_PRIORITY[a.type]) > (
        b.end - b.start,
        b.confidence,
        -_PRIORITY[b.type],
    )


def resolve(found: list[Finding]) -> list[Finding]:
    found.sort(key=lambda f: (f.start, -(f.end - f.start)))
    kept: list[Finding] = []
    for f in found:
        if kept and f.start < kept[-1].end:
            if _better(f, kept[-1]):
                kept[-1] = f
            continue
        kept.append(f)
    return kept


def scan(text: str, *, engine: str = "auto") -> list[Finding]:
    """Every piece of personal information in text, in order, never overlapping.

    engine: "auto" (Hyperscan when installed), "hyperscan" or "python"; all give the same
    findings."""
    if not isinstance(text, str):
        raise TypeError(f"scan() needs str, not {type(text).__name__}")
    # Stage two allocates many small objects that never form cycles; the cyclic garbage
    # collector walking them cost 15% of the time (measured on the bench corpus).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _scan(text, engine)
    finally:
        if collecting:
            gc.enable()


def _scan(text: str, engine: str) -> list[Finding]:
    found: list[Finding] = []
    handlers = [HANDLERS[k] for k in KINDS]
    matchers = [EXACT[k].match for k in KINDS]
    # Within a kind, a start inside the previous match of that kind is part of it
    # (the 138 of "+86 138 1234 5678"), as in a left-to-right regular expression search.
    covered = [-1] * len(KINDS)
    for start, kind in candidate_starts(text, engine):
        if start < covered[kind]:
            continue
        m = matchers[kind](text, start)
        if m is None:
            continue
        covered[kind] = end = m.end()
        handlers[kind](text, start, end, found)
    return resolve(found) if len(found) > 1 else found


# Streaming. A finding is decided by at most LOOKBEHIND characters before it and is at most
# MAX_SPAN long (a PEM block), so a block is final up to OVERLAP characters from its end.
LOOKBEHIND = 256
MAX_SPAN = secret_keys.MAX_PEM + 512
OVERLAP = MAX_SPAN + LOOKBEHIND
BLOCK = 1 << 20


def scan_segments(
    chunks: Iterable[str], *, block: int = BLOCK, overlap: int = OVERLAP
) -> Iterator[tuple[str, int, list[Finding]]]:
    """Split a stream into consecutive segments (text, absolute start, findings with
    absolute offsets inside it). Memory stays within about block + overlap characters."""
    buf, base, pos = "", 0, 0
    for chunk in chunks:
        if not chunk:
            continue
        buf += chunk
        if base + len(buf) - pos < block + overlap:
            continue
        cut = base + len(buf) - overlap
        found = [f for f in scan(buf) if pos <= f.start + base < cut]
        if base:
            found = [f.shifted(base) for f in found]
        end = max([cut] + [f.end for f in found])
        yield buf[pos - base : end - base], pos, found
        pos = end
        keep = max(0, pos - LOOKBEHIND - base)
        buf, base = buf[keep:], base + keep
    found = [f for f in scan(buf) if f.start + base >= pos]
    if base:
        found = [f.shifted(base) for f in found]
    yield buf[pos - base :], pos, found


def scan_stream(chunks: Iterable[str], **kwargs) -> Iterator[Finding]:
    """Findings of a text given in pieces, with offsets into the whole text."""
    for _text, _start, found in scan_segments(chunks, **kwargs):
        yield from found
