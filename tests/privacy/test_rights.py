import pytest

from cyberweek.accounts.models import OrganiserRole, User
from cyberweek.core.errors import Conflict, PermissionDenied, ValidationFailed
from cyberweek.core.models import AuditEvent
from cyberweek.privacy import services
from cyberweek.privacy.models import DataSubjectRequest, DeletionReceipt, Purpose
from tests.accounts.factories import PASSWORD, UserFactory, organiser

pytestmark = pytest.mark.django_db
L = OrganiserRole.Level


def test_the_export_lists_every_source_with_origin_and_retention():
    user = UserFactory(email="li@example.org", display_name="李华")
    data = services.export_personal_data(user)
    keys = [s["key"] for s in data["sources"]]
    assert "accounts.account" in keys
    assert "privacy.consent" in keys
    account = next(s for s in data["sources"] if s["key"] == "accounts.account")
    assert account["records"][0]["email address"] == "li@example.org"
    assert account["retention"] == "Until you delete your account"
    assert account["origin"]


def test_a_person_corrects_their_details():
    user = UserFactory(email="old@example.org")
    services.correct_account(
        user=user, display_name="新名字", email="New@Example.org", mobile="13912345678"
    )
    fresh = User.objects.get(pk=user.pk)
    assert (fresh.display_name, fresh.email, fresh.mobile) == (
        "新名字",
        "new@example.org",
        "+8613912345678",
    )
    assert User.objects.by_mobile("139 1234 5678").get() == user


def test_a_correction_cannot_take_someone_elses_address_or_leave_no_identifier():
    UserFactory(email="taken@example.org")
    user = UserFactory(email="mine@example.org")
    with pytest.raises(Conflict):
        services.correct_account(user=user, display_name="", email="taken@example.org")
    with pytest.raises(ValidationFailed, match="Keep an email address or a mobile number"):
        services.correct_account(user=user, display_name="", email="", mobile="")
    with pytest.raises(ValidationFailed):
        services.correct_account(user=user, display_name="", email="not an address")
    assert User.objects.get(pk=user.pk).email == "mine@example.org"


def test_deleting_an_account_needs_the_password_and_is_idempotent():
    user = UserFactory(email="gone@example.org", display_name="李华")
    with pytest.raises(PermissionDenied):
        services.delete_account(user=user, password="wrong")
    receipt = services.delete_account(user=user, password=PASSWORD)
    assert DeletionReceipt.objects.get() == receipt
    erased = User.objects.get(pk=user.pk)
    assert (erased.email, erased.mobile, erased.display_name) == (None, None, "")
    assert erased.erased_at
    assert not erased.is_active
    assert not erased.has_usable_password()
    assert not User.objects.by_email("gone@example.org").exists()
    with pytest.raises(Conflict):
        services.delete_account(user=erased, password=PASSWORD)


def test_deleting_an_organiser_removes_roles_and_anonymises_their_audit_trail(region):
    person = organiser(L.PROVINCIAL, "120000")
    AuditEvent.objects.create(actor=person, action="x", outcome="done")
    services.delete_account(user=person, password=PASSWORD)
    assert not OrganiserRole.objects.filter(user=person).exists()
    assert AuditEvent.objects.filter(action="x", actor__isnull=True).count() == 1


def test_staff_log_a_request_with_a_deadline_and_carry_out_a_deletion():
    staff = organiser(L.NATIONAL)
    subject = UserFactory(email="cannot-sign-in@example.org")
    request = services.open_request(
        actor=staff,
        kind="delete",
        requester_contact="来信：天津市和平区",
        subject_identifier="cannot-sign-in@example.org",
    )
    assert (request.due_at - request.received_at).days == 15
    assert request.subject == subject
    services.delete_account_for_request(actor=staff, request_id=request.pk)
    request.refresh_from_db()
    assert request.status == "completed"
    assert "receipt" in request.resolution
    assert User.objects.get(pk=subject.pk).erased_at is not None
    with pytest.raises(ValidationFailed, match="already closed"):
        services.delete_account_for_request(actor=staff, request_id=request.pk)


