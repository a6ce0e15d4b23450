import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cyberweek.privacy.models import AccessLogEntry
from cyberweek.tipline import proof_of_work
from cyberweek.tipline.models import Cluster, Report, Volunteer
from tests.accounts.factories import PASSWORD, UserFactory, organiser

from .factories import BEIJING, escalated, phishing, png, volunteer

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _easy_puzzle(settings):
    settings.TIPLINE_POW_BITS = 4


def solved(client):
    issued = client.get(reverse("tipline:challenge")).json()
    return {
        "pow_challenge": issued["challenge"],
        "pow_nonce": proof_of_work.solve(issued["challenge"], issued["bits"]),
    }


def signed_in(client, user):
    client.login(username=user.email, password=PASSWORD)
    return client


def test_home_offers_a_form_for_each_kind(client):
    page = client.get(reverse("tipline:home"))
    assert page.status_code == 200
    for kind in Report.Kind.values:
        assert reverse("tipline:report", args=[kind]) in page.text


def test_an_anonymous_report_shows_its_receipt_and_what_was_masked(client):
    page = client.post(
        reverse("tipline:report", args=["phishing"]),
        {
            "region": BEIJING,
            "link": "http://icbc-secure.example.net/login",
            "text": "我的手机号13912345678收到这条短信",
            "evidence": SimpleUploadedFile("shot.png", png(), content_type="image/png"),
            **solved(client),
        },
    )
    assert page.status_code == 200
    assert "receipt-code" in page.text
    assert "13912345678" not in page.text.split('id="masked-text"')[1]
    code = page.text.split('id="receipt-code">')[1].split("<")[0]
    status = client.post(reverse("tipline:receipt"), {"code": code})
    assert "Received" in status.text
    assert Report.objects.get().evidence.count() == 1


def test_a_report_without_the_puzzle_solved_is_refused_and_not_filed(client):
    page = client.post(
        reverse("tipline:report", args=["phishing"]),
        {"link": "http://icbc-secure.example.net/login"},
    )
    assert page.status_code == 400
    assert "allow JavaScript" in page.text
    assert not Report.objects.exists()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"link": "javascript:alert(1)"}, "never opened"),
        ({"link": "http://a.com/" + "x" * 100_000}, "2,048"),
    ],
)
def test_bad_links_get_a_clear_error(client, fields, message):
    page = client.post(reverse("tipline:report", args=["phishing"]), {**fields, **solved(client)})
    assert page.status_code == 400
    assert message in page.text
    assert not Report.objects.exists()


def test_a_screenshot_that_is_not_an_image_is_refused(client):
    page = client.post(
        reverse("tipline:report", args=["fake_app"]),
        {
            "text": "假冒银行APP",
            "evidence": SimpleUploadedFile("shot.png", b"MZ\x90\x00 not an image"),
            **solved(client),
        },
    )
    assert page.status_code == 400
    assert "not a PNG, JPEG" in page.text


def test_unknown_kind_is_404(client):
    assert client.get(reverse("tipline:report", args=["ransom"])).status_code == 404


def test_lookup_answers_from_confirmed_threats_only(client):
    phishing(link="http://unchecked.example.com/")
    escalated(link="http://icbc-secure.example.net/login")
    confirmed = client.get(reverse("tipline:lookup"), {"q": "ICBC-SECURE.example.net/login"})
    assert "is a confirmed scam" in confirmed.text
    unchecked = client.get(reverse("tipline:lookup"), {"q": "http://unchecked.example.com/"})
    assert "is not among the threats" in unchecked.text
    hotline = client.get(reverse("tipline:lookup"), {"q": "96110"})
    assert "official service or public hotline" in hotline.text


def test_warning_page_only_for_confirmed_threats(client):
    phishing(link="http://unchecked.example.com/")
    unchecked = Cluster.objects.get(kind="url")
    assert client.get(reverse("tipline:threat", args=[unchecked.pk])).status_code == 404
    escalated()
    threat = Cluster.objects.get(kind="url", confirmed_at__isnull=False)
    page = client.get(reverse("tipline:threat", args=[threat.pk]))
    assert "icbc-secure.example.net" in page.text


