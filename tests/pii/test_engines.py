"""Hyperscan and the pure-Python candidate pass give the same findings."""

import json
from itertools import islice

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cyberweek.pii import scan
from cyberweek.pii.candidates import engine_name
from tests.pii.samples import EVAL

needs_hyperscan = pytest.mark.skipif(
    engine_name() != "hyperscan", reason="hyperscan is not installed"
)

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
