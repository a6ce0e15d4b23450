"""Every state change of the tip line: filing a report, triaging it, recruiting volunteers.

Filing needs no account. What a reporter writes passes the `pii` engine before it is
stored where a volunteer can read it; the original is kept encrypted and is shown only
through the access-logged reveal. Each report joins the clusters of the observables it
names (the exact link, its host and path, its registrable domain; a phone number, a QQ
number, a WeChat ID) and raises their counts.

Triage: a volunteer claims a report, then confirms, rejects or marks it a duplicate. A
confirmed report is published and exported only when a second volunteer confirms it
again, which escalates it (the two-person rule). Every step is a `TriageStep` and an
audit record.
"""

import base64
import json
import secrets
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cyberweek.accounts.queries import account_to_appoint
from cyberweek.core import audit, rate_limits
from cyberweek.core.bounded_files import FileLimits, check_size, reencoded_image
from cyberweek.core.crypto import key_ring
from cyberweek.core.errors import (
    Conflict,
    InvalidTransition,
    LimitReached,
    NotFound,
    ValidationFailed,
)
from cyberweek.core.permissions import ScopeDenied, require_scope
from cyberweek.core.screening import Screening, screen_text
from cyberweek.core.transactions import service
from cyberweek.geo.models import Region

from . import actions, proof_of_work
from .models import Cluster, Evidence, Report, ReportObservable, TriageStep, Volunteer, Vote
from .normalise import (
    NotNormalisable,
    canonical_phone,
    canonical_qq,
    canonical_url,
    canonical_wechat,
)
from .warninglists import is_benign

MAX_TEXT_CHARS = 5000
MAX_IMAGES = 5
MAX_IMAGE_BYTES = 5 * 1024 * 1024
# The largest report body a page or the API accepts: five screenshots and the fields.
MAX_REPORT_BODY = MAX_IMAGES * MAX_IMAGE_BYTES + 256 * 1024
RECEIPT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud, typed back
RECEIPT_GROUPS = 4


# --- Receipts ---------------------------------------------------------------------------
def _new_receipt() -> str:
    # 16 characters of 32: 80 bits, beyond guessing at any rate limit.
    chars = "".join(secrets.choice(RECEIPT_ALPHABET) for _i in range(4 * RECEIPT_GROUPS))
    return "-".join(chars[i : i + 4] for i in range(0, len(chars), 4))


def normalise_receipt(code: str) -> str:
    return "".join(c for c in (code or "").upper() if c.isalnum())


def receipt_digest(code: str) -> str:
    """Only a keyed digest of the receipt is stored: a database dump does not let anyone
    follow a report."""
    return key_ring().blind_index(normalise_receipt(code), purpose="tipline.receipt")


# --- Observables ------------------------------------------------------------------------
@dataclass(frozen=True)
class Observed:
    kind: str
    value: str
    display: str


@dataclass
class Observables:
    items: list[Observed] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what the reporter is told about them


_REQUIRED = {
    Report.Kind.PHISHING: ("link",),
    Report.Kind.FRAUD_PHONE: ("phone", "qq", "wechat"),
}


