import pytest
from django.test import override_settings

from cyberweek.core.errors import (
    Conflict,
    FileLimitExceeded,
    InvalidTransition,
    LimitReached,
    NotFound,
    PermissionDenied,
    UnreadableFile,
    ValidationFailed,
)
from cyberweek.core.models import AuditEvent
from cyberweek.geo.models import Region
from cyberweek.tipline import proof_of_work
from cyberweek.tipline.models import Cluster, Evidence, Report, TriageStep, Volunteer, Vote
from cyberweek.tipline.proof_of_work import ProofRefused
from cyberweek.tipline.services.evidence import decode_evidence
from cyberweek.tipline.services.intake import admit, file_report
from cyberweek.tipline.services.receipts import report_by_receipt
from cyberweek.tipline.services.triage import (
    claim_report,
    confirm_report,
    escalate_report,
    mark_duplicate,
    mark_taken_down,
    reject_report,
    vote,
)
from cyberweek.tipline.services.volunteers import dismiss_volunteer, is_volunteer, recruit_volunteer
from tests.accounts.factories import UserFactory, organiser

from .factories import BEIJING, SHANGHAI, escalated, phishing, png, volunteer

pytestmark = pytest.mark.django_db


# --- Filing -----------------------------------------------------------------------------
def test_filing_masks_personal_information_and_keeps_the_original_encrypted():
    filed = phishing(text="我叫张伟，手机13912345678，身份证110101199003077774，收到钓鱼短信。")
    report = Report.objects.get(pk=filed.report.pk)
    assert "13912345678" not in report.masked_text
    assert "110101199003077774" not in report.masked_text
    assert "13912345678" in report.original_text
    assert filed.masked_types  # the reporter is told what was masked
    assert set(filed.masked_types) == set(report.masked_types)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT original_text FROM tipline_report WHERE id = %s", [report.pk])
        assert "13912345678" not in cursor.fetchone()[0]


def test_a_receipt_finds_its_report_and_only_its_digest_is_stored():
    filed = phishing()
    assert filed.receipt not in Report.objects.get(pk=filed.report.pk).receipt_digest
    found = report_by_receipt(code=filed.receipt.lower().replace("-", " "), address="a")
    assert found.pk == filed.report.pk
    with pytest.raises(NotFound):
        report_by_receipt(code="ABCD-EFGH-JKLM-NPQR", address="a")
    with pytest.raises(ValidationFailed):
        report_by_receipt(code="short", address="a")


@override_settings(TIPLINE_LOOKUPS_PER_HOUR=2)
def test_receipt_lookups_are_limited_per_address():
    for _i in range(2):
        with pytest.raises(NotFound):
            report_by_receipt(code="ABCD-EFGH-JKLM-NPQR", address="9.9.9.9")
    with pytest.raises(LimitReached):
        report_by_receipt(code="ABCD-EFGH-JKLM-NPQR", address="9.9.9.9")


def test_duplicates_in_varied_notations_join_one_cluster_and_raise_its_count():
    for link in [
        "http://icbc-secure.example.net/login",
        "HTTP://ICBC-SECURE.EXAMPLE.NET./login#x",
        "icbc-secure.example.net/%6Cogin",
        "http://user@icbc-secure.example.net:80//login",
    ]:
        phishing(link=link)
    cluster = Cluster.objects.get(kind="url")
    assert cluster.report_count == 4
    assert cluster.value == "http://icbc-secure.example.net/login"
    assert Cluster.objects.get(kind="domain").value == "example.net"


def test_phone_reports_in_varied_notations_join_one_cluster():
    for number in ["138 0013 8000", "+86-138-0013-8000", "0086 13800138000"]:
        file_report(kind="fraud_phone", phone=number, text="冒充客服让我退款")
    assert Cluster.objects.get(kind="phone").report_count == 3
    file_report(kind="fraud_phone", qq="QQ 12345678", wechat="wx: Refund_Help")
    assert Cluster.objects.get(kind="qq").value == "12345678"
    assert Cluster.objects.get(kind="wechat").value == "refund_help"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"kind": "phishing"}, "link"),
        ({"kind": "phishing", "link": "javascript:alert(document.cookie)"}, "link"),
        ({"kind": "phishing", "link": "data:text/html,<script>alert(1)</script>"}, "link"),
        ({"kind": "phishing", "link": "http://x.com/" + "a" * 100_000}, "link"),
        ({"kind": "fraud_phone"}, "phone"),
        ({"kind": "fraud_phone", "phone": "call me"}, "phone"),
        ({"kind": "fraud_phone", "qq": "0123"}, "qq"),
        ({"kind": "fraud_phone", "wechat": "1abc"}, "wechat"),
        ({"kind": "nonsense", "text": "x"}, "kind"),
        ({"kind": "other", "text": "x" * 5001}, "text"),
        ({"kind": "other", "text": "a\x00b"}, "text"),
        ({"kind": "other", "text": "x", "region_code": "999999"}, "region"),
        ({"kind": "data_leak"}, "text"),
    ],
)
def test_bad_input_is_refused_on_its_field_and_writes_nothing(fields, field):
    with pytest.raises(ValidationFailed) as caught:
        file_report(**fields)
    assert caught.value.field == field
    assert not Report.objects.exists()
    assert not Cluster.objects.exists()


