import io
import json

import pytest
from django.urls import reverse

from cyberweek.accounts.models import OrganiserRole, User
from cyberweek.core.models import AuditEvent
from cyberweek.privacy import services
from cyberweek.privacy.models import AccessLogEntry, DataSubjectRequest, Purpose
from tests.accounts.factories import PASSWORD, UserFactory, organiser

pytestmark = pytest.mark.django_db
L = OrganiserRole.Level
SAMPLE = "请联系张伟，手机 13812345678，邮箱 zhang.wei@example.com。"


@pytest.fixture
def signed_in(client):
    user = UserFactory(email="me@example.org", display_name="李华")
    client.force_login(user)
    return user


def test_the_privacy_centre_shows_what_is_held(client, signed_in):
    page = client.get(reverse("privacy:centre")).content.decode()
    assert "me@example.org" in page
    assert "李华" in page
    assert "Until you delete your account" in page


def test_the_privacy_centre_needs_sign_in(client):
    assert client.get(reverse("privacy:centre")).status_code == 302
    assert client.get(reverse("privacy:export")).status_code == 302


def test_the_download_is_json_of_everything(client, signed_in):
    response = client.get(reverse("privacy:export"))
    assert response["Content-Disposition"].startswith("attachment")
    data = json.loads(response.content)
    assert data["account"] == signed_in.pk
    assert any(s["key"] == "accounts.account" for s in data["sources"])


def test_consent_buttons_give_and_withdraw(client, signed_in):
    services.publish_notice(actor=organiser(L.NATIONAL), purpose=Purpose.NEWSLETTER, text="订阅")
    client.post(reverse("privacy:consent", args=["newsletter", "give"]))
    assert services.has_consent(signed_in, "newsletter")
    client.post(reverse("privacy:consent", args=["newsletter", "withdraw"]))
    assert not services.has_consent(signed_in, "newsletter")


@pytest.mark.parametrize("path", [("marketing", "give"), ("newsletter", "sell")])
def test_unknown_consent_links_are_refused(client, signed_in, path):
    assert client.post(reverse("privacy:consent", args=path)).status_code == 400
    assert client.get(reverse("privacy:consent", args=["newsletter", "give"])).status_code == 405


def test_correcting_details_through_the_form(client, signed_in):
    response = client.post(
        reverse("privacy:correct"),
        {"display_name": "李小华", "email": "me@example.org", "mobile": ""},
    )
    assert response.status_code == 302
    assert User.objects.get(pk=signed_in.pk).display_name == "李小华"
    bad = client.post(reverse("privacy:correct"), {"display_name": "", "email": "", "mobile": ""})
    assert bad.status_code == 400


def test_deleting_through_the_form_signs_out_and_shows_a_reference(
    client, signed_in, mailoutbox, django_capture_on_commit_callbacks
):
    wrong = client.post(reverse("privacy:delete"), {"password": "nope", "confirm": "on"})
    assert wrong.status_code == 400
    unconfirmed = client.post(reverse("privacy:delete"), {"password": PASSWORD})
    assert unconfirmed.status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("privacy:delete"), {"password": PASSWORD, "confirm": "on"})
    assert "Your reference" in response.content.decode()
    assert User.objects.get(pk=signed_in.pk).erased_at is not None
    assert client.get(reverse("privacy:centre")).status_code == 302
    assert mailoutbox[0].to == ["me@example.org"]


def test_the_self_check_highlights_and_explains(client):
    response = client.post(reverse("privacy:self_check"), {"text": SAMPLE})
    page = response.content.decode()
    assert response["Cache-Control"].startswith("max-age=0")
    assert 'class="pii pii-cn_mobile"' in page
    assert "13812345678" in page
    assert "Mobile" in page


def test_the_self_check_reads_an_uploaded_text_file_in_gb18030(client):
    upload = io.BytesIO(SAMPLE.encode("gb18030"))
    upload.name = "message.txt"
    page = client.post(reverse("privacy:self_check"), {"file": upload}).content.decode()
    assert 'class="pii pii-cn_mobile"' in page


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("photo.jpg", b"\xff\xd8\xff\xe0", "cannot be checked"),
        ("binary.txt", b"\x00\x01\x02text", "not a text file"),
        ("big.txt", b"a" * (2 * 1024 * 1024 + 1), "larger than 2 MB"),
    ],
)
def test_the_self_check_refuses_files_it_cannot_read(client, name, content, message):
    upload = io.BytesIO(content)
    upload.name = name
    response = client.post(reverse("privacy:self_check"), {"file": upload})
    assert response.status_code == 400
    assert message in response.content.decode()


def test_an_empty_self_check_asks_for_input(client):
    response = client.post(reverse("privacy:self_check"), {"text": "  "})
    assert response.status_code == 400
    assert "Paste some text or choose a file" in response.content.decode()


