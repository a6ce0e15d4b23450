"""JSON for the tip line: file a report (no account; a solved proof-of-work challenge),
with screenshots as a multipart form, follow it by its receipt, look a link or number up,
list confirmed threats, statistics. Screenshots pass the same reader as the page's
(`services.evidence.evidence_of`, then `core.bounded_files.reencoded_image`), the same
address limit and proof of work, and the same body limit."""

import datetime as dt
from typing import Literal

from django.views.decorators.cache import never_cache
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.decorators import decorate_view
from ninja.files import UploadedFile
from ninja.pagination import paginate

from cyberweek.core.api_enums import named_choices
from cyberweek.core.api_pagination import Pagination
from cyberweek.core.api_problems import Problem
from cyberweek.core.rate_limits import client_ip
from cyberweek.core.request_guards import body_limit

from . import proof_of_work, queries
from .models import Cluster, Report
from .publication import PublishedThreats
from .services import intake
from .services.evidence import evidence_of
from .services.receipts import report_by_receipt
from .services.withdrawal import withdraw_report

router = Router(tags=["tipline"])
ERRORS = {400: Problem, 404: Problem, 409: Problem, 413: Problem, 422: Problem, 429: Problem}

ReportKind = named_choices(Report.Kind, "TipReportKind")
ReportStatus = named_choices(Report.Status, "TipReportStatus")
ThreatKind = named_choices(Cluster.Kind, "TipThreatKind")


class ProofOfWorkChallengeOut(Schema):
    challenge: str = Field(..., description="signed; send it back with the nonce")
    bits: int = Field(..., description='leading zero bits SHA-256("challenge:nonce") must have')


class ReportIn(Schema):
    kind: ReportKind
    region: str = Field("", max_length=6, description="GB/T 2260 code of a province, or empty")
    link: str = Field("", max_length=100_000, description="refused past 2,048 characters")
    phone: str = Field("", max_length=100)
    qq: str = Field("", max_length=100)
    wechat: str = Field("", max_length=100)
    text: str = Field("", max_length=intake.MAX_TEXT_CHARS)
    pow_challenge: str = Field(..., max_length=200)
    pow_nonce: str = Field(..., max_length=40)


class FiledOut(Schema):
    receipt: str = Field(..., description="shown once; follow the report with it")
    status: ReportStatus
    masked_text: str = Field(..., description="the description as volunteers see it")
    masked_types: list[str] = Field(..., description="kinds of personal information masked")
    notes: list[str] = Field(..., description="what the link hid (credentials, IDN)")


class ReceiptIn(Schema):
    code: str = Field(..., max_length=40)


class ReceiptOut(Schema):
    kind: ReportKind
    status: ReportStatus
    created_at: dt.datetime
    closed_at: dt.datetime | None


class LookupOut(Schema):
    kind: Literal["url", "phone", "qq", "wechat", ""]
    value: str
    confirmed_threat: bool = Field(..., description="two volunteers confirmed it")
    benign: bool = Field(..., description="an official site or public hotline")
    threat_id: int | None


class ThreatOut(Schema):
    id: int
    kind: ThreatKind
    value: str = Field(..., description="a link's personal data (query, path) masked")
    reports: int = Field(..., alias="report_count")
    first_seen: dt.datetime
    confirmed_at: dt.datetime
    online: bool
    taken_down_at: dt.datetime | None


class CountOut(Schema):
    kind: str
    reports: int


class ProvinceOut(Schema):
    code: str
    name: str
    reports: int


class DayOut(Schema):
    day: dt.date
    reports: int
    escalated: int


class TipBrandOut(Schema):
    id: str
    name: str
    name_en: str
    reports: int = Field(..., description="confirmed reports imitating it")


class StatisticsOut(Schema):
    days: int
    total: int
    confirmed_threats: int
    by_kind: list[CountOut]
    by_province: list[ProvinceOut]
    by_day: list[DayOut]
    top_brands: list[TipBrandOut] = Field(
        ..., description="brands confirmed reports imitated, by link host and description"
    )