def observables_of(*, kind: str, link="", phone="", qq="", wechat="") -> Observables:
    """The canonical observables a report names; raises `ValidationFailed` on the field
    that cannot be read, with the reason."""
    found = Observables()
    link, phone, qq, wechat = (v.strip() if v else "" for v in (link, phone, qq, wechat))
    required = _REQUIRED.get(kind, ())
    if required and not any(
        {"link": link, "phone": phone, "qq": qq, "wechat": wechat}[f] for f in required
    ):
        message = (
            _("Give the link you were sent.")
            if required == ("link",)
            else _("Give the phone number, QQ number or WeChat ID that contacted you.")
        )
        raise ValidationFailed(message, field=required[0])
    if link:
        try:
            url = canonical_url(link)
        except NotNormalisable as error:
            raise ValidationFailed(_url_refusal(error.code), field="link") from error
        display = url.url.replace(url.host, url.unicode_host, 1) if url.is_idn else url.url
        found.items += [
            Observed(Cluster.Kind.URL, url.url, display),
            Observed(Cluster.Kind.HOST_PATH, url.host_path, url.host_path),
            Observed(Cluster.Kind.DOMAIN, url.domain, url.domain),
        ]
        if url.had_credentials:
            found.notes.append(
                _("The link hid its real address after an “@”: it leads to %(host)s.")
                % {"host": url.unicode_host}
            )
        if url.is_idn:
            found.notes.append(
                _(
                    "The link's address uses non-Latin letters (%(unicode)s, really "
                    "%(ascii)s), a common disguise."
                )
                % {"unicode": url.unicode_host, "ascii": url.host}
            )
    for name, value, reader, cluster_kind in (
        ("phone", phone, canonical_phone, Cluster.Kind.PHONE),
        ("qq", qq, canonical_qq, Cluster.Kind.QQ),
        ("wechat", wechat, canonical_wechat, Cluster.Kind.WECHAT),
    ):
        if not value:
            continue
        try:
            canonical = reader(value)
        except NotNormalisable as error:
            raise ValidationFailed(str(_FIELD_REFUSALS[name]), field=name) from error
        found.items.append(Observed(cluster_kind, canonical, canonical))
    return found


_FIELD_REFUSALS = {
    "phone": gettext_lazy(
        "This is not a phone number we can read. Write it as you saw it, e.g. "
        "138 0013 8000 or +86 10 6552 9988."
    ),
    "qq": gettext_lazy("A QQ number is 5 to 11 digits and does not start with 0."),
    "wechat": gettext_lazy(
        "A WeChat ID is 6 to 20 letters, digits, _ or -, and starts with a letter."
    ),
}


def _url_refusal(code: str) -> str:
    return {
        "scheme": _(
            "Only web links (http:// or https://) can be reported; data: and javascript: "
            "links are refused and never opened."
        ),
        "too-long": _(
            "The link is longer than 2,048 characters; report the start of it in the description."
        ),
        "empty": _("Give the link you were sent."),
        "no-host": _("The link has no web address."),
        "bad-host": _("The link's address is not a valid domain name or IP address."),
        "bad-port": _("The link's port is not a number from 1 to 65535."),
    }.get(code, _("This link cannot be read."))


def _join_clusters(report: Report, observed: list[Observed], now) -> list[Cluster]:
    clusters = []
    for item in observed:
        cluster, created = Cluster.objects.get_or_create(
            key=Cluster.key_for(item.kind, item.value),
            defaults={
                "kind": item.kind,
                "value": item.value,
                "display": item.display,
                "report_count": 1,
                "first_seen": now,
                "last_seen": now,
            },
        )
        if not created:
            # F() so that two reports at once both count.
            Cluster.objects.filter(pk=cluster.pk).update(
                report_count=F("report_count") + 1, last_seen=now
            )
        ReportObservable.objects.create(report=report, cluster=cluster)
        clusters.append(cluster)
    return clusters


# --- Filing -----------------------------------------------------------------------------
@dataclass(frozen=True)
class FiledReport:
    report: Report
    receipt: str  # shown once to the reporter; only its digest is stored
    masked_text: str
    masked_types: tuple[str, ...]
    notes: tuple[str, ...]


