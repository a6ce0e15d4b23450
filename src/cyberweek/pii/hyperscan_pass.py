"""Stage one in Hyperscan: every trigger over the whole text at once.

Hyperscan reports byte offsets, and stage two needs character offsets. Turning a UTF-8
offset into a character offset costs a count of the continuation bytes before it (a third
of a microsecond per start, a third of stage one on the bench corpus), so the triggers
written in ASCII run on a *narrow* copy of the text instead, one byte per character
(``str.encode("latin-1", "replace")``: a character beyond Latin-1 becomes "?"), where a
byte offset is a character offset. Only the triggers with other characters (Chinese words,
full-width brackets) run on the UTF-8 bytes. On the narrow copy an ASCII trigger finds
every start it finds on UTF-8 and perhaps more: a character that is not ASCII can match
none of its characters but "?" (no trigger has "?" in a negated class), and counts once,
not two to four times, in a bounded repeat of a negated class.
"""

from typing import NamedTuple

_CONTINUATION = bytes(1 if 0x80 <= b < 0xC0 else 0 for b in range(256))


class Databases(NamedTuple):
    narrow: object  # ASCII triggers, scanned over the narrow copy
    wide: object  # the others, scanned over the UTF-8 bytes
    trigger_kind: list[int]  # kind id of each trigger
    kinds: int
    mixed_kinds: frozenset[int]  # kinds with triggers in both databases


def is_narrow(body: str, anchor: str) -> bool:
    """Whether a trigger runs on the narrow copy: written in ASCII, without \\u escapes."""
    return (body + anchor).isascii() and "\\u" not in body


def hyperscan_body(t) -> bytes:
    body = t.body
    if t.kind == "speaker":
        # Hyperscan runs on bytes: a CJK character is three bytes E4..E9 80..BF 80..BF, a
        # superset of U+4E00..U+9FFF that stage two narrows again.
        body = body.replace(r"[\u4e00-\u9fff]", r"(?:[\xe4-\xe9][\x80-\xbf][\x80-\xbf])")
    # Non-ASCII literals become their UTF-8 bytes; \xNN escapes written above stay as they are.
    raw = body.encode("utf-8")
    if t.anchor:
        raw = b"[^" + t.anchor.encode() + b"]" + b"(?:" + raw + b")"
    return raw


def compile_databases(triggers, trigger_kind: list[int], kinds: int) -> Databases | None:
    """The two databases of the triggers, or None when hyperscan is not installed."""
    try:
        import hyperscan
    except ImportError:
        return None
    if len(triggers) > 255:
        raise RuntimeError("trigger indexes must fit in one byte")
    parts = {True: ([], [], []), False: ([], [], [])}
    for i, t in enumerate(triggers):
        f = hyperscan.HS_FLAG_SOM_LEFTMOST
        if t.caseless:
            f |= hyperscan.HS_FLAG_CASELESS
        if t.kind == "speaker":
            f |= hyperscan.HS_FLAG_MULTILINE
        exprs, ids, flags = parts[is_narrow(t.body, t.anchor)]
        exprs.append(hyperscan_body(t))
        # The id says which trigger matched and, above 255, that its first byte is an
        # anchor to skip: start * 256 + id is then (first byte of the value) * 256 + i.
        ids.append((256 if t.anchor else 0) + i)
        flags.append(f)
    dbs = []
    for narrow in (True, False):
        exprs, ids, flags = parts[narrow]
        db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
        db.compile(expressions=exprs, ids=ids, elements=len(exprs), flags=flags)
        dbs.append(db)
    narrow_kinds = {trigger_kind[i & 255] for i in parts[True][1]}
    wide_kinds = {trigger_kind[i & 255] for i in parts[False][1]}
    return Databases(dbs[0], dbs[1], trigger_kind, kinds, frozenset(narrow_kinds & wide_kinds))


def hyperscan_starts(text: str, dbs: Databases) -> list[tuple[int, list[int]]] | None:
    """(kind, its sorted starts) for each kind with a start in text, by kind; None when
    text cannot be encoded as UTF-8 (lone surrogates)."""
    try:
        # Newlines around the text give every anchored trigger a byte to anchor on.
        wide = b"\n" + text.encode("utf-8") + b"\n"
    except UnicodeEncodeError:
        return None
    n = len(text)
    ascii_only = len(wide) == n + 2
    narrow = wide if ascii_only else b"\n" + text.encode("latin-1", "replace") + b"\n"
    # One int per match, byte offset * 256 + trigger index (the anchor byte skipped):
    # cheaper to make in the callback and to sort than a tuple.
    hits: list[int] = []
    add = hits.append

    def on_match(id_, start, end, flags, context):
        add(start * 256 + id_)

    # Only the kinds that have a start get a list: a short text has starts of a few kinds
    # (about five of the 27 in a 400-byte document), and stage two then visits only those.
    by_kind: dict[int, list[int]] = {}
    get = by_kind.get
    trigger_kind = dbs.trigger_kind
    # The handler is passed by position: as a keyword, the binding's argument parsing
    # builds a dict per call (a tenth of a microsecond per scan, two scans per document).
    dbs.narrow.scan(narrow, on_match)
    if ascii_only:  # the UTF-8 bytes are characters too: both databases at once
        dbs.wide.scan(wide, on_match)
    if hits:
        hits.sort()
        for k in hits:
            b = k >> 8
            if 1 <= b <= n:
                kind = trigger_kind[k & 255]
                starts = get(kind)
                if starts is None:
                    by_kind[kind] = [b - 1]
                else:
                    starts.append(b - 1)
    if not ascii_only:
        hits.clear()
        dbs.wide.scan(wide, on_match)
        if hits:
            _wide_starts(wide, n, hits, trigger_kind, by_kind, dbs.mixed_kinds)
    if len(by_kind) > 1:
        return sorted(by_kind.items())
    return list(by_kind.items())


def _wide_starts(wide, n, hits, trigger_kind, by_kind, mixed_kinds) -> None:
    hits.sort()
    get = by_kind.get
    # Byte offsets to character offsets: subtract the UTF-8 continuation bytes before.
    count = wide.translate(_CONTINUATION).count
    prev_b, prev_c = 1, 0
    mixed = []
    for k in hits:
        b = k >> 8
        if b != prev_b:
            if b < 1:
                continue
            prev_c += (b - prev_b) - count(1, prev_b, b)
            prev_b = b
            if prev_c >= n:
                break
        kind = trigger_kind[k & 255]
        starts = get(kind)
        if starts is None:
            by_kind[kind] = [prev_c]
        else:
            if kind in mixed_kinds:
                mixed.append(starts)
            starts.append(prev_c)
    for starts in mixed:
        starts.sort()
