"""Privacy by design: consent, the access log, people's rights over their data, retention.

Other apps call `has_consent` before using data for a purpose, and `log_access` whenever
staff view or export someone's personal information.
"""

import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cyberweek.accounts import delivery
from cyberweek.accounts.identifiers import normalise_email, normalise_mobile
from cyberweek.accounts.queries import user_by_identifier
from cyberweek.core import audit
from cyberweek.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from cyberweek.core.permissions import require_scope
from cyberweek.core.personal_data import Retention
from cyberweek.core.queries import one_or_not_found
from cyberweek.core.screening import screen_text
from cyberweek.core.transactions import service

from . import access_log, registry
from .models import (
    ConsentNotice,
    ConsentRecord,
    DataSubjectRequest,
    DeletionReceipt,
    Purpose,
)
from .signals import consent_given, consent_withdrawn

User = get_user_model()
# PIPL asks for a timely answer; we hold ourselves to 15 days from receipt.
REQUEST_DAYS = 15


# --- Consent -------------------------------------------------------------------------------
def current_notice(purpose: str) -> ConsentNotice | None:
    return ConsentNotice.objects.filter(purpose=purpose).order_by("-version").first()


def has_consent(user, purpose: str) -> bool:
    """True only for a standing consent to the current notice of `purpose`."""
    if not getattr(user, "is_authenticated", False):
        return False
    notice = current_notice(purpose)
    if notice is None:
        return False
    return ConsentRecord.objects.filter(
        user=user, notice=notice, withdrawn_at__isnull=True
    ).exists()


@dataclass
class ConsentStatus:
    purpose: str
    label: str
    notice: ConsentNotice | None
    state: str  # "given" | "renew" (an older version was given) | "withdrawn" | "not_given"
    given_at: datetime | None = None


def consent_overview(user) -> list[ConsentStatus]:
    overview = []
    records = list(ConsentRecord.objects.filter(user=user).select_related("notice"))
    for purpose in Purpose:
        notice = current_notice(purpose)
        mine = [r for r in records if r.notice.purpose == purpose]
        standing = [r for r in mine if r.withdrawn_at is None]
        if notice and any(r.notice_id == notice.pk for r in standing):
            current = next(r for r in standing if r.notice_id == notice.pk)
            overview.append(
                ConsentStatus(purpose, purpose.label, notice, "given", current.given_at)
            )
        elif standing:
            overview.append(ConsentStatus(purpose, purpose.label, notice, "renew"))
        elif mine:
            overview.append(ConsentStatus(purpose, purpose.label, notice, "withdrawn"))
        else:
            overview.append(ConsentStatus(purpose, purpose.label, notice, "not_given"))
    return overview


@service
def publish_notice(*, actor, purpose: str, text: str, text_en: str = "") -> ConsentNotice:
    """A new version of a purpose's notice; earlier consents no longer count for it."""
    require_scope(actor, action="privacy.manage")
    if purpose not in Purpose.values:
        raise ValidationFailed(_("Unknown purpose."), field="purpose")
    if not text.strip():
        raise ValidationFailed(_("Write the notice."), field="text")
    latest = current_notice(purpose)
    notice = ConsentNotice.objects.create(
        purpose=purpose,
        version=(latest.version + 1) if latest else 1,
        text=text.strip(),
        text_en=text_en.strip(),
    )
    audit.record(actor, "privacy.notice_published", notice, purpose=purpose)
    return notice


@service
def give_consent(*, user, purpose: str) -> ConsentRecord:
    """Consent to the current notice of `purpose`; giving it twice changes nothing."""
    notice = current_notice(purpose)
    if notice is None:
        raise NotFound(_("There is nothing to agree to for this purpose yet."))
    existing = ConsentRecord.objects.filter(user=user, notice=notice, withdrawn_at__isnull=True)
    record = existing.first()
    if record is not None:
        return record
    try:
        with transaction.atomic():
            record = ConsentRecord.objects.create(user=user, notice=notice, given_at=timezone.now())
    except IntegrityError:
        # A second click that raced the first: the standing consent already exists.
        return existing.get()
    consent_given.send(sender=ConsentRecord, user=user, purpose=purpose)
    return record


