"""A confirmed link's victim data (phone, ID number, email, token in its query or path)
never reaches a public output, and the link's cluster still works."""

import json
import re
from urllib.parse import quote

import pytest
from django.urls import reverse

from cyberweek.tipline import exports
from cyberweek.tipline.brands import brands
from cyberweek.tipline.models import Cluster
from cyberweek.tipline.normalise import canonical_url
from cyberweek.tipline.publication import masked_url, public_value
from cyberweek.tipline.services.intake import file_report
from tests.accounts.factories import PASSWORD

from .factories import escalated, phishing, volunteer

VICTIM_LINK = (
    "http://icbc-verify.example.net/u/13912345678/login"
    "?phone=13812345678&id=110101199003074514&email=wang.fang%40example.com"
    "&t=Zk9hQ2x1ZW50SWQ9OTg3NjU0&lang=zh#step2"
)
SECRETS = (
    "13812345678",
    "13912345678",
    "110101199003074514",
    "wang.fang@example.com",
    "wang.fang%40example.com",
    "Zk9hQ2x1ZW50SWQ9OTg3NjU0",
)


def assert_no_victim_data(text: str):
    leaked = [secret for secret in SECRETS if secret in text]
    assert not leaked, f"victim data published: {leaked}"


def answer_of(page) -> str:
    return page.text.split('id="lookup-answer"', 1)[1].split("</div>\n  </div>", 1)[0]


@pytest.mark.parametrize(
    ("link", "expected"),
    [
        (
            "http://evil.example/x?phone=13812345678&lang=zh",
            "http://evil.example/x?phone=***&lang=zh",
        ),
        ("http://evil.example/x?userEmail=a%40b.cn", "http://evil.example/x?userEmail=***"),
        ("http://evil.example/x?q=13812345678", "http://evil.example/x?q=138****5678"),
        ("http://evil.example/u/13812345678/a", "http://evil.example/u/138****5678/a"),
        ("http://evil.example/a?wang@example.com", "http://evil.example/a?w***@example.com"),
        ("http://evil.example/s/8f14e45fceea167a5a36dedd4ea2543b/", "http://evil.example/s/***/"),
        ("http://me:secret@evil.example/a#13812345678", "http://evil.example/a"),
    ],
)
def test_a_links_personal_data_is_masked_and_its_host_kept(link, expected):
    assert masked_url(link) == (expected, True)


@pytest.mark.parametrize(
    ("link", "expected"),
    [
        # `u` and `who` do not say they hold a name; the value alone is one.
        ("http://evil.example/x?u=张伟&lang=zh", "http://evil.example/x?u=%E5%BC%A0*&lang=zh"),
        ("http://evil.example/x?who=李娜", "http://evil.example/x?who=%E6%9D%8E*"),
        ("http://evil.example/x?张伟", "http://evil.example/x?%E5%BC%A0*"),
        ("http://evil.example/张伟/pay", "http://evil.example/%E5%BC%A0*/pay"),
        (
            "http://evil.example/x?to=欧阳娜娜,王建国",
            "http://evil.example/x?to=%E6%AC%A7***,%E7%8E%8B**",
        ),
        ("http://evil.example/x?r=李娜2024", "http://evil.example/x?r=%E6%9D%8E*2024"),
        (
            "http://evil.example/x?m=13812345678 李娜",
            "http://evil.example/x?m=138****5678%20%E6%9D%8E*",
        ),
    ],
)
def test_a_bare_chinese_name_is_masked_whatever_the_parameter_is_called(link, expected):
    assert masked_url(canonical_url(link).url) == (expected, True)


@pytest.mark.parametrize(
    "link",
    [
        "http://evil.example/x?lang=zh&page=2",
        "http://evil.example/x?lang=zh-CN&page=2&size=20&sort=desc",
        # Brands, public bodies, places and everyday words, some of which the pii engine
        # would read as a name on its own (公安, 苏宁, 高铁).
        "http://evil.example/x?bank=工商银行&app=支付宝&shop=京东&via=微信",
        "http://evil.example/x?q=国家&city=北京&area=黄山&t=明天&kind=平安",
        "http://evil.example/x?from=公安&brand=苏宁&go=高铁&q=登录&step=验证",
        "http://evil.example/退款/理赔?type=社保",
    ],
)
def test_brands_places_and_everyday_words_in_a_link_are_not_masked(link):
    link = canonical_url(link).url
    assert masked_url(link) == (link, False)


def test_no_bundled_brand_name_in_a_link_is_taken_for_a_person():
    names = {name for brand in brands() for name in (brand.name_zh, *brand.names)}
    for name in names:
        link = canonical_url(f"http://evil.example/x?brand={name}").url
        assert masked_url(link) == (link, False), name


def test_a_link_without_personal_data_is_published_as_it_is():
    link = canonical_url("http://icbc-secure.example.net/login?lang=zh&step=2").url
    assert masked_url(link) == (link, False)