class LookupQuery(Schema):
    q: str = Field(..., min_length=1, max_length=2100)


@router.get("/challenge", response={200: ProofOfWorkChallengeOut})
@decorate_view(never_cache)
def challenge(request):
    """A proof-of-work challenge to solve before filing a report."""
    return proof_of_work.new_challenge()


def _filed(request, data: ReportIn, uploads=()):
    intake.admit(address=client_ip(request), challenge=data.pow_challenge, nonce=data.pow_nonce)
    filed = intake.file_report(
        kind=data.kind,
        region_code=data.region,
        link=data.link,
        phone=data.phone,
        qq=data.qq,
        wechat=data.wechat,
        text=data.text,
        images=evidence_of(uploads),
    )
    return Status(
        201,
        {
            "receipt": filed.receipt,
            "status": filed.report.status,
            "masked_text": filed.masked_text,
            "masked_types": list(filed.masked_types),
            "notes": list(filed.notes),
        },
    )


@router.post("/reports", response={201: FiledOut, **ERRORS})
@decorate_view(body_limit(intake.MAX_REPORT_BODY))
def file_report(request, data: ReportIn):
    """File an anonymous report; personal information in `text` is masked before any
    volunteer reads it. Limited per address; each challenge files one report."""
    return _filed(request, data)


@router.post("/reports/with-evidence", response={201: FiledOut, **ERRORS})
@decorate_view(body_limit(intake.MAX_REPORT_BODY))
def file_report_with_evidence(
    request, data: Form[ReportIn], evidence: File[list[UploadedFile]] = None
):
    """The same as `POST /reports`, as a multipart form with up to five screenshots in
    `evidence` (PNG, JPEG, WebP or GIF, 5 MB each). Each is redrawn as PNG, which drops
    EXIF (GPS position, camera, owner) and anything appended; other files are refused."""
    return _filed(request, data, evidence or [])


@router.post("/receipts", response={200: ReceiptOut, **ERRORS})
@decorate_view(never_cache)
def receipt(request, data: ReceiptIn):
    """The status of a report, by its receipt code (POST, so the code stays out of logs)."""
    return report_by_receipt(code=data.code, address=client_ip(request))


@router.post("/receipts/withdraw", response={200: ReceiptOut, **ERRORS})
@decorate_view(never_cache)
def withdraw(request, data: ReceiptIn):
    """Withdraw a report by its receipt code while volunteers are still checking it: what
    was sent is erased and its clusters count one report fewer. 409 once it is decided."""
    return withdraw_report(code=data.code, address=client_ip(request))


def _answer(text: str) -> dict:
    answer = queries.look_up(text)
    return {
        "kind": answer.kind,
        "value": answer.value,
        "confirmed_threat": answer.threat is not None,
        "benign": answer.benign,
        "threat_id": answer.threat.id if answer.threat else None,
    }


@router.get("/lookup", response={200: LookupOut, **ERRORS})
def lookup(request, params: Query[LookupQuery]):
    """Whether a link, phone number, QQ number or WeChat ID is a confirmed threat. For a
    link that may carry personal data, prefer `POST /lookup`: a query string is logged."""
    return _answer(params.q)


@router.post("/lookup", response={200: LookupOut, **ERRORS})
@decorate_view(never_cache)
def lookup_in_body(request, data: LookupQuery):
    """The same look-up with the text in the body, so it stays out of access logs."""
    return _answer(data.q)


@router.get("/threats", response={200: list[ThreatOut], **ERRORS})
@paginate(Pagination)
def threats(request):
    """Confirmed threats, newest first; links with their victims' data masked."""
    return PublishedThreats(queries.confirmed_threats())


@router.get("/statistics", response={200: StatisticsOut})
def statistics(request):
    """Reports in the last 30 days by kind, province and day; the brands most imitated
    (recomputed at most once a minute)."""
    return queries.public_statistics()