@service
def withdraw_consent(*, user, purpose: str) -> int:
    """Withdraw every standing consent for `purpose`, as easily as it was given."""
    withdrawn = ConsentRecord.objects.filter(
        user=user, notice__purpose=purpose, withdrawn_at__isnull=True
    ).update(withdrawn_at=timezone.now())
    if withdrawn:
        consent_withdrawn.send(sender=ConsentRecord, user=user, purpose=purpose)
    return withdrawn


# --- The access log -------------------------------------------------------------------------
# Kept in access_log.py (keyed chain, checkpoints outside the database); other apps call
# `services.log_access` as before.
log_access = access_log.log_access
verify_access_log = access_log.verify_access_log
ChainCheck = access_log.ChainCheck


# --- People's rights over their data ---------------------------------------------------------
def export_personal_data(user) -> dict:
    """Everything the platform holds about `user`, source by source, for the person."""
    return {
        "generated_at": timezone.now().isoformat(),
        "account": user.pk,
        "sources": [
            {
                "key": source.key,
                "label": str(source.label),
                "origin": str(source.origin),
                "retention": str(Retention.LABELS[source.retention]),
                "records": source.export(user),
            }
            for source in registry.sources()
        ],
    }


@service
def correct_account(*, user, display_name: str, email: str = "", mobile: str = ""):
    """The person corrects what sign-in and display use; one identifier must remain."""
    try:
        email = normalise_email(email) if email.strip() else None
        mobile = normalise_mobile(mobile) if mobile.strip() else None
    except ValidationError as error:
        raise ValidationFailed(error.messages[0]) from error
    if not email and not mobile:
        raise ValidationFailed(_("Keep an email address or a mobile number to sign in with."))
    user = User.objects.select_for_update().get(pk=user.pk)
    if email and User.objects.by_email(email).exclude(pk=user.pk).exists():
        raise Conflict(_("An account with this email address already exists."), field="email")
    if mobile and User.objects.by_mobile(mobile).exclude(pk=user.pk).exists():
        raise Conflict(_("An account with this mobile number already exists."), field="mobile")
    user.display_name, user.email, user.mobile = display_name.strip()[:60], email, mobile
    user.save(update_fields=["display_name", "email", "email_index", "mobile", "mobile_index"])
    return user


def _erase_everywhere(user) -> int:
    # The account itself goes last: other sources may still need to find the person's rows.
    ordered = sorted(registry.sources(), key=lambda s: s.key == "accounts.account")
    return sum(source.erase(user) for source in ordered)