def test_statistics_and_public_feed(client):
    escalated()
    stats = client.get(reverse("tipline:statistics"))
    assert stats.status_code == 200
    assert "Phishing link" in stats.text
    feed = client.get(reverse("tipline:phishing_feed", args=["json"]))
    assert json.loads(feed.content)[0]["url"] == "http://icbc-secure.example.net/login"
    assert client.get(reverse("tipline:phishing_feed", args=["xml"])).status_code == 404


def test_triage_pages_are_for_volunteers_in_the_region(client):
    filed = phishing()
    signed_in(client, UserFactory())
    assert client.get(reverse("tipline:triage")).status_code == 403
    outsider = volunteer("310000")
    signed_in(client, outsider)
    assert client.get(reverse("tipline:triage_report", args=[filed.report.pk])).status_code == 404
    signed_in(client, volunteer())
    queue = client.get(reverse("tipline:triage"))
    assert reverse("tipline:triage_report", args=[filed.report.pk]) in queue.text


def test_two_volunteers_triage_through_the_pages(client):
    filed = phishing()
    first, second = volunteer(), volunteer()
    signed_in(client, first)
    for action in ("claim", "confirm"):
        client.post(reverse("tipline:triage_action", args=[filed.report.pk, action]))
    refused = client.post(
        reverse("tipline:triage_action", args=[filed.report.pk, "escalate"]), follow=True
    )
    assert "second volunteer" in refused.text
    signed_in(client, second)
    client.post(reverse("tipline:triage_action", args=[filed.report.pk, "escalate"]))
    assert Report.objects.get().status == Report.Status.ESCALATED
    stix = client.get(reverse("tipline:export", args=["stix"]))
    assert json.loads(stix.content)["type"] == "bundle"
    misp = client.get(reverse("tipline:export", args=["misp"]))
    assert "phishing" in misp.text


def test_the_original_text_and_screenshots_need_a_logged_reason(client):
    filed = phishing(text="受害人李娜 13912345678", images=[png()])
    signed_in(client, volunteer())
    url = reverse("tipline:triage_report", args=[filed.report.pk])
    page = client.get(url)
    assert "13912345678" not in page.text
    assert not AccessLogEntry.objects.exists()
    assert client.post(url, {"reveal-why": ""}).status_code == 400
    revealed = client.post(url, {"reveal-why": "核实截图中的钓鱼网址"})
    assert "13912345678" in revealed.text
    assert "data:image/png;base64," in revealed.text
    assert AccessLogEntry.objects.count() == 2  # the text and one screenshot


def test_organisers_recruit_volunteers_from_their_page(client):
    beijing = organiser("provincial", BEIJING)
    person = UserFactory()
    signed_in(client, beijing)
    url = reverse("organiser:tipline_volunteers")
    assert client.get(url).status_code == 200
    client.post(url, {"email": person.email, "region": BEIJING})
    assert Volunteer.objects.filter(user=person, is_active=True).exists()
    refused = client.post(url, {"email": person.email, "region": "310000"})
    assert refused.status_code == 400
    signed_in(client, UserFactory())
    assert client.get(url).status_code == 403


def test_pages_are_in_chinese_by_default(client):
    from django.utils import translation

    with translation.override("zh-hans"):
        page = client.get("/tipline/")
        form = client.get("/tipline/report/phishing/")
    assert "举报诈骗、钓鱼和信息泄露" in page.text
    assert "提交举报" in form.text


def test_the_lookup_form_posts_so_a_pasted_link_stays_out_of_access_logs(client):
    escalated()
    form = client.get(reverse("tipline:lookup"))
    assert 'method="post"' in form.text
    answer = client.post(reverse("tipline:lookup"), {"q": "icbc-secure.example.net/login"})
    assert answer.status_code == 200
    assert "is a confirmed scam" in answer.text
