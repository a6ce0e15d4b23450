"""The cheap tests placed before the validators never change their answer.

Each shortcut is compared with the rule it stands in front of, written out the plain way,
on generated text that puts the deciding characters at the edges: the start of the text,
blanks, separators, other scripts."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cyberweek.pii import addresses, digit_runs, names, network, scan
from cyberweek.pii.candidates import EXACT
from cyberweek.pii.context import label_before
from cyberweek.pii.finding import Finding
from tests.pii.samples import make_luhn


def pieces(*words: str):
    return st.lists(st.sampled_from(words), max_size=12).map("".join)


# --- IP addresses after a version label ---------------------------------------------------
def version_label_by_the_book(text: str, start: int) -> bool:
    label = label_before(text, start).rstrip()
    if label and label[-1] in ":=：/#":
        label = label[:-1].rstrip()
    return label.endswith(network._NOT_IP_WORDS)


BEFORE_IP = pieces(
    *network._NOT_IP_WORDS,
    *("Version", "VER", "FW", "Server", "İ", "ip", "地址", "服务器", "a", "x", "1"),
    *(" ", "  ", "\t", "\n", "\u3000", ":", "=", "：", "/", "#", "，", ",", "|"),
)


@settings(max_examples=500, deadline=None)
@given(BEFORE_IP)
def test_version_label_shortcut_agrees_with_the_label_rule(before):
    text = before + "10.1.2.3"
    assert network._version_label(text, len(before)) == version_label_by_the_book(text, len(before))


@pytest.mark.parametrize(
    ("text", "is_ip"),
    [
        ("服务器 10.1.2.3", True),
        ("firmware: 10.1.2.3", False),
        ("版本号：10.1.2.3", False),
        ("os / 10.1.2.3", False),
        ("固件 #10.1.2.3", False),
        ("10.1.2.3", True),
    ],
)
def test_ipv4_after_labels(found, text, is_ip):
    assert (("IP_ADDRESS", "10.1.2.3") in found(text)) == is_ip


# --- e-mail addresses after a URL -----------------------------------------------------------
def email_by_the_book(text: str, at: int) -> tuple[int, int] | None:
    """scan_email() as it was before the blank shortcut, for an address (no @mentions)."""
    m = network._UP_TO_NON_LOCAL.match(text, max(0, at - 64), at)
    start = m.end() if m else max(0, at - 64)
    while start < at and text[start] in ".-+":
        start += 1
    if start == at or (start > 0 and text[start - 1] in network._LOCAL_CHARS):
        return None
    scheme = text.rfind("://", max(0, start - 200), start)
    if scheme >= 0 and not any(c.isspace() for c in text[scheme:start]):
        return None
    m = network._DOMAIN.match(text, at + 1)
    if not m or ".." in text[start:at]:
        return None
    return start, m.end()


AROUND_EMAIL = pieces(
    "https://",
    "://",
    "user",
    ":",
    "pw",
    "x.cn/",
    "a b",
    " ",
    "\t",
    "\n",
    "\u3000",
    "=",
    "，",
    "链接",
    "bob",
    ".",
    "-",
    "+",
)


@settings(max_examples=500, deadline=None)
@given(AROUND_EMAIL, st.sampled_from(["alice", "a.b", "x", "", "-c"]))
def test_email_blank_shortcut_agrees_with_the_url_rule(before, local):
    text = before + local + "@example.com"
    at = text.rindex("@")
    out = []
    network.scan_email(text, at, out)
    got = [(s, e) for s, e, type_, *_ in out if type_ == "EMAIL"]
    want = email_by_the_book(text, at)
    assert got == ([want] if want else [])


def test_password_in_a_url_is_a_secret_and_an_address_after_a_blank_is_an_email(found):
    assert found("http://admin:p4ssw0rd@example.com") == [("SECRET", "p4ssw0rd")]
    assert ("EMAIL", "bob@example.com") in found("见 https://x.cn/a bob@example.com")
    assert ("EMAIL", "bob@example.com") in found("https://x.cn/a\tbob@example.com")


# --- house numbers after a road -----------------------------------------------------------
def test_road_words_are_one_or_two_chinese_characters():
    # scan_numbered() tests the road word before finding the run of address characters:
    # a word of address characters this short lies inside any such run that ends with it.
    assert all(
        1 <= len(w) <= 2 and all("\u4e00" <= c <= "\u9fff" for c in w) for w in addresses._ROAD_END
    )


ADDRESS_TEXT = pieces(
    "北京市", "朝阳区", "建国", "路", "大道", "区", "，", " ", "A", "-", "#", "8", "号"
)


@settings(max_examples=500, deadline=None)
@given(ADDRESS_TEXT)
def test_road_word_test_agrees_with_the_run_of_address_characters(before):
    text = before + "88号"
    start = len(before)
    lo = max(0, start - addresses._MAX_RUN)
    m = addresses._UP_TO_NON_ADDRESS.match(text, lo, start)
    run = text[m.end() if m else lo : start]
    quick = text.endswith(addresses._ROAD_END, max(0, start - 2), start)
    assert quick == run.endswith(addresses._ROAD_END)


@pytest.mark.parametrize("text", ["北京市朝阳区建国路88号", "北京市朝阳区建国路88号，", "路8号"])
def test_addresses_at_the_edges_of_the_text(found, text):
    want = [("ADDRESS", "北京市朝阳区建国路88号")] if "北京" in text else []
    assert found(text) == want


# --- names ----------------------------------------------------------------------------------
def read_name_by_the_book(text: str, p: int, *, labelled: bool) -> int | None:
    singles, compounds = names.surnames()
    if names._FIELD_RX.match(text, p):
        return None
    if text[p : p + 2] in compounds:
        q = p + 2
    elif p < len(text) and text[p] in singles:
        q = p + 1
    else:
        return None
    given = 0
    while q < len(text) and given < 2 and "\u4e00" <= text[q] <= "\u9fff":
        if text[q] in names._STOP or names._FIELD_RX.match(text, q):
            break
        if not labelled and text[q] not in names.GIVEN_NAME_CHARS:
            return None
        q += 1
        given += 1
    return q if given else None


NAME_TEXT = pieces(
    "张",
    "王",
    "欧阳",
    "司马",
    "伟",
    "芳",
    "明",
    "手机",
    "电话",
    "先生",
    "女士",
    "的",
    "了",
    "龙",
    "收",
    "男",
    "a",
    " ",
    "：",
)


@settings(max_examples=500, deadline=None)
@given(NAME_TEXT, st.booleans())
def test_name_reading_shortcut_agrees_with_the_field_word_rule(text, labelled):
    for p in range(len(text) + 1):
        assert names.read_name(text, p, labelled=labelled) == read_name_by_the_book(
            text, p, labelled=labelled
        )


# --- groups of digits -----------------------------------------------------------------------
# Up to 30 pieces: runs of more than 8 groups and of more than 16 characters come up.
RUN_TEXT = st.lists(
    st.sampled_from([*("1", "23", "456", "7890"), *" -()（）+＋xX"]),
    max_size=30,
).map("".join)


@settings(max_examples=500, deadline=None)
@given(RUN_TEXT)
def test_digits_of_a_run_by_bytes_agree_with_its_groups(text):
    m = EXACT["num"].search(text)
    if m is None:
        return
    token = m.group()
    parts = digit_runs._GROUP.findall(token)
    want = "".join(parts).upper() if len(parts) <= 8 else None
    assert digit_runs._digits_of_few_groups(token) == want


@pytest.mark.parametrize(
    ("token", "digits"),
    [
        ("1 2 3 4 5 6 7 8", "12345678"),  # eight groups in 15 characters
        ("1 2 3 4 5 6 7 8 9", None),  # nine groups take 17
        ("12 34 56 78 90 12 34 56", "1234567890123456"),  # eight groups, longer than 16
        ("（010）6234-5678", "01062345678"),
        ("+86 138 1234 567x", "861381234567X"),
    ],
)
def test_digits_of_runs_at_the_edges_of_eight_groups(token, digits):
    assert digit_runs._digits_of_few_groups(token) == digits


def test_values_of_the_shortest_and_longest_lengths_inside_a_run_of_groups(found):
    card = make_luhn("622202602211498091")  # 19 digits
    assert found(f"卡号 12 {card}，谢谢") == [("BANK_CARD", card)]
    assert found("台胞证号码：09754133 1") == [("TRAVEL_PERMIT", "09754133")]


# --- findings -------------------------------------------------------------------------------
def test_findings_are_plain_findings_equal_to_ones_made_by_hand():
    f = scan("a@b.cn")[0]
    assert type(f) is Finding
    by_hand = Finding("EMAIL", 0, 6, "a@b.cn", f.confidence, f.reason)
    assert f == by_hand
    assert hash(f) == hash(by_hand)
    assert repr(f) == repr(by_hand)