def admit(*, address: str, challenge: str, nonce: str) -> None:
    """The anti-abuse gate in front of filing: the address's hourly limit, then a solved
    proof-of-work challenge (spent, so it files one report)."""
    verdict = rate_limits.hit(
        "tipline.report", address, limit=settings.TIPLINE_REPORTS_PER_HOUR, window=3600
    )
    if not verdict.allowed:
        raise LimitReached(
            _("Too many reports from your connection. Try again in %(minutes)s minutes.")
            % {"minutes": max(1, verdict.retry_after // 60)}
        )
    proof_of_work.spend(challenge, nonce)


def region_and_province(region_code: str) -> tuple[Region, str]:
    """The region a report is filed in (the country when none is given) and its province's
    code; `ValidationFailed` for a code that is not an active region."""
    region = None
    if region_code:
        region = Region.objects.filter(code=region_code, is_active=True).first()
        if region is None:
            raise ValidationFailed(_("Choose a region from the list."), field="region")
    if region is None:
        region = Region.objects.get(level=Region.Level.COUNTRY)
    codes = [c for c in region.path.split("/") if c]
    return region, (codes[0] if codes else region.code)


def evidence_of(uploads) -> list[bytes]:
    """The bytes of uploaded screenshots, for `file_report`: at most `MAX_IMAGES`, each
    refused past `MAX_IMAGE_BYTES` before it is read, and never read beyond that. The
    report page and the API both read uploads here."""
    uploads = [upload for upload in (uploads or []) if upload]
    if len(uploads) > MAX_IMAGES:
        raise ValidationFailed(
            _("Attach at most %(n)s screenshots.") % {"n": MAX_IMAGES}, field="evidence"
        )
    limits = FileLimits.from_settings(file_bytes=MAX_IMAGE_BYTES)
    contents = []
    for upload in uploads:
        check_size(upload.size, limits)
        contents.append(upload.read(limits.file_bytes + 1))
    return contents


def _images(images) -> list:
    images = list(images or [])
    if len(images) > MAX_IMAGES:
        raise ValidationFailed(
            _("Attach at most %(n)s screenshots.") % {"n": MAX_IMAGES}, field="evidence"
        )
    limits = FileLimits.from_settings(file_bytes=MAX_IMAGE_BYTES)
    return [reencoded_image(content, limits) for content in images]


def prepared_report(
    *,
    kind: str,
    region: Region,
    province: str,
    link: str = "",
    phone: str = "",
    qq: str = "",
    wechat: str = "",
    text: str = "",
) -> tuple[Report, Observables, Screening]:
    """A report read, checked and masked, not yet saved, with the observables it names.
    `file_report` saves it; the benchmark seeds a million of them with `bulk_create`
    through this same function. Raises `ValidationFailed` naming the field."""
    if kind not in Report.Kind.values:
        raise ValidationFailed(_("Choose what kind of threat you are reporting."), field="kind")
    text = (text or "").strip()
    if len(text) > MAX_TEXT_CHARS:
        raise ValidationFailed(
            _("Describe it in at most %(n)s characters.") % {"n": MAX_TEXT_CHARS}, field="text"
        )
    if "\x00" in text:
        raise ValidationFailed(_("The description holds a NUL character."), field="text")
    observed = observables_of(kind=kind, link=link, phone=phone, qq=qq, wechat=wechat)
    if kind != Report.Kind.OTHER and not observed.items and not text:
        raise ValidationFailed(_("Describe what happened."), field="text")
    screening = screen_text(text)
    report = Report(
        kind=kind,
        region=region,
        province_code=province,
        reported_value=json.dumps(
            {
                k: v
                for k, v in {"link": link, "phone": phone, "qq": qq, "wechat": wechat}.items()
                if v
            },
            ensure_ascii=False,
        ),
        original_text=text,
        masked_text=screening.public_text,
        masked_types=list(screening.found_types),
    )
    return report, observed, screening


@service
def file_report(
    *,
    kind: str,
    region_code: str = "",
    link: str = "",
    phone: str = "",
    qq: str = "",
    wechat: str = "",
    text: str = "",
    images=(),
) -> FiledReport:
    """File an anonymous report. Callers admit the request first (`admit`). Everything is
    read and checked before anything is written, so a refusal writes nothing."""
    region, province = region_and_province(region_code)
    report, observed, screening = prepared_report(
        kind=kind,
        region=region,
        province=province,
        link=link,
        phone=phone,
        qq=qq,
        wechat=wechat,
        text=text,
    )
    pictures = _images(images)
    receipt = _new_receipt()
    report.receipt_digest = receipt_digest(receipt)
    report.save(force_insert=True)
    for picture in pictures:
        Evidence.objects.create(
            report=report,
            content=base64.b64encode(picture.content).decode("ascii"),
            content_type=picture.content_type,
            width=picture.width,
            height=picture.height,
            size=len(picture.content),
        )
    _join_clusters(report, observed.items, timezone.now())
    TriageStep.objects.create(report=report, action=TriageStep.Action.FILED)
    audit.record(None, "tipline.report_filed", report, region=region, kind=kind)
    return FiledReport(
        report=report,
        receipt=receipt,
        masked_text=screening.public_text,
        masked_types=screening.found_types,
        notes=tuple(observed.notes),
    )


def _by_receipt(code: str, address: str, reports=Report.objects) -> Report:
    verdict = rate_limits.hit(
        "tipline.receipt", address, limit=settings.TIPLINE_LOOKUPS_PER_HOUR, window=3600
    )
    if not verdict.allowed:
        raise LimitReached(_("Too many look-ups from your connection. Try again later."))
    normalised = normalise_receipt(code)
    if len(normalised) != 4 * RECEIPT_GROUPS:
        raise ValidationFailed(
            _("A receipt code has 16 letters and digits, e.g. ABCD-EFGH-JKLM-NPQR."),
            field="code",
        )
    report = reports.filter(receipt_digest=receipt_digest(normalised)).first()
    if report is None:
        raise NotFound(_("No report has this receipt code."), field="code")
    return report


def report_by_receipt(*, code: str, address: str) -> Report:
    """The report a receipt names, for its reporter (no account). Limited per address."""
    return _by_receipt(code, address)


@service
def withdraw_report(*, code: str, address: str) -> Report:
    """The reporter takes a report back with its receipt, while volunteers are still
    deciding (received, being checked, or confirmed and waiting for a second volunteer);
    a decided report stays as decided. What the reporter sent (the description, masked and
    as written, the link or number as written, the screenshots) is erased at once; the
    report's kind, region and dates stay, so the receipt still answers "withdrawn". Each
    cluster it joined counts one report fewer, and a cluster no one else reported and no
    one confirmed is deleted with its canonical link. Limited per address, as look-ups."""
    report = _by_receipt(code, address, Report.objects.select_for_update())
    if not report.is_open:
        raise InvalidTransition(
            _("This report is already decided (%(status)s) and can no longer be withdrawn.")
            % {"status": report.get_status_display()},
            field="code",
        )
    clusters = list(Cluster.objects.select_for_update().filter(links__report=report))
    ReportObservable.objects.filter(report=report).delete()
    for cluster in clusters:
        Cluster.objects.filter(pk=cluster.pk).update(report_count=F("report_count") - 1)
    Cluster.objects.filter(
        pk__in=[c.pk for c in clusters], report_count__lte=0, confirmed_at__isnull=True
    ).delete()
    report.evidence.all().delete()
    _close(
        report,
        Report.Status.WITHDRAWN,
        original_text="",
        reported_value="",
        masked_text="",
        masked_types=[],
    )
    TriageStep.objects.create(report=report, action=TriageStep.Action.WITHDRAWN)
    audit.record(
        None, "tipline.report_withdrawn", report, region=report.region, clusters=len(clusters)
    )
    return report


# --- Volunteers -------------------------------------------------------------------------
def volunteer_scopes(actor) -> list[Volunteer]:
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return []
    return list(Volunteer.objects.filter(user=actor, is_active=True).select_related("region"))


def is_volunteer(actor) -> bool:
    return bool(volunteer_scopes(actor))


def require_volunteer(actor, *, region: Region, action: str) -> None:
    """Raise `PermissionDenied` (recorded) unless `actor` volunteers for `region` or above."""
    if any(region.path.startswith(v.region.path) for v in volunteer_scopes(actor)):
        return
    # A ScopeDenied, so that `@service` writes the refusal again after the rollback.
    error = ScopeDenied(
        _("You do not volunteer for the tip line in this region."),
        actor=actor,
        action=action,
        region=region,
        sector=None,
    )
    error.record()
    raise error


@service
def recruit_volunteer(*, actor, email: str, region_code: str) -> Volunteer:
    """An organiser (national, provincial, prefectural) makes an existing account a
    volunteer for a region inside their own."""
    region = Region.objects.filter(code=region_code, is_active=True).first()
    if region is None:
        raise ValidationFailed(_("Choose a region from the list."), field="region")
    require_scope(actor, action=actions.RECRUIT, region=region)
    user = account_to_appoint(email)
    volunteer, created = Volunteer.objects.get_or_create(
        user=user, region=region, defaults={"recruited_by": actor}
    )
    if not created:
        if volunteer.is_active:
            raise Conflict(_("This person already volunteers in this region."), field="email")
        volunteer.is_active = True
        volunteer.recruited_by = actor
        volunteer.save(update_fields=["is_active", "recruited_by", "updated_at"])
    audit.record(actor, "tipline.volunteer_recruited", volunteer, region=region)
    return volunteer


@service
def dismiss_volunteer(*, actor, volunteer_id: int) -> Volunteer:
    volunteer = Volunteer.objects.select_for_update().filter(pk=volunteer_id).first()
    if volunteer is None:
        raise NotFound(_("No such volunteer."))
    require_scope(actor, action=actions.RECRUIT, region=volunteer.region)
    volunteer.is_active = False
    volunteer.save(update_fields=["is_active", "updated_at"])
    audit.record(actor, "tipline.volunteer_dismissed", volunteer, region=volunteer.region)
    return volunteer


# --- Triage -----------------------------------------------------------------------------
def _locked_report(report_id: int) -> Report:
    report = (
        Report.objects.select_for_update().select_related("region").filter(pk=report_id).first()
    )
    if report is None:
        raise NotFound(_("No such report."))
    return report


def _step(report, actor, action, comment="", **details) -> None:
    comment = screen_text((comment or "").strip()[:1000]).public_text
    TriageStep.objects.create(report=report, actor=actor, action=action, comment=comment)
    audit.record(actor, f"tipline.{action}", report, region=report.region, **details)


def _close(report: Report, status: str, **fields) -> None:
    report.status = status
    report.closed_at = timezone.now()
    for name, value in fields.items():
        setattr(report, name, value)
    report.save(update_fields=["status", "closed_at", "updated_at", *fields])


@service
def claim_report(*, actor, report_id: int) -> Report:
    """A volunteer takes a new report, so two do not check the same one."""
    report = _locked_report(report_id)
    require_volunteer(actor, region=report.region, action="tipline.claim")
    if report.status != Report.Status.NEW:
        if report.status == Report.Status.CLAIMED and report.claimed_by_id == actor.pk:
            return report
        raise InvalidTransition(_("Only a new report can be claimed; someone took this one."))
    report.status = Report.Status.CLAIMED
    report.claimed_by = actor
    report.save(update_fields=["status", "claimed_by", "updated_at"])
    _step(report, actor, TriageStep.Action.CLAIMED)
    return report


def _require_claimant(report, actor) -> None:
    if report.status != Report.Status.CLAIMED:
        raise InvalidTransition(_("Claim the report first."))
    if report.claimed_by_id != actor.pk:
        raise InvalidTransition(_("Another volunteer claimed this report."))


@service
def confirm_report(*, actor, report_id: int, comment: str = "") -> Report:
    """The claimant finds it is a threat. It waits for a second volunteer (`escalate_report`)
    before it is published or exported."""
    report = _locked_report(report_id)
    require_volunteer(actor, region=report.region, action="tipline.confirm")
    _require_claimant(report, actor)
    report.status = Report.Status.CONFIRMED
    report.confirmed_by = actor
    report.save(update_fields=["status", "confirmed_by", "updated_at"])
    _step(report, actor, TriageStep.Action.CONFIRMED, comment)
    return report


@service
def escalate_report(*, actor, report_id: int, comment: str = "") -> Report:
    """A second volunteer confirms a confirmed report: it is published (look-up, warning
    pages, statistics) and passed on in the exports. Observables on a warning list
    (official sites and hotlines) are never marked as threats."""
    report = _locked_report(report_id)
    require_volunteer(actor, region=report.region, action="tipline.escalate")
    if report.status != Report.Status.CONFIRMED:
        raise InvalidTransition(_("Only a confirmed report can be escalated."))
    if report.confirmed_by_id == actor.pk:
        raise InvalidTransition(
            _("A second volunteer must confirm this report: you confirmed it already.")
        )
    _close(report, Report.Status.ESCALATED, escalated_by=actor)
    now = timezone.now()
    held_back = []
    for cluster in Cluster.objects.select_for_update().filter(links__report=report):
        if is_benign(cluster.kind, cluster.value):
            held_back.append(cluster.kind)
            continue
        if cluster.confirmed_at is None:
            cluster.confirmed_at = now
            cluster.save(update_fields=["confirmed_at"])
    _step(report, actor, TriageStep.Action.ESCALATED, comment, held_back=held_back)
    return report


@service
def reject_report(*, actor, report_id: int, comment: str = "") -> Report:
    """Not a threat: by the claimant, or by a second volunteer who disagrees with a
    confirmation."""
    report = _locked_report(report_id)
    require_volunteer(actor, region=report.region, action="tipline.reject")
    if report.status == Report.Status.CONFIRMED:
        if report.confirmed_by_id == actor.pk:
            raise InvalidTransition(_("A second volunteer decides on a confirmed report."))
    else:
        _require_claimant(report, actor)
    _close(report, Report.Status.REJECTED)
    _step(report, actor, TriageStep.Action.REJECTED, comment)
    return report


@service
def mark_duplicate(*, actor, report_id: int, original_id: int) -> Report:
    """The same threat, already reported: the report closes and points at the original
    (followed to the first report, so duplicates never chain)."""
    report = _locked_report(report_id)
    require_volunteer(actor, region=report.region, action="tipline.duplicate")
    if report.status not in (Report.Status.NEW, Report.Status.CLAIMED):
        raise InvalidTransition(_("Only a new or claimed report can be marked as a duplicate."))
    if report.status == Report.Status.CLAIMED and report.claimed_by_id != actor.pk:
        raise InvalidTransition(_("Another volunteer claimed this report."))
    original = Report.objects.filter(pk=original_id).first()
    if original is None:
        raise NotFound(_("No report has this number."), field="original")
    if original.duplicate_of_id:
        original = Report.objects.get(pk=original.duplicate_of_id)
    if original.pk == report.pk:
        raise ValidationFailed(_("A report cannot duplicate itself."), field="original")
    _close(report, Report.Status.DUPLICATE, duplicate_of=original)
    _step(report, actor, TriageStep.Action.DUPLICATE, original=original.pk)
    return report


@service
def vote(*, actor, report_id: int, choice: str) -> Vote:
    """A volunteer's vote on an open report; a second vote replaces the first."""
    report = _locked_report(report_id)
    require_volunteer(actor, region=report.region, action="tipline.vote")
    if choice not in Vote.Choice.values:
        raise ValidationFailed(_("Vote is, is not, or don't know."), field="choice")
    if not report.is_open:
        raise InvalidTransition(_("This report is closed."))
    cast, _created = Vote.objects.update_or_create(
        report=report, volunteer=actor, defaults={"choice": choice}
    )
    audit.record(actor, "tipline.voted", report, region=report.region, choice=choice)
    return cast


@service
def mark_taken_down(*, actor, cluster_id: int) -> Cluster:
    """A confirmed link is offline (the host or registrar took it down): the feed says so."""
    cluster = Cluster.objects.select_for_update().filter(pk=cluster_id).first()
    if cluster is None or cluster.confirmed_at is None:
        raise NotFound(_("No confirmed threat has this number."))
    report = (
        Report.objects.filter(observables__cluster=cluster, status=Report.Status.ESCALATED)
        .select_related("region")
        .first()
    )
    require_volunteer(actor, region=report.region, action="tipline.taken_down")
    if cluster.taken_down_at is not None:
        raise InvalidTransition(_("This threat is already marked as taken down."))
    cluster.taken_down_at = timezone.now()
    cluster.save(update_fields=["taken_down_at"])
    TriageStep.objects.create(report=report, actor=actor, action=TriageStep.Action.TAKEN_DOWN)
    audit.record(actor, "tipline.taken_down", cluster, region=report.region)
    return cluster


def decode_evidence(evidence: Evidence) -> bytes:
    return base64.b64decode(evidence.content)
