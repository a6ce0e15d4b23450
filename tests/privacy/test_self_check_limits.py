"""The public self-check, page and API, refuses hostile files at the bounded reader's first
limit; it is counted per address, refuses an oversized body before reading it, and no
answer of it may be stored by a browser or a proxy."""

import io

import pytest
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.urls import reverse

from cyberweek.privacy.self_check import SELF_CHECK_MAX_BODY
from tests.core import file_bombs as bombs

pytestmark = pytest.mark.django_db
API_FILE = "/api/privacy/check/file"
PEAK_MB = 40

BOMBS = {
    "docx unpacking to 64 MB": ("letter.docx", lambda: bombs.inflating(bombs.docx_file())),
    "xlsx unpacking to 64 MB": ("sheet.xlsx", lambda: bombs.inflating(bombs.xlsx())),
    "xlsx lying about its size": ("sheet.xlsx", lambda: bombs.lying(bombs.xlsx())),
    "xlsx with 3,000 parts": ("sheet.xlsx", lambda: bombs.many_members(bombs.xlsx())),
    "xlsx with 2 million tags": ("sheet.xlsx", lambda: bombs.many_tags(bombs.xlsx())),
    "xlsx declaring a million rows": ("sheet.xlsx", lambda: bombs.far_cell(bombs.xlsx())),
    "docx with entity expansion": ("letter.docx", bombs.billion_laughs_docx),
    "docx with 300,000 characters": ("letter.docx", lambda: bombs.long_docx(300_000)),
    "pdf with 150 pages": ("scan.pdf", lambda: bombs.pdf(150)),
    "pdf declaring 1 page of 150": ("scan.pdf", lambda: bombs.pdf(150, declared=1)),
    "pdf with 300,000 characters": ("scan.pdf", lambda: bombs.pdf(30, "1" * 10_000)),
    "pdf stream unpacking to 40 MB": ("scan.pdf", lambda: bombs.pdf(1, "x", padding=40 * bombs.MB)),
    "csv with 300,000 characters": ("list.csv", lambda: "字,".encode() * 150_001),
}


def _file(name, content):
    upload = io.BytesIO(content)
    upload.name = name
    return upload


@pytest.mark.parametrize("bomb", BOMBS)
def test_the_self_check_page_refuses_a_file_bomb_clearly(client, bomb):
    name, build = BOMBS[bomb]
    content = build()
    response = None

    def post():
        nonlocal response
        response = client.post(reverse("privacy:self_check"), {"file": _file(name, content)})

    raised, peak = bombs.measure(post)
    assert raised is None
    assert response.status_code == 400
    page = response.content.decode()
    assert any(
        reason in page
        for reason in ("more than", "damaged", "XML entities", "larger than", "unpacks to")
    ), page
    assert "no-store" in response["Cache-Control"]
    assert peak < PEAK_MB, f"{peak:.0f} MB"


@pytest.mark.parametrize("bomb", BOMBS)
def test_the_self_check_api_refuses_a_file_bomb_with_a_problem(client, bomb):
    name, build = BOMBS[bomb]
    response = client.post(API_FILE, {"file": _file(name, build())})
    assert response.status_code in {413, 422}
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["errors"][0]["field"] == "file"
    assert problem["detail"]
    assert response["Cache-Control"] == "no-store" or "no-store" in response["Cache-Control"]


def test_the_self_check_api_reads_a_document(client):
    response = client.post(API_FILE, {"file": _file("letter.docx", bombs.docx_file())})
    assert response.status_code == 200
    assert "CN_MOBILE" in [f["type"] for f in response.json()["findings"]]
    assert "no-store" in response["Cache-Control"]


def test_every_self_check_api_answer_is_no_store(client):
    ok = client.post("/api/privacy/check", {"text": "13812345678"}, content_type="application/json")
    bad = client.post("/api/privacy/check", {"text": 5}, content_type="application/json")
    assert (ok.status_code, bad.status_code) == (200, 422)
    assert "no-store" in ok["Cache-Control"]
    assert "no-store" in bad["Cache-Control"]


def test_the_self_check_is_counted_per_address(client, settings):
    settings.SELF_CHECK_LIMIT_PER_IP = 2
    for _ in range(2):
        assert client.post(reverse("privacy:self_check"), {"text": "你好"}).status_code == 200
    refused = client.post(reverse("privacy:self_check"), {"text": "你好"})
    assert refused.status_code == 400
    assert "Too many checks from this network" in refused.content.decode()
    api = client.post("/api/privacy/check", {"text": "你好"}, content_type="application/json")
    assert api.status_code == 429
    assert "检查次数过多" in api.json()["detail"]  # the API speaks the default language
    assert api.json()["type"].endswith("limit-reached")
    other = client.post(reverse("privacy:self_check"), {"text": "你好"}, REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 200


@pytest.fixture
def no_spooling(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the upload was spooled to a temporary file")

    monkeypatch.setattr(TemporaryFileUploadHandler, "new_file", refuse)


def test_an_oversized_upload_is_refused_before_the_body_is_read(client, no_spooling):
    content = b"a" * (6 * 1024 * 1024)
    response = client.post(reverse("privacy:self_check"), {"file": _file("big.txt", content)})
    assert response.status_code == 413
    assert "Send at most" in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    api = client.post(API_FILE, {"file": _file("big.txt", content)})
    assert api.status_code == 413
    assert api.json()["type"].endswith("request-too-large")


def test_the_declared_length_is_what_is_refused(client, no_spooling):
    response = client.generic(
        "POST",
        reverse("privacy:self_check"),
        b"x",
        content_type="multipart/form-data; boundary=b",
        CONTENT_LENGTH=str(SELF_CHECK_MAX_BODY + 1),
    )
    assert response.status_code == 413
