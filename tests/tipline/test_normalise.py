"""The canonical forms: every notation of one threat lands on one key, bad input is
refused with a reason, and nothing is fetched."""

import ipaddress

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cyberweek.tipline.normalise import (
    MAX_URL_CHARS,
    NotNormalisable,
    canonical_phone,
    canonical_qq,
    canonical_url,
    canonical_wechat,
    parse_ipv4,
    registrable_domain,
)

# The first call loads the bundled Public Suffix List (half a second on a busy machine);
# what these tests prove is the canonical form, not its speed.
relaxed = settings(deadline=None)

labels = st.from_regex(r"[a-z][a-z0-9]{0,10}", fullmatch=True)
hosts = st.builds(
    lambda parts, tld: ".".join([*parts, tld]),
    st.lists(labels, min_size=1, max_size=3),
    st.sampled_from(["com", "cn", "com.cn", "net", "org"]),
)
segments = st.lists(st.from_regex(r"[A-Za-z0-9_\-~]{1,8}", fullmatch=True), max_size=4)


@relaxed
@given(hosts, segments)
def test_canonical_url_is_idempotent(host, path):
    first = canonical_url(f"http://{host}/{'/'.join(path)}")
    assert canonical_url(first.url) == first


@relaxed
@given(st.text(max_size=300))
def test_any_text_is_canonical_or_refused_with_a_reason(text):
    try:
        result = canonical_url(text)
    except NotNormalisable as error:
        code = error.code
        assert code, "every refusal names its reason"
        return
    assert result.url.startswith(("http://", "https://"))
    assert canonical_url(result.url).url == result.url
    assert len(result.url) <= MAX_URL_CHARS


@relaxed
@given(hosts, segments)
def test_host_case_trailing_dots_fragment_and_slashes_do_not_change_the_key(host, path):
    plain = canonical_url(f"http://{host}/{'/'.join(path)}")
    odd = canonical_url(f"  HTTP://{host.upper()}../{'//'.join(path)}#top\n")
    assert odd.url == plain.url


@relaxed
@given(hosts, st.from_regex(r"[A-Za-z0-9]{1,10}", fullmatch=True))
def test_percent_encoding_once_or_twice_is_the_same_key(host, word):
    once = "".join(f"%{ord(c):02X}" for c in word)
    twice = once.replace("%", "%25")
    assert canonical_url(f"http://{host}/{once}").url == canonical_url(f"http://{host}/{word}").url
    assert canonical_url(f"http://{host}/{twice}").url == canonical_url(f"http://{host}/{word}").url


@relaxed
@given(st.integers(min_value=0, max_value=2**32 - 1))
def test_ipv4_in_every_notation_is_dotted_decimal(value):
    dotted = str(ipaddress.IPv4Address(value))
    octets = [int(p) for p in dotted.split(".")]
    notations = [
        str(value),
        hex(value),
        ".".join(f"0{o:o}" for o in octets),
        ".".join(hex(o) for o in octets),
        f"{octets[0]}.{octets[1]}.{octets[2] * 256 + octets[3]}",
        f"{octets[0]}.{(octets[1] << 16) + (octets[2] << 8) + octets[3]}",
    ]
    for notation in notations:
        assert parse_ipv4(notation) == dotted, notation
        assert canonical_url(f"http://{notation}/x").host == dotted


def test_ipv4_out_of_range_is_a_name_not_an_address():
    assert parse_ipv4("256.1.1.1") is None
    assert parse_ipv4("4294967296") is None


def test_credentials_are_removed_and_flagged():
    result = canonical_url("http://www.icbc.com.cn:pass@phish.example.net/login")
    assert result.url == "http://phish.example.net/login"
    assert result.had_credentials
    assert result.domain == "example.net"


def test_idn_homograph_becomes_punycode_and_is_flagged():
    result = canonical_url("http://аpple.com/")  # Cyrillic а
    assert result.host == "xn--pple-43d.com"
    assert result.is_idn
    assert result.unicode_host == "аpple.com"
    assert not canonical_url("http://apple.com/").is_idn


