"""scan(): stage one finds candidates, stage two validates each one exactly, then overlaps
are resolved so that every character belongs to at most one finding."""

import gc
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator
from operator import itemgetter

from . import (
    addresses,
    custom,
    dates,
    digit_runs,
    documents,
    en_addresses,
    en_names,
    im_ids,
    names,
    network,
    secret_keys,
    tables,
)
from .candidates import EXACT, KINDS, kinds_with_starts
from .finding import Finding, RawFinding, findings


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
    "dotted": digit_runs.scan_dotted,
    "qq": im_ids.scan_qq,
    "wechat": im_ids.scan_wechat,
    "dob": dates.scan_birth_word,
    "name_label": names.scan_labelled,
    "honor": names.scan_honorific,
    "addr_label": addresses.scan_labelled,
    "speaker": names.scan_speaker,
    "name_verb": names.scan_after_verb,
    "name_by": names.scan_by,
    "cv": names.scan_cv_line,
    "table": tables.scan_header,
    "en_name": en_names.scan_pair,
    "en_street": en_addresses.scan_street,
    "en_military": en_addresses.scan_military,
    "name_verb_after": names.scan_before_verb,
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
            "QQ",
            "WECHAT_ID",
            "ADDRESS",
            "PERSON",
        )
    )
}


# Types of custom recognisers come after the built-in ones.
_LAST = len(_PRIORITY)


def _better(a: RawFinding, b: RawFinding) -> bool:
    pa, pb = _PRIORITY.get(a[2], _LAST), _PRIORITY.get(b[2], _LAST)
    return (a[1] - a[0], a[4], -pa) > (b[1] - b[0], b[4], -pb)


_START = itemgetter(0)


def resolve(found: list[RawFinding]) -> list[RawFinding]:
    # By start only (a C key function): of findings with the same start, whichever comes
    # first, the longer one replaces the shorter below, as _better() puts length first.
    found.sort(key=_START)
    kept: list[RawFinding] = []
    append = kept.append
    last_end = -1  # end of kept[-1]
    for f in found:
        if f[0] < last_end:
            if _better(f, kept[-1]):
                kept[-1] = f
                last_end = f[1]
            continue
        append(f)
        last_end = f[1]
    return kept


def scan(
    text: str,
    *,
    engine: str = "auto",
    allow: Iterable[str] | None = None,
    recognizers: Iterable[custom.Recognizer] | None = None,
) -> list[Finding]:
    """Every piece of personal information in text, in order, never overlapping.

    engine: "auto" (Hyperscan when installed), "hyperscan" or "python"; all give the same
    findings. allow: values that are not findings (compared without blanks, dashes and
    brackets, ignoring case); recognizers: custom.Pattern and custom.DenyList objects. Both
    add to the deployment's (custom.configure)."""
    if not isinstance(text, str):
        raise TypeError(f"scan() needs str, not {type(text).__name__}")
    return _scan(text, engine, 0, len(text), 0, custom.options(allow, recognizers))


# Full-width digits (１３９１２３４５６７８, typed with a Chinese input method) are read as
# ASCII digits: one character for one, so every offset stays the same.
_NARROW_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")


def _has_wide_digit(text: str) -> bool:
    # Ten substring tests take a third of the time of re.search("[０-９]") over a 460-byte
    # document (each is a memchr of the character's low byte, rare in Chinese text). Found
    # by a trigger of stage one instead, they would cost a second stage one for every text
    # that has one (6% of the real-document evaluation sets): more than they save.
    return (
        "０" in text
        or "１" in text
        or "２" in text
        or "３" in text
        or "４" in text
        or "５" in text
        or "６" in text
        or "７" in text
        or "８" in text
        or "９" in text
    )


def _scan(
    text: str, engine: str, lo: int, hi: int, base: int, opts: custom.Options
) -> list[Finding]:
    """The findings of text that start in [lo, hi), as Findings of a text that starts at
    offset base of the whole."""
    # Stage two allocates many small objects that never form cycles; the cyclic garbage
    # collector walking them cost 15% of the time (measured on the bench corpus).
    collecting = gc.isenabled()
    gc.disable()
    try:
        if not _has_wide_digit(text):
            found = _stage_two(text, engine)
        else:
            found = [
                (s, e, t, text[s:e], c, r)
                for s, e, t, _, c, r in _stage_two(text.translate(_NARROW_DIGITS), engine)
            ]
        if opts.allow or opts.recognizers:  # (attributes: cheaper than Options.__bool__)
            found = custom.apply(text, found, opts)
        if len(found) > 1:
            found = resolve(found)
        if lo or hi < len(text):
            found = found[bisect_left(found, lo, key=_START) : bisect_left(found, hi, key=_START)]
        return findings(found, base)
    finally:
        if collecting:
            gc.enable()


def _stage_two(
    text: str, engine: str, handlers: list = _HANDLERS, batches: list = _BATCH
) -> list[RawFinding]:
    """The raw findings of text (handlers and batches: each kind's validators, as the
    floor of bench/pii_floor.py replaces them)."""
    found: list[RawFinding] = []
    # Kind by kind, each kind's starts in order: one validator's code and patterns stay in
    # the processor's caches (15% faster than in text order on the bench corpus). The
    # order of findings does not matter: resolve() sorts them.
    for kind, starts in kinds_with_starts(text, engine):
        batch = batches[kind]
        if batch is not None:
            batch(text, starts, found)
            continue
        match = _MATCHERS[kind]
        handle = handlers[kind]
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
    return found


# Streaming. A finding is decided by at most LOOKBEHIND characters before it and is at most
# MAX_SPAN long (a PEM block), so a block is final up to OVERLAP characters from its end.
LOOKBEHIND = 256
MAX_SPAN = secret_keys.MAX_PEM + 512
OVERLAP = MAX_SPAN + LOOKBEHIND
BLOCK = 1 << 20


def scan_segments(
    chunks: Iterable[str],
    *,
    block: int = BLOCK,
    overlap: int = OVERLAP,
    allow: Iterable[str] | None = None,
    recognizers: Iterable[custom.Recognizer] | None = None,
) -> Iterator[tuple[str, int, list[Finding]]]:
    """Split a stream into consecutive segments (text, absolute start, findings with
    absolute offsets inside it). Memory stays within about block + overlap characters."""
    opts = custom.options(allow, recognizers)
    buf, base, pos = "", 0, 0
    for chunk in chunks:
        if not chunk:
            continue
        buf += chunk
        if base + len(buf) - pos < block + overlap:
            continue
        cut = base + len(buf) - overlap
        found = _scan(buf, "auto", pos - base, cut - base, base, opts)
        end = max(cut, found[-1].end) if found else cut  # ends grow with starts
        yield buf[pos - base : end - base], pos, found
        pos = end
        keep = max(0, pos - LOOKBEHIND - base)
        buf, base = buf[keep:], base + keep
    found = _scan(buf, "auto", pos - base, len(buf), base, opts)
    yield buf[pos - base :], pos, found


def scan_stream(chunks: Iterable[str], **kwargs) -> Iterator[Finding]:
    """Findings of a text given in pieces, with offsets into the whole text."""
    for _text, _start, found in scan_segments(chunks, **kwargs):
        yield from found
