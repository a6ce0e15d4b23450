"""Streaming gives the same findings as scanning the whole text, with bounded memory."""

import json
import tracemalloc
from itertools import islice

from cyberweek.pii import redact, redact_stream, scan, scan_stream
from cyberweek.pii.engine import scan_segments
from tests.pii.samples import EVAL


def _eval_text(n: int = 120) -> str:
    with open(EVAL / "eval_set.jsonl", encoding="utf-8") as fh:
        return "\n".join(json.loads(line)["text"] for line in islice(fh, n))


def _pieces(text: str, size: int):
    return (text[i : i + size] for i in range(0, len(text), size))


def test_findings_across_chunk_boundaries_are_not_lost_or_shifted():
    # The overlap must cover the longest finding (a PEM block), so it keeps its default.
    text = _eval_text(200)
    whole = scan(text)
    for size in (13, 100, 4096):
        streamed = list(scan_stream(_pieces(text, size), block=5000))
        assert streamed == whole, size


def test_a_value_split_between_two_chunks_is_found_once_with_absolute_offsets():
    text = "前文" * 1000 + "手机13812345678，邮箱a@b.cn" + "后文" * 1000
    cut = text.index("12345")
    streamed = list(scan_stream([text[:cut], text[cut:]], block=500, overlap=300))
    assert [(f.type, f.text, text[f.start : f.end]) for f in streamed] == [
        ("CN_MOBILE", "13812345678", "13812345678"),
        ("EMAIL", "a@b.cn", "a@b.cn"),
    ]


def test_segments_partition_the_text():
    text = _eval_text(40)
    segments = list(scan_segments(_pieces(text, 333), block=1500))
    assert "".join(s for s, _, _ in segments) == text
    for seg, start, found in segments:
        for f in found:
            assert start <= f.start < f.end <= start + len(seg)


def test_redact_stream_equals_redact():
    text = _eval_text(60)
    assert "".join(redact_stream(_pieces(text, 999))) == redact(text)


def _peak_bytes(n_copies: int) -> int:
    unit = _eval_text(30)

    def chunks():
        for _ in range(n_copies):
            yield unit

    tracemalloc.start()
    count = sum(1 for _ in scan_stream(chunks(), block=1 << 18))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert count > 0
    return peak


def test_memory_stays_flat_as_input_grows():
    unit_mb = len(_eval_text(30).encode()) / 1e6
    small, large = _peak_bytes(int(2 / unit_mb)), _peak_bytes(int(8 / unit_mb))
    assert large < small * 1.5 + 2_000_000, (small, large)
