"""Hyperscan and the pure-Python candidate pass give the same findings."""

import json
import platform
import re
import sys
from itertools import islice

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cyberweek.pii import scan
from cyberweek.pii.candidates import TRIGGERS, engine_name
from cyberweek.pii.hyperscan_pass import is_narrow
from tests.pii.samples import EVAL

# Hyperscan is a dependency where its wheel exists (x86_64 Linux, as in CI): there these
# tests always run, and fail if it is missing. Elsewhere only the Python engine exists.
HYPERSCAN_PLATFORM = platform.machine() == "x86_64" and sys.platform == "linux"
needs_hyperscan = pytest.mark.skipif(
    not HYPERSCAN_PLATFORM, reason="no Hyperscan wheel for this platform"
)


def test_hyperscan_is_the_engine_where_it_is_a_dependency():
    assert engine_name() == ("hyperscan" if HYPERSCAN_PLATFORM else "python")


ALPHABET = st.sampled_from(list("0123456789 -+()@.:_xX京A号路市区省=密码姓名：，。\n先生abcdefEF/"))


@needs_hyperscan
def test_both_engines_find_the_same_on_the_evaluation_set():
    with open(EVAL / "eval_set.jsonl", encoding="utf-8") as fh:
        text = "\n".join(json.loads(line)["text"] for line in islice(fh, 600))
    assert scan(text, engine="hyperscan") == scan(text, engine="python")


@needs_hyperscan
@settings(max_examples=150, deadline=None)
@given(st.text(ALPHABET, max_size=200))
def test_both_engines_find_the_same_on_random_text(text):
    assert scan(text, engine="hyperscan") == scan(text, engine="python")


# Surnames, the words before and after names (由…负责, 通知一下…, …的妈妈) and separators:
# the name triggers ask Hyperscan for a surname after them.
NAME_ALPHABET = st.sampled_from(
    list("张王李刘欧阳司马由和给请通知一下的妈爸负责主持记者人员签字批准")
    + list("：:、，。（）() \n\t明伟静丽强")
)


@needs_hyperscan
@settings(max_examples=150, deadline=None)
@given(st.text(NAME_ALPHABET, max_size=120))
def test_both_engines_find_the_same_names_on_random_text(text):
    assert scan(text, engine="hyperscan") == scan(text, engine="python")


# The triggers written in ASCII run on a one-byte-per-character copy of the text where every
# character beyond Latin-1 reads "?": next to full-width punctuation, Chinese, Latin-1
# letters, an emoji (two UTF-16 units, four UTF-8 bytes) and real question marks they must
# find what the Python pass finds.
WIDE_ALPHABET = st.sampled_from(
    [
        *"0123456789 -+()（）＋：:@._?xX",
        *("中", "号", "é", "\xa0", "·", "😀", "password", "bearer ", "DOB ", "AKIA", "v1.", "\n"),
    ]
)


@needs_hyperscan
@settings(max_examples=300, deadline=None)
@given(st.lists(WIDE_ALPHABET, max_size=60).map("".join))
def test_both_engines_find_the_same_next_to_characters_beyond_ascii(text):
    assert scan(text, engine="hyperscan") == scan(text, engine="python")


@needs_hyperscan
@pytest.mark.parametrize(
    "text",
    [
        "😀13812345678😀",
        "电话：（010）62345678，（0755） 2654 3210",
        "＋86 138 1234 5678；+86 139 0013 9000；(+86)13700137000",
        "1+1=2，+8613812345678",
        "password：hunter22 pwd=s3cretpw",
        "é10.1.2.3 ?10.1.2.4 中10.1.2.5",
        "?a@b.cn 中c@d.cn",
        "DOB 1990-01-02，出生于1991年2月3日",
    ],
)
def test_both_engines_find_the_same_values_next_to_wide_characters(text):
    found = scan(text, engine="hyperscan")
    assert found
    assert found == scan(text, engine="python")


def test_chinese_triggers_run_on_utf8_and_no_ascii_trigger_refuses_a_question_mark():
    for t in TRIGGERS:
        if not (t.body + t.anchor).isascii():
            assert not is_narrow(t.body, t.anchor), t
        if is_narrow(t.body, t.anchor):
            # On the narrow copy "?" stands for every character beyond Latin-1: a trigger
            # that refused it would refuse them all.
            assert "?" not in t.anchor, t
            assert not re.search(r"\[\^[^\]]*\?", t.body), t
    assert any(is_narrow(t.body, t.anchor) for t in TRIGGERS)
    assert any(t.kind == "speaker" and not is_narrow(t.body, t.anchor) for t in TRIGGERS)


@pytest.mark.parametrize("digit", list("０１２３４５６７８９"))
@pytest.mark.parametrize("engine", ["auto", "python"])
def test_each_full_width_digit_is_read_as_ascii(digit, engine):
    # A text whose only full-width character is this digit, at the end of a mobile number.
    value = "1391234567" + digit
    assert [(f.type, f.text) for f in scan(f"电话 {value}，IP 10.1.2.3", engine=engine)] == [
        ("CN_MOBILE", value),
        ("IP_ADDRESS", "10.1.2.3"),
    ]