@service
def delete_account(*, user, password: str) -> DeletionReceipt:
    """The person deletes their own account, confirming with their password."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.erased_at is not None:
        raise Conflict(_("This account has already been deleted."))
    if not user.check_password(password):
        raise PermissionDenied(_("The password is not right."))
    return _delete(user)


@service
def delete_account_for_request(*, actor, request_id: int) -> DataSubjectRequest:
    """Staff carry out a verified deletion request for someone who cannot sign in."""
    require_scope(actor, action="privacy.handle_requests")
    request = one_or_not_found(DataSubjectRequest.objects.select_for_update(), pk=request_id)
    if request.status not in DataSubjectRequest.OPEN:
        raise ValidationFailed(_("This request is already closed."))
    if request.kind != DataSubjectRequest.Kind.DELETE or request.subject_id is None:
        raise ValidationFailed(_("Only a deletion request with an account can be carried out."))
    subject = User.objects.select_for_update().get(pk=request.subject_id)
    if subject.erased_at is None:
        receipt = _delete(subject)
        request.resolution = _("Deleted; receipt %s.") % receipt.reference
    # The erasure above rewrote this request's row (and others about the subject) in the
    # database; saving every field of the copy loaded before it would write the subject,
    # the contact and the details back. Only the fields set here are saved, and the ones
    # that said who the request was about are emptied: it is done, and kept as evidence.
    request.subject = None
    request.requester_contact = ""
    request.details = ""
    request.status = DataSubjectRequest.Status.COMPLETED
    request.closed_at = timezone.now()
    request.handled_by = actor
    request.save(
        update_fields=[
            "subject",
            "requester_contact",
            "details",
            "resolution",
            "status",
            "closed_at",
            "handled_by",
            "updated_at",
        ]
    )
    audit.record(actor, "privacy.request_deletion_done", request)
    return request


def _delete(user) -> DeletionReceipt:
    email, mobile = user.email, user.mobile
    erased = _erase_everywhere(user)
    receipt = DeletionReceipt.objects.create(
        reference=secrets.token_hex(6).upper(), deleted_at=timezone.now(), records_erased=erased
    )
    # The last message to the address just erased: it travels encrypted in the outbox and
    # is blanked once sent, tied to no account.
    delivery.send_to(
        email=email,
        mobile=mobile,
        subject=_("Your cyberweek account has been deleted"),
        body=_("Your account and the personal information it held have been deleted. Reference: %s")
        % receipt.reference,
    )
    return receipt


@service
def open_request(
    *, actor, kind: str, requester_contact: str, details: str = "", subject_identifier: str = ""
) -> DataSubjectRequest:
    """Staff log a request received by letter, phone or e-mail, with its deadline."""
    require_scope(actor, action="privacy.handle_requests")
    if kind not in DataSubjectRequest.Kind.values:
        raise ValidationFailed(_("Unknown kind of request."), field="kind")
    if not requester_contact.strip():
        raise ValidationFailed(_("Say how to reach the requester."), field="requester_contact")
    subject = None
    if subject_identifier.strip():
        subject = user_by_identifier(subject_identifier.strip())
        if subject is None:
            raise NotFound(_("No account uses that address or number."), field="subject_identifier")
    received = timezone.now()
    request = DataSubjectRequest.objects.create(
        kind=kind,
        requester_contact=requester_contact.strip(),
        # Staff notes about a person outlive what they describe in the audit of the request:
        # they are kept with personal information masked; the contact has its own field.
        details=screen_text(details.strip()).public_text,
        subject=subject,
        received_at=received,
        due_at=received + timedelta(days=REQUEST_DAYS),
    )
    audit.record(actor, "privacy.request_opened", request, kind=kind)
    return request


@service
def update_request(*, actor, request_id: int, status: str, resolution: str = ""):
    require_scope(actor, action="privacy.handle_requests")
    request = one_or_not_found(DataSubjectRequest.objects.select_for_update(), pk=request_id)
    if status not in DataSubjectRequest.Status.values:
        raise ValidationFailed(_("Unknown status."), field="status")
    if request.status not in DataSubjectRequest.OPEN:
        raise ValidationFailed(_("This request is already closed."))
    request.status = status
    request.handled_by = actor
    if resolution.strip():
        request.resolution = screen_text(resolution.strip()).public_text
    if status not in DataSubjectRequest.OPEN:
        request.closed_at = timezone.now()
    request.save()
    audit.record(actor, "privacy.request_updated", request, status=status)
    return request


# --- Retention ---------------------------------------------------------------------------------
@dataclass
class PurgeReport:
    dry_run: bool
    today: date
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def purge_expired(*, today: date | None = None, dry_run: bool = True) -> PurgeReport:
    """Delete or anonymise what each source says is past its retention period."""
    today = today or timezone.localdate()
    report = PurgeReport(dry_run, today)
    for source in registry.sources():
        with transaction.atomic():
            report.counts[source.key] = source.purge_due(today=today, dry_run=dry_run)
    return report