def test_credentials_and_homographs_are_explained_to_the_reporter():
    filed = phishing(link="http://www.icbc.com.cn@evil.example.org/")
    assert any("evil.example.org" in note for note in filed.notes)
    filed = phishing(link="http://аpple.com/id")
    assert any("xn--pple-43d.com" in note for note in filed.notes)
    assert Cluster.objects.get(kind="url", value="http://xn--pple-43d.com/id").display == (
        "http://аpple.com/id"
    )


def test_evidence_is_reencoded_without_metadata():
    filed = phishing(images=[png(exif=True), png(fmt="GIF")])
    pictures = list(Evidence.objects.filter(report=filed.report))
    assert len(pictures) == 2
    for picture in pictures:
        content = decode_evidence(picture)
        assert content.startswith(b"\x89PNG")
        assert "张三".encode() not in content
        assert b"Exif" not in content
        assert (picture.width, picture.height) == (40, 30)


def test_not_an_image_and_decompression_bombs_are_refused_and_nothing_is_written():
    with pytest.raises(UnreadableFile):
        phishing(images=[b"%PDF-1.4 not an image"])
    with pytest.raises(FileLimitExceeded):
        phishing(images=[png(width=5000, height=5000, fmt="PNG")])
    with pytest.raises(ValidationFailed):
        phishing(images=[png()] * 6)
    assert not Report.objects.exists()


@override_settings(TIPLINE_REPORTS_PER_HOUR=2, TIPLINE_POW_BITS=4)
def test_admission_needs_a_fresh_solved_challenge_and_respects_the_hourly_limit():
    def solved():
        issued = proof_of_work.new_challenge()
        return issued["challenge"], proof_of_work.solve(issued["challenge"], issued["bits"])

    challenge, nonce = solved()
    admit(address="1.2.3.4", challenge=challenge, nonce=nonce)
    with pytest.raises(ProofRefused, match="already used"):
        admit(address="5.6.7.8", challenge=challenge, nonce=nonce)
    challenge, nonce = solved()
    admit(address="1.2.3.4", challenge=challenge, nonce=nonce)
    challenge, nonce = solved()
    with pytest.raises(LimitReached):
        admit(address="1.2.3.4", challenge=challenge, nonce=nonce)


@override_settings(TIPLINE_POW_BITS=12)
def test_forged_unsolved_and_missing_proofs_are_refused():
    issued = proof_of_work.new_challenge()
    forged = issued["challenge"].replace("v1:12", "v1:0")
    wrong = next(
        str(n)
        for n in range(1000)
        if proof_of_work.leading_zero_bits(
            __import__("hashlib").sha256(f"{issued['challenge']}:{n}".encode()).digest()
        )
        < 12
    )
    for challenge, nonce, reason in [
        (forged, "0", "not one this site issued"),
        (issued["challenge"], wrong, "not valid"),
        (issued["challenge"], "-1", "not valid"),
        ("", "", "JavaScript"),
    ]:
        with pytest.raises(ProofRefused, match=reason):
            proof_of_work.spend(challenge, nonce)


# --- Triage -----------------------------------------------------------------------------
def test_two_volunteers_confirm_and_escalate_and_the_threat_is_published():
    filed = phishing()
    first, second = volunteer(BEIJING), volunteer(BEIJING)
    claim_report(actor=first, report_id=filed.report.pk)
    confirm_report(actor=first, report_id=filed.report.pk, comment="仿冒工商银行")
    assert not Cluster.objects.filter(confirmed_at__isnull=False).exists()
    with pytest.raises(InvalidTransition, match="second volunteer"):
        escalate_report(actor=first, report_id=filed.report.pk)
    report = escalate_report(actor=second, report_id=filed.report.pk)
    assert report.status == Report.Status.ESCALATED
    assert report.closed_at is not None
    assert Cluster.objects.get(kind="url").confirmed_at is not None
    actions = list(TriageStep.objects.filter(report=report).values_list("action", flat=True))
    assert actions == ["filed", "claimed", "confirmed", "escalated"]
    assert AuditEvent.objects.filter(action="tipline.escalated", actor=second).exists()


