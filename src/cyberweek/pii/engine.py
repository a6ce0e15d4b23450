"""scan(): stage one finds candidates, stage two validates each one exactly, then overlaps
are resolved so that every character belongs to at most one finding."""

import gc
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator
from operator import attrgetter

from . import addresses, dates, digit_runs, documents, names, network, secret_keys
from .candidates import EXACT, KINDS, starts_by_kind
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
    "name_by": names.scan_by,
}

# Kinds whose handler takes all their starts at once (same rules, less overhead per value).
BATCH: dict[str, Callable] = {"num": digit_runs.scan_numbers, "at": network.scan_emails}
_HANDLERS = [HANDLERS[k] for k in KINDS]
_MATCHERS = [EXACT[k].match for k in KINDS]
_BATCH = [BATCH.get(k) for k in KINDS]

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


_START = attrgetter("start")


def resolve(found: list[Finding]) -> list[Finding]:
    # By start only (a C key function): of findings with the same start, whichever comes
    # first, the longer one replaces the shorter below, as _better() puts length first.
    found.sort(key=_START)
    kept: list[Finding] = []
    append = kept.append
    last_end = -1  # end of kept[-1]
    for f in found:
        if f.start < last_end:
            if _better(f, kept[-1]):
                kept[-1] = f
                last_end = f.end
            continue
        append(f)
        last_end = f.end
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
    # Kind by kind, each kind's starts in order: one validator's code and patterns stay in
    # the processor's caches (15% faster than in text order on the bench corpus). The
    # order of findings does not matter: resolve() sorts them.
    for kind, starts in enumerate(starts_by_kind(text, engine)):
        if not starts:
            continue
        batch = _BATCH[kind]
        if batch is not None:
            batch(text, starts, found)
            continue
        match = _MATCHERS[kind]
        handle = _HANDLERS[kind]
        # A start inside the previous match of its kind is part of it (the 138 of
        # "+86 138 1234 5678"), as in a left-to-right regular expression search.
        covered = -1
        for start in starts:
            if start < covered:
                continue
            m = match(text, start)
            if m is None:
                continue
            covered = end = m.end()
            handle(text, start, end, found)
    return resolve(found) if len(found) > 1 else found


# Streaming. A finding is decided by at most LOOKBEHIND characters before it and is at most
# MAX_SPAN long (a PEM block), so a block is final up to OVERLAP characters from its end.
LOOKBEHIND = 256
MAX_SPAN = secret_keys.MAX_PEM + 512
OVERLAP = MAX_SPAN + LOOKBEHIND
BLOCK = 1 << 20


_SET_START = Finding.start.__set__
_SET_END = Finding.end.__set__


def _within(found: list[Finding], base: int, lo: int, hi: int) -> list[Finding]:
    """The findings of a piece that starts at base (in order, not overlapping) whose
    absolute start is in [lo, hi), moved to absolute offsets in place: scan() has just made
    them and no one else holds them, and rebuilding a frozen Finding for every finding of a
    stream costs more."""
    found = found[
        bisect_left(found, lo - base, key=_START) : bisect_left(found, hi - base, key=_START)
    ]
    if base:
        for f in found:
            _SET_START(f, f.start + base)
            _SET_END(f, f.end + base)
    return found


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
        found = _within(scan(buf), base, pos, cut)
        end = max(cut, found[-1].end) if found else cut  # ends grow with starts
        yield buf[pos - base : end - base], pos, found
        pos = end
        keep = max(0, pos - LOOKBEHIND - base)
        buf, base = buf[keep:], base + keep
    found = _within(scan(buf), base, pos, base + len(buf))
    yield buf[pos - base :], pos, found


def scan_stream(chunks: Iterable[str], **kwargs) -> Iterator[Finding]:
    """Findings of a text given in pieces, with offsets into the whole text."""
    for _text, _start, found in scan_segments(chunks, **kwargs):
        yield from found
