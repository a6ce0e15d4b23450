"""The self-check offers a copy without the personal information it found, on the page (to
copy or download) and in the API, masked, tagged by type or pseudonymised."""

import io
import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db
TEXT = "请联系张先生，手机13812345678，备用13812345678，邮箱zhang@example.com。"


def test_the_page_shows_a_masked_copy_by_default(client):
    page = client.post(reverse("privacy:self_check"), {"text": TEXT}).content.decode()
    copy = re.search(r'<textarea[^>]*id="redacted-copy"[^>]*>(.*?)</textarea>', page, re.S)
    assert copy is not None
    assert "138****5678" in copy.group(1)
    assert "13812345678" not in copy.group(1)
    assert "privacy/self_check.js" in page


def test_the_page_tags_by_type_when_asked(client):
    page = client.post(reverse("privacy:self_check"), {"text": TEXT, "style": "tag"})
    assert "&lt;CN_MOBILE&gt;" in page.content.decode()


def test_the_redacted_copy_downloads_as_a_text_file(client):
    response = client.post(
        reverse("privacy:self_check"), {"text": TEXT, "style": "pseudonym", "download": "1"}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    assert "no-store" in response.get("Cache-Control", "") or "max-age=0" in response.get(
        "Cache-Control", ""
    )
    body = response.content.decode()
    assert "13812345678" not in body
    pseudonyms = re.findall(r"<CN_MOBILE:[0-9a-f]{10}>", body)
    assert len(pseudonyms) == 2
    assert pseudonyms[0] == pseudonyms[1]  # the same number, the same pseudonym


def test_an_unknown_style_is_a_form_error_not_a_copy(client):
    response = client.post(reverse("privacy:self_check"), {"text": TEXT, "style": "erase"})
    assert response.status_code == 400
    assert 'id="redacted-copy"' not in response.content.decode()


def test_the_api_answers_with_the_redacted_copy_in_the_style_asked(client):
    url = "/api/privacy/check"
    masked = client.post(url, {"text": TEXT}, content_type="application/json").json()
    assert masked["style"] == "mask"
    assert "138****5678" in masked["redacted"]
    tagged = client.post(url, {"text": TEXT, "style": "tag"}, content_type="application/json")
    assert "<CN_MOBILE>" in tagged.json()["redacted"]
    first = client.post(url, {"text": TEXT, "style": "pseudonym"}, content_type="application/json")
    second = client.post(url, {"text": TEXT, "style": "pseudonym"}, content_type="application/json")
    # A key per check: the same number is not linkable from one check to the next.
    assert first.json()["redacted"] != second.json()["redacted"]
    bad = client.post(url, {"text": TEXT, "style": "erase"}, content_type="application/json")
    assert bad.status_code == 422


def test_the_file_api_takes_the_style_too(client):
    upload = io.BytesIO(TEXT.encode())
    upload.name = "note.txt"
    response = client.post("/api/privacy/check/file?style=tag", {"file": upload})
    assert response.status_code == 200
    assert "<CN_MOBILE>" in response.json()["redacted"]
