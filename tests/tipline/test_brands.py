import pytest
from django.urls import reverse
from django.utils import timezone, translation

from cyberweek.tipline.brands import brands, targeted_brands
from cyberweek.tipline.queries import top_brands

from .factories import escalated, phishing


@pytest.mark.parametrize(
    ("hosts", "text", "expected"),
    [
        (["icbc-secure.example.net"], "", {"icbc"}),
        (["www.icbc.com.cn.verify-account.top"], "", {"icbc"}),
        (["icbc.com.cn-login.top"], "", {"icbc"}),
        (["jd-refund.top"], "", {"jd"}),
        (["jdoe.example.net"], "", set()),
        ([], "短信说我的支付宝账户异常，要求ETC认证", {"alipay", "etc"}),
        ([], "Shoes, bags, etc. were offered cheaply", set()),
        (["my-alipay.top"], "冒充工商银行客服", {"alipay", "icbc"}),
    ],
)
def test_a_report_targets_the_brands_its_host_or_description_names(hosts, text, expected):
    assert targeted_brands(hosts=hosts, text=text) == expected


def test_the_bundled_brand_list_has_unique_ids_and_something_to_match():
    listed = brands()
    assert len({b.id for b in listed}) == len(listed)
    assert all(b.name_zh and b.name_en and (b.domains or b.keywords or b.names) for b in listed)


@pytest.mark.django_db
def test_top_brands_count_confirmed_reports_only(client):
    escalated(link="http://icbc-secure.example.net/login", text="冒充银行")
    escalated(link="http://refund.example.org/", text="自称工商银行客服")
    escalated(link="http://my-alipay.example.com/", text="支付宝")
    phishing(link="http://icbc-unchecked.example.net/", text="工商银行")  # not confirmed
    ranked = top_brands(since=timezone.now() - timezone.timedelta(days=1))
    assert [(row["id"], row["reports"]) for row in ranked] == [("icbc", 2), ("alipay", 1)]
    api = client.get("/api/tipline/statistics").json()
    assert api["top_brands"][0] == {
        "id": "icbc",
        "name": "中国工商银行",
        "name_en": "ICBC",
        "reports": 2,
    }
    with translation.override("en"):
        page = client.get(reverse("tipline:statistics"))
    assert "ICBC" in page.text.split('id="top-brands"', 1)[1]