@pytest.mark.parametrize(
    ("link", "code"),
    [
        ("javascript:alert(1)", "scheme"),
        ("  JavaScript:alert(1)", "scheme"),
        ("java\tscript:alert(1)", "scheme"),
        ("data:text/html;base64,PHNjcmlwdD4=", "scheme"),
        ("ftp://files.example.com/", "scheme"),
        ("http://" + "a" * 100_000 + ".com/", "too-long"),
        ("", "empty"),
        ("http://?q=1", "no-host"),
        ("http://", "no-host"),
        ("http://bank.example.com:99999/", "bad-port"),
        ("http://bad host.com/", "bad-host"),
    ],
)
def test_refused_links_name_their_reason(link, code):
    with pytest.raises(NotNormalisable) as caught:
        canonical_url(link)
    assert caught.value.code == code


def test_default_port_dropped_other_port_kept_and_no_scheme_means_http():
    assert canonical_url("https://a.example.com:443/").url == "https://a.example.com/"
    assert canonical_url("a.example.com:8080/x").url == "http://a.example.com:8080/x"


def test_registrable_domain_uses_the_bundled_public_suffix_list():
    assert registrable_domain("login.bank.example.com.cn") == "example.com.cn"
    assert registrable_domain("a.b.github.io") == "b.github.io"
    assert registrable_domain("10.0.0.1") == "10.0.0.1"


def test_public_suffix_list_is_never_fetched(monkeypatch):
    import socket

    import cyberweek.tipline.normalise as normalise

    def no_network(*args, **kwargs):
        raise AssertionError("the Public Suffix List must not be fetched")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    normalise._psl.cache_clear()
    assert registrable_domain("www.example.co.uk") == "example.co.uk"


@pytest.mark.parametrize(
    "notation",
    [
        "13800138000",
        "138 0013 8000",
        "138-0013-8000",
        "+86 138 0013 8000",
        "+86-138-0013-8000",
        "0086 13800138000",
        "(+86) 13800138000",
        "１３８００１３８０００",
    ],
)
def test_mobile_numbers_in_every_notation_are_one_e164(notation):
    assert canonical_phone(notation) == "+8613800138000"


@relaxed
@given(
    st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True),
    st.sampled_from(["", "+86", "0086", "+86 "]),
    st.sampled_from(["", " ", "-"]),
)
def test_phone_separators_and_prefixes_do_not_change_the_key(number, prefix, sep):
    try:
        plain = canonical_phone(number)
    except NotNormalisable:
        return
    written = prefix + sep.join([number[:3], number[3:7], number[7:]])
    assert canonical_phone(written) == plain


def test_landline_short_numbers_and_bad_numbers():
    assert canonical_phone("(010) 6552 9988") == "+861065529988"
    assert canonical_phone("95566") == "CN:95566"
    for bad in ["", "12", "hello", "+1 555", "9" * 41]:
        with pytest.raises(NotNormalisable):
            canonical_phone(bad)


def test_qq_and_wechat_ids():
    assert canonical_qq("QQ: 1234 5678") == "12345678"
    assert canonical_qq("１２３４５６７") == "1234567"
    assert canonical_wechat("微信：Zhang_San88") == "zhang_san88"
    assert canonical_wechat("wx: abc-def") == "abc-def"
    # The longer prefix is dropped whole ("微信号", not "微信" leaving "号").
    assert canonical_wechat("微信号：Zhang_San88") == "zhang_san88"
    assert canonical_qq("QQ号码：12345678") == "12345678"
    for bad in ["0123456", "1234", "123456789012", "qq"]:
        with pytest.raises(NotNormalisable):
            canonical_qq(bad)
    for bad in ["1abcdef", "abc", "a" * 21, "zhang san"]:
        with pytest.raises(NotNormalisable):
            canonical_wechat(bad)