def test_a_fraudsters_number_is_the_indicator_and_is_not_masked():
    assert public_value("phone", "+8613800138000") == "+8613800138000"
    assert public_value("host_path", "evil.example/u/13812345678") == "evil.example/u/138****5678"


def public_outputs(client, asked: str) -> dict[str, str]:
    """Every output that publishes the one confirmed link: public pages and API, the feed,
    then the volunteers' exports and triage page."""
    threat = Cluster.objects.get(kind="url")
    outputs = {
        "feed csv": client.get(reverse("tipline:phishing_feed", args=["csv"])).text,
        "feed json": client.get(reverse("tipline:phishing_feed", args=["json"])).text,
        "warning page": client.get(reverse("tipline:threat", args=[threat.pk])).text,
        # The answer, not the form that shows the asker their own text again.
        "look-up page": answer_of(client.get(reverse("tipline:lookup"), {"q": asked})),
        "look-up api": client.get("/api/tipline/lookup", {"q": asked}).text,
        "threats api": client.get("/api/tipline/threats").text,
    }
    client.login(username=volunteer().email, password=PASSWORD)
    outputs["stix"] = client.get(reverse("tipline:export", args=["stix"])).text
    outputs["misp"] = client.get(reverse("tipline:export", args=["misp"])).text
    outputs["triage page"] = client.get(
        reverse("tipline:triage_report", args=[threat.links.first().report_id])
    ).text
    return outputs


@pytest.mark.django_db
def test_victim_data_reaches_no_public_output_and_the_cluster_still_counts(client):
    escalated(link=VICTIM_LINK)
    # The same link in another notation joins the same cluster (the key is unmasked).
    phishing(link=VICTIM_LINK.replace("icbc-verify", "ICBC-VERIFY").replace("#step2", ""))
    threat = Cluster.objects.get(kind="url")
    assert threat.report_count == 2
    outputs = public_outputs(client, VICTIM_LINK)
    for name, text in outputs.items():
        assert "icbc-verify.example.net" in text, name  # the indicator is still there
        assert_no_victim_data(text)
    lookup = json.loads(outputs["look-up api"])
    assert lookup["confirmed_threat"] is True
    assert lookup["threat_id"] == threat.pk


NAMED_LINK = "http://icbc-verify.example.net/pay?u=张伟&who=李娜&bank=工商银行&lang=zh&page=2"
NAMES = ("张伟", "李娜")


@pytest.mark.django_db
def test_a_bare_name_in_a_link_reaches_no_public_output(client):
    escalated(link=NAMED_LINK)
    threat = Cluster.objects.get(kind="url")
    assert threat.value == canonical_url(NAMED_LINK).url  # the cluster keeps the real link
    outputs = public_outputs(client, NAMED_LINK)
    for name, text in outputs.items():
        assert "icbc-verify.example.net" in text, name
        for person in NAMES:
            # As written, percent-encoded (upper or lower case) and JSON-escaped.
            forms = (
                person,
                quote(person),
                quote(person).lower(),
                json.dumps(person).strip('"'),
            )
            leaked = [form for form in forms if form in text]
            assert not leaked, f"{person} published in the {name}: {leaked}"
        # What is not a name stays as it was: the brand, the language, the page.
        assert quote("工商银行") in text or "工商银行" in text, name
        assert "lang=zh" in text, name
        assert "page=2" in text, name


@pytest.mark.django_db
def test_a_masked_links_stix_pattern_still_matches_the_real_link():
    escalated(link=VICTIM_LINK)
    [threat] = exports.threats()
    bundle = json.loads(exports.stix_bundle([threat]))
    [indicator] = [o for o in bundle["objects"] if o["type"] == "indicator"]
    like = re.fullmatch(r"\[url:value LIKE '(.*)'\]", indicator["pattern"]).group(1)
    as_regex = "".join(".*" if c == "%" else "." if c == "_" else re.escape(c) for c in like)
    real = canonical_url(VICTIM_LINK).url
    assert re.fullmatch(as_regex, real)
    assert not re.fullmatch(as_regex, real.replace("icbc-verify", "other-host"))


@pytest.mark.django_db
def test_an_unmasked_link_keeps_its_exact_stix_pattern():
    escalated(link="http://icbc-secure.example.net/login")
    [indicator] = [
        o
        for o in json.loads(exports.stix_bundle(exports.threats()))["objects"]
        if o["type"] == "indicator"
    ]
    assert indicator["pattern"] == "[url:value = 'http://icbc-secure.example.net/login']"


@pytest.mark.django_db
def test_filing_answers_with_the_masked_description_only():
    filed = file_report(
        kind="phishing", region_code="110101", link=VICTIM_LINK, text="我的手机13812345678"
    )
    assert "13812345678" not in filed.masked_text
