import io

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from cyberweek.tipline import proof_of_work, queries
from cyberweek.tipline.models import Evidence, Report
from cyberweek.tipline.services.evidence import decode_evidence
from cyberweek.tipline.services.intake import MAX_REPORT_BODY

from .factories import escalated, phishing, png

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _easy_puzzle(settings):
    settings.TIPLINE_POW_BITS = 4


def solved(client):
    issued = client.get("/api/tipline/challenge").json()
    return {
        "pow_challenge": issued["challenge"],
        "pow_nonce": proof_of_work.solve(issued["challenge"], issued["bits"]),
    }


def test_file_a_report_and_follow_it_by_receipt(client):
    response = client.post(
        "/api/tipline/reports",
        {
            "kind": "fraud_phone",
            "region": "110000",
            "phone": "+86 138 0013 8000",
            "text": "对方自称客服，我的身份证号110101199003077774",
            **solved(client),
        },
        content_type="application/json",
    )
    assert response.status_code == 201
    body = response.json()
    assert "110101199003077774" not in body["masked_text"]
    assert body["masked_types"]
    status = client.post(
        "/api/tipline/receipts", {"code": body["receipt"]}, content_type="application/json"
    )
    assert status.json()["status"] == "new"


def test_refusals_are_problem_documents_and_write_nothing(client):
    without_proof = client.post(
        "/api/tipline/reports",
        {"kind": "phishing", "link": "http://a.example.com/", "pow_challenge": "", "pow_nonce": ""},
        content_type="application/json",
    )
    assert without_proof.status_code == 422
    assert without_proof["Content-Type"] == "application/problem+json"
    bad_link = client.post(
        "/api/tipline/reports",
        {"kind": "phishing", "link": "data:text/html,hi", **solved(client)},
        content_type="application/json",
    )
    assert bad_link.status_code == 422
    assert bad_link.json()["errors"][0]["field"] == "link"
    wrong_kind = client.post(
        "/api/tipline/reports",
        {"kind": "ransom", **solved(client)},
        content_type="application/json",
    )
    assert wrong_kind.status_code == 422
    missing = client.post(
        "/api/tipline/receipts", {"code": "ABCD-EFGH-JKLM-NPQR"}, content_type="application/json"
    )
    assert missing.status_code == 404
    assert not Report.objects.exists()


def test_lookup_threats_and_statistics(client):
    escalated()
    answer = client.get("/api/tipline/lookup", {"q": "icbc-secure.example.net/login"}).json()
    assert answer["confirmed_threat"] is True
    assert answer["threat_id"]
    hotline = client.get("/api/tipline/lookup", {"q": "12321"}).json()
    assert hotline["benign"] is True
    assert hotline["confirmed_threat"] is False
    threats = client.get("/api/tipline/threats").json()
    assert threats["items"][0]["value"] == "http://icbc-secure.example.net/login"
    assert threats["items"][0]["online"] is True
    stats = client.get("/api/tipline/statistics").json()
    assert stats["total"] == 1
    assert client.get("/api/tipline/lookup").status_code == 422


def multipart(client, files, **fields):
    return client.post(
        "/api/tipline/reports/with-evidence",
        {
            "kind": "phishing",
            "link": "http://icbc-secure.example.net/login",
            "text": "截图里有我的名字",
            **solved(client),
            **fields,
            "evidence": files,
        },
    )


def test_screenshots_through_the_api_are_redrawn_without_their_metadata(client):
    response = multipart(client, [SimpleUploadedFile("shot.jpg", png(exif=True), "image/jpeg")])
    assert response.status_code == 201
    [evidence] = Evidence.objects.all()
    stored = decode_evidence(evidence)
    assert evidence.content_type == "image/png"
    assert stored.startswith(b"\x89PNG")
    assert "张三".encode() not in stored
    assert not Image.open(io.BytesIO(stored)).getexif()


@pytest.mark.parametrize(
    ("files", "status"),
    [
        ([SimpleUploadedFile("shot.png", b"%PDF-1.4 not an image", "image/png")], 422),
        ([SimpleUploadedFile(f"{n}.png", png(), "image/png") for n in range(6)], 422),
        ([SimpleUploadedFile("bomb.png", png(20000, 20000, fmt="PNG"), "image/png")], 413),
    ],
    ids=["not-an-image", "six-screenshots", "decompression-bomb"],
)
def test_bad_screenshots_through_the_api_are_refused_and_write_nothing(client, files, status):
    response = multipart(client, files)
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["detail"]
    assert not Report.objects.exists()
    assert not Evidence.objects.exists()


def test_screenshots_through_the_api_need_a_proof_of_work_and_count_against_the_limit(
    client, settings
):
    image = [SimpleUploadedFile("shot.png", png(), "image/png")]
    unsolved = multipart(client, image, pow_challenge="x", pow_nonce="1")
    assert unsolved.status_code == 422
    settings.TIPLINE_REPORTS_PER_HOUR = 1  # the refused attempt above counted
    limited = multipart(client, [SimpleUploadedFile("shot.png", png(), "image/png")])
    assert limited.status_code == 429
    assert not Report.objects.exists()


def test_a_body_larger_than_five_screenshots_is_refused_before_it_is_read(client):
    response = client.post(
        "/api/tipline/reports/with-evidence",
        data=b"x",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(MAX_REPORT_BODY + 1),
    )
    assert response.status_code == 413


def test_lookup_takes_the_text_in_the_body_too(client):
    escalated()
    answer = client.post(
        "/api/tipline/lookup",
        {"q": "icbc-secure.example.net/login"},
        content_type="application/json",
    ).json()
    assert answer["confirmed_threat"] is True
    empty = client.post("/api/tipline/lookup", {"q": ""}, content_type="application/json")
    assert empty.status_code == 422


def test_statistics_are_computed_once_a_minute_for_everyone(client):
    phishing()
    assert client.get("/api/tipline/statistics").json()["total"] == 1
    phishing(link="http://other.example.org/")
    # The same figures within the minute, for every visitor and the page alike.
    assert client.get("/api/tipline/statistics").json()["total"] == 1
    assert queries.statistics()["total"] == 2
    cache.delete(queries.STATISTICS_KEY)  # as when the minute is over
    assert client.get("/api/tipline/statistics").json()["total"] == 2