def test_the_self_check_keeps_nothing(client, django_assert_max_num_queries):
    # Anonymous, so no session is written either: not a single database query.
    with django_assert_max_num_queries(0):
        client.post(reverse("privacy:self_check"), {"text": SAMPLE})


def test_the_self_check_api(client):
    response = client.post("/api/privacy/check", {"text": SAMPLE}, content_type="application/json")
    body = response.json()
    mobile = next(f for f in body["findings"] if f["type"] == "CN_MOBILE")
    assert SAMPLE[mobile["start"] : mobile["end"]] == "13812345678"
    assert {r["type"] for r in body["risks"]} >= {"CN_MOBILE", "EMAIL"}
    bad = client.post("/api/privacy/check", {"text": 5}, content_type="application/json")
    assert bad.status_code == 422
    assert client.post("/api/privacy/check", "{", content_type="application/json").status_code in {
        400,
        422,
    }


# --- Staff pages ---------------------------------------------------------------------


def test_staff_log_and_handle_a_request_and_each_view_is_in_the_access_log(client):
    staff = organiser(L.NATIONAL)
    client.force_login(staff)
    response = client.post(
        reverse("organiser:privacy_request_new"),
        {"kind": "export", "requester_contact": "写信：天津市和平区某路1号"},
    )
    request = DataSubjectRequest.objects.get()
    assert response["Location"] == reverse("organiser:privacy_request", args=[request.pk])
    page = client.get(response["Location"]).content.decode()
    assert "天津市和平区某路1号" not in page
    page = client.post(response["Location"], {"reveal-why": "寄出数据副本"}).content.decode()
    assert "天津市和平区某路1号" in page
    assert AccessLogEntry.objects.filter(actor_ref=f"user:{staff.pk}").count() == 1
    client.post(response["Location"], {"status": "completed", "resolution": "已寄出"})
    request.refresh_from_db()
    assert request.status == "completed"
    listing = client.get(reverse("organiser:privacy_requests")).content.decode()
    assert "Completed" in listing


def test_staff_pages_are_closed_to_others(client):
    assert client.get(reverse("organiser:privacy_requests")).status_code == 302
    county = organiser(L.COUNTY, "120101")
    client.force_login(county)
    for name in ("privacy_requests", "privacy_notices", "privacy_access_log"):
        assert client.get(reverse(f"organiser:{name}")).status_code == 403
    assert AuditEvent.objects.filter(actor=county, outcome="denied").count() == 3


def test_national_staff_publish_notices_and_see_the_verified_log(client):
    client.force_login(organiser(L.NATIONAL))
    response = client.post(
        reverse("organiser:privacy_notices"),
        {"purpose": "newsletter", "text": "每周一封宣传周通讯。"},
    )
    assert response.status_code == 302
    assert services.current_notice("newsletter").version == 1
    page = client.get(reverse("organiser:privacy_access_log")).content.decode()
    assert "The hash chain is intact" in page


def test_the_self_check_reads_a_word_document_in_memory(client):
    import docx

    document = docx.Document()
    document.add_paragraph(SAMPLE)
    upload = io.BytesIO()
    document.save(upload)
    upload.seek(0)
    upload.name = "letter.docx"
    page = client.post(reverse("privacy:self_check"), {"file": upload}).content.decode()
    assert 'class="pii pii-cn_mobile"' in page


def test_a_broken_document_gets_a_clear_error(client):
    upload = io.BytesIO(b"PK\x03\x04 this is not really a zip")
    upload.name = "broken.xlsx"
    response = client.post(reverse("privacy:self_check"), {"file": upload})
    assert response.status_code == 400
    assert "The file is damaged and cannot be read." in response.content.decode()


def test_opening_an_account_in_the_admin_asks_why_and_is_in_the_access_log(client):
    staff = UserFactory(is_staff=True, is_superuser=True)
    subject = UserFactory(display_name="欧阳春晓")
    client.force_login(staff)
    url = reverse("admin:accounts_user_change", args=[subject.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert "欧阳春晓" not in response.content.decode()
    assert not AccessLogEntry.objects.exists()
    response = client.post(url, {"reveal-why": "协助找回账号"})
    assert "欧阳春晓" in response.content.decode()
    entry = AccessLogEntry.objects.get()
    assert (entry.actor_ref, entry.subject_ref) == (f"user:{staff.pk}", f"user:{subject.pk}")
    assert entry.why == "协助找回账号"


def test_a_provincial_organiser_cannot_read_privacy_requests(client):
    request = services.open_request(
        actor=organiser(L.NATIONAL), kind="export", requester_contact="写信：天津市和平区某路1号"
    )
    client.force_login(organiser(L.PROVINCIAL, "120000"))
    assert client.get(reverse("organiser:privacy_requests")).status_code == 403
    detail = reverse("organiser:privacy_request", args=[request.pk])
    assert client.get(detail).status_code == 403
    response = client.post(detail, {"reveal-why": "看看"})
    assert response.status_code == 403
    assert "天津市和平区某路1号" not in response.content.decode()