def test_benign_indicators_are_held_back_when_escalated():
    escalated(link="https://www.alipay.com/")
    assert not Cluster.objects.filter(confirmed_at__isnull=False).exists()
    assert AuditEvent.objects.get(action="tipline.escalated").details["held_back"]


def test_volunteers_act_only_in_their_region_and_refusals_are_recorded():
    filed = phishing()
    outsider = volunteer(SHANGHAI)
    with pytest.raises(PermissionDenied):
        claim_report(actor=outsider, report_id=filed.report.pk)
    assert AuditEvent.objects.filter(
        action="tipline.claim", outcome="denied", actor=outsider
    ).exists()
    with pytest.raises(PermissionDenied):
        claim_report(actor=UserFactory(), report_id=filed.report.pk)


def test_claims_and_decisions_follow_the_states():
    filed = phishing()
    first, second = volunteer(), volunteer()
    claim_report(actor=first, report_id=filed.report.pk)
    with pytest.raises(InvalidTransition):
        claim_report(actor=second, report_id=filed.report.pk)
    with pytest.raises(InvalidTransition):
        confirm_report(actor=second, report_id=filed.report.pk)
    with pytest.raises(InvalidTransition):
        escalate_report(actor=second, report_id=filed.report.pk)
    confirm_report(actor=first, report_id=filed.report.pk)
    with pytest.raises(InvalidTransition):
        reject_report(actor=first, report_id=filed.report.pk)
    rejected = reject_report(actor=second, report_id=filed.report.pk, comment="官网")
    assert rejected.status == Report.Status.REJECTED
    with pytest.raises(NotFound):
        claim_report(actor=first, report_id=999_999)


def test_duplicates_point_at_the_first_report():
    first_report = phishing().report
    second_report = phishing().report
    third_report = phishing().report
    person = volunteer()
    mark_duplicate(actor=person, report_id=second_report.pk, original_id=first_report.pk)
    marked = mark_duplicate(actor=person, report_id=third_report.pk, original_id=second_report.pk)
    assert marked.duplicate_of_id == first_report.pk
    with pytest.raises(ValidationFailed):
        mark_duplicate(actor=person, report_id=first_report.pk, original_id=first_report.pk)
    with pytest.raises(InvalidTransition):
        mark_duplicate(actor=person, report_id=second_report.pk, original_id=first_report.pk)


def test_votes_are_one_per_volunteer_and_replaceable():
    filed = phishing()
    person = volunteer()
    vote(actor=person, report_id=filed.report.pk, choice="is")
    vote(actor=person, report_id=filed.report.pk, choice="dont_know")
    assert list(Vote.objects.values_list("choice", flat=True)) == ["dont_know"]
    with pytest.raises(ValidationFailed):
        vote(actor=person, report_id=filed.report.pk, choice="maybe")


def test_a_confirmed_link_can_be_marked_taken_down_once():
    escalated()
    cluster = Cluster.objects.get(kind="url")
    person = volunteer()
    mark_taken_down(actor=person, cluster_id=cluster.pk)
    cluster.refresh_from_db()
    assert not cluster.online
    with pytest.raises(InvalidTransition):
        mark_taken_down(actor=person, cluster_id=cluster.pk)


# --- Volunteers -------------------------------------------------------------------------
def test_organisers_recruit_volunteers_in_their_own_region_only():
    beijing = organiser("provincial", BEIJING)
    person = UserFactory()
    recruited = recruit_volunteer(actor=beijing, email=person.email, region_code=BEIJING)
    assert recruited.user == person
    assert recruited.recruited_by == beijing
    with pytest.raises(Conflict):
        recruit_volunteer(actor=beijing, email=person.email, region_code=BEIJING)
    with pytest.raises(PermissionDenied):
        recruit_volunteer(actor=beijing, email=person.email, region_code=SHANGHAI)
    with pytest.raises(NotFound):
        recruit_volunteer(actor=beijing, email="nobody@example.org", region_code=BEIJING)
    dismiss_volunteer(actor=beijing, volunteer_id=recruited.pk)
    assert not Volunteer.objects.get(pk=recruited.pk).is_active
    assert not is_volunteer(person)


def test_a_threat_whose_reports_were_purged_is_marked_taken_down_by_a_national_volunteer():
    escalated()
    cluster = Cluster.objects.get(kind="url")
    # Reports go after their retention period; the confirmed threat stays (personal_data).
    Report.objects.all().delete()
    with pytest.raises(PermissionDenied):
        mark_taken_down(actor=volunteer(BEIJING), cluster_id=cluster.pk)
    national = volunteer(Region.objects.get(level=Region.Level.COUNTRY).code)
    mark_taken_down(actor=national, cluster_id=cluster.pk)
    cluster.refresh_from_db()
    assert not cluster.online
    assert AuditEvent.objects.filter(action="tipline.taken_down", actor=national).exists()
