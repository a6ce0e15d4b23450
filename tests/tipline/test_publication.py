"""A confirmed link's victim data (phone, ID number, email, token in its query or path)
never reaches a public output, and the link's cluster still works."""

import json
import re

import pytest
from django.urls import reverse

from cyberweek.tipline import exports
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


def test_a_link_without_personal_data_is_published_as_it_is():
    link = canonical_url("http://icbc-secure.example.net/login?lang=zh&step=2").url
    assert masked_url(link) == (link, False)


def test_a_fraudsters_number_is_the_indicator_and_is_not_masked():
    assert public_value("phone", "+8613800138000") == "+8613800138000"
    assert public_value("host_path", "evil.example/u/13812345678") == "evil.example/u/138****5678"


@pytest.mark.django_db
def test_victim_data_reaches_no_public_output_and_the_cluster_still_counts(client):
    escalated(link=VICTIM_LINK)
    # The same link in another notation joins the same cluster (the key is unmasked).
    phishing(link=VICTIM_LINK.replace("icbc-verify", "ICBC-VERIFY").replace("#step2", ""))
    threat = Cluster.objects.get(kind="url")
    assert threat.report_count == 2
    outputs = {
        "feed csv": client.get(reverse("tipline:phishing_feed", args=["csv"])).text,
        "feed json": client.get(reverse("tipline:phishing_feed", args=["json"])).text,
        "warning page": client.get(reverse("tipline:threat", args=[threat.pk])).text,
        # The answer, not the form that shows the asker their own text again.
        "look-up page": answer_of(client.get(reverse("tipline:lookup"), {"q": VICTIM_LINK})),
        "look-up api": client.get("/api/tipline/lookup", {"q": VICTIM_LINK}).text,
        "threats api": client.get("/api/tipline/threats").text,
    }
    client.login(username=volunteer().email, password=PASSWORD)
    outputs["stix"] = client.get(reverse("tipline:export", args=["stix"])).text
    outputs["misp"] = client.get(reverse("tipline:export", args=["misp"])).text
    outputs["triage page"] = client.get(
        reverse("tipline:triage_report", args=[threat.links.first().report_id])
    ).text
    for name, text in outputs.items():
        assert "icbc-verify.example.net" in text, name  # the indicator is still there
        assert_no_victim_data(text)
    lookup = json.loads(outputs["look-up api"])
    assert lookup["confirmed_threat"] is True
    assert lookup["threat_id"] == threat.pk


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