def test_requests_refuse_bad_input_and_outsiders(region):
    staff = organiser(L.NATIONAL)
    with pytest.raises(ValidationFailed):
        services.open_request(actor=staff, kind="teleport", requester_contact="x")
    with pytest.raises(ValidationFailed):
        services.open_request(actor=staff, kind="access", requester_contact="  ")
    with pytest.raises(Exception, match="No account uses"):
        services.open_request(
            actor=staff,
            kind="access",
            requester_contact="x",
            subject_identifier="nobody@example.org",
        )
    with pytest.raises(PermissionDenied):
        services.open_request(
            actor=organiser(L.COUNTY, "120101"), kind="access", requester_contact="x"
        )
    assert not DataSubjectRequest.objects.exists()


def test_updating_a_request_closes_it_once():
    staff = organiser(L.NATIONAL)
    request = services.open_request(actor=staff, kind="access", requester_contact="电话")
    services.update_request(
        actor=staff, request_id=request.pk, status="completed", resolution="已寄出副本"
    )
    with pytest.raises(ValidationFailed, match="already closed"):
        services.update_request(actor=staff, request_id=request.pk, status="in_progress")


def test_deleting_removes_consents():
    staff = organiser(L.NATIONAL)
    services.publish_notice(actor=staff, purpose=Purpose.NEWSLETTER, text="订阅")
    user = UserFactory()
    services.give_consent(user=user, purpose=Purpose.NEWSLETTER)
    services.delete_account(user=user, password=PASSWORD)
    assert not user.consents.exists()


def test_deleting_an_account_keeps_someone_elses_open_request_but_not_the_persons_identifiers():
    """A parent asked about their child's account and is waiting for an answer: the child's
    deletion removes the child's identifiers from it, not the parent's contact."""
    staff = organiser(L.NATIONAL)
    child = UserFactory(email="xiaoming@example.org", mobile="13911112222", display_name="李小明")
    from_parent = services.open_request(
        actor=staff,
        kind="access",
        requester_contact="李先生 13800001234",
        details="李小明 (xiaoming@example.org, 139-1111-2222) is my son",
        subject_identifier="xiaoming@example.org",
    )
    closed = services.open_request(
        actor=staff, kind="export", requester_contact="xiaoming@example.org", details="李小明"
    )
    DataSubjectRequest.objects.filter(pk=closed.pk).update(subject=child)
    services.update_request(actor=staff, request_id=closed.pk, status="completed")

    services.delete_account(user=child, password=PASSWORD)

    from_parent.refresh_from_db()
    assert from_parent.status == "received"
    assert from_parent.requester_contact == "李先生 13800001234"
    # Screened when it was written, and the person's identifiers gone after the deletion.
    assert from_parent.details.endswith("is my son")
    for identifier in ("李小明", "xiaoming@example.org", "139-1111-2222", "13911112222"):
        assert identifier not in from_parent.details
    closed.refresh_from_db()
    assert (closed.subject, closed.requester_contact, closed.details) == (None, "", "")


NOTE = "联系人：王芳，手机 13987654321，来信要求更正"


def test_staff_notes_on_a_request_are_kept_with_personal_information_masked():
    """The review found staff typing the person's name and number into free text that
    outlived the account; the contact has its own encrypted field, erased with the account."""
    staff = organiser(L.NATIONAL)
    request = services.open_request(
        actor=staff, kind="correct", requester_contact="13987654321", details=NOTE
    )
    services.update_request(actor=staff, request_id=request.pk, status="completed", resolution=NOTE)
    stored = DataSubjectRequest.objects.get(pk=request.pk)
    for text in (stored.details, stored.resolution):
        assert "王芳" not in text
        assert "13987654321" not in text
        assert "来信要求更正" in text
    assert stored.requester_contact == "13987654321"
