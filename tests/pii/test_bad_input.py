"""Arbitrary and pathological input: no exception, no overlap, bounded time."""

import itertools
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cyberweek.pii import scan

PII_ISH = st.sampled_from(list("0123456789 -+()@.:_Xx京A号路市区省=密码姓名：，。\n先生ef/\u0000"))


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(max_size=300), st.text(PII_ISH, max_size=300)))
def test_findings_are_exact_ordered_and_never_overlap(text):
    found = scan(text)
    for f in found:
        assert text[f.start : f.end] == f.text
        assert f.start < f.end
    for a, b in itertools.pairwise(found):
        assert a.end <= b.start


@settings(max_examples=30, deadline=None)
@given(
    st.sampled_from(
        [
            "1",
            "1 ",
            "12-",
            "a@",
            "::",
            "1.",
            "京A",
            "号",
            "0x",
            "-----BEGIN ",
            "password=",
            "姓名：",
            "ab:",
        ]
    ),
    st.integers(min_value=1000, max_value=20000),
)
def test_repeated_fragments_scan_in_linear_time(fragment, n):
    text = fragment * n
    start = time.perf_counter()
    scan(text)
    assert time.perf_counter() - start < 5


@pytest.mark.parametrize(
    "text",
    ["9" * 2_000_000, "1 " * 500_000, "a" * 2_000_000, "京A1" * 300_000, "\ufffd" * 1_000_000],
)
def test_megabyte_lines_without_newlines_finish_in_bounded_time(text):
    start = time.perf_counter()
    assert scan(text) == []
    assert time.perf_counter() - start < 20


def test_lone_surrogates_do_not_break_the_scan():
    assert [f.type for f in scan("手机13812345678\udcff")] == ["CN_MOBILE"]
