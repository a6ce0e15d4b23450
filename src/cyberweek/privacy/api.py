"""The self-check as JSON: what a text or a file would expose. Processed in memory, never
stored; every answer, refusals included, is sent with Cache-Control: no-store."""

from typing import Literal

from django.views.decorators.cache import never_cache
from ninja import Field, File, Query, Router, Schema
from ninja.decorators import decorate_view
from ninja.files import UploadedFile

from cyberweek.core.api_problems import Problem
from cyberweek.core.rate_limits import client_ip
from cyberweek.core.request_guards import body_limit

from .forms import SELF_CHECK_MAX_CHARS
from .self_check import SELF_CHECK_MAX_BODY, CheckResult, check_text, count_check, text_of_upload

router = Router(tags=["privacy"])


RedactionStyle = Literal["mask", "tag", "pseudonym"]


class CheckIn(Schema):
    text: str = Field(..., max_length=SELF_CHECK_MAX_CHARS, description="the text to check")
    style: RedactionStyle = Field(
        "mask", description="how the redacted copy replaces what is found"
    )


class StyleQuery(Schema):
    style: RedactionStyle = Field(
        "mask", description="how the redacted copy replaces what is found"
    )


class FindingOut(Schema):
    type: str = Field(..., description="CN_ID, CN_MOBILE, EMAIL, … (see the README)")
    label: str
    start: int = Field(..., description="character offset where the value starts")
    end: int = Field(..., description="character offset after the value")
    text: str


class RiskOut(Schema):
    type: str
    label: str
    explanation: str
    count: int


class CheckOut(Schema):
    found: int
    findings: list[FindingOut]
    risks: list[RiskOut]
    style: RedactionStyle
    redacted: str = Field(
        ...,
        description="the text with what was found replaced: masked (138****5678), by its "
        "type (<CN_MOBILE>) or by a pseudonym that holds within this one answer",
    )


def _answer(result: CheckResult) -> dict:
    findings, offset = [], 0
    for segment in result.segments:
        if segment.type:
            findings.append(
                {
                    "type": segment.type,
                    "label": segment.label,
                    "start": offset,
                    "end": offset + len(segment.text),
                    "text": segment.text,
                }
            )
        offset += len(segment.text)
    return {
        "found": result.found,
        "findings": findings,
        "risks": result.risks,
        "style": result.style,
        "redacted": result.redacted,
    }


REFUSALS = {413: Problem, 422: Problem, 429: Problem}


@router.post("/check", response={200: CheckOut, **REFUSALS}, auth=None)
@decorate_view(never_cache, body_limit(SELF_CHECK_MAX_BODY))
def self_check(request, payload: CheckIn):
    """Find personal information in a text: resident IDs, phones, bank cards, addresses …"""
    count_check(client_ip(request))
    return _answer(check_text(payload.text, payload.style))


@router.post("/check/file", response={200: CheckOut, **REFUSALS}, auth=None)
@decorate_view(never_cache, body_limit(SELF_CHECK_MAX_BODY))
def self_check_file(request, file: File[UploadedFile], style: Query[StyleQuery]):
    """Find personal information in a file: text, CSV, .docx, .xlsx or .pdf, at most 2 MB
    (within the limits on what it unpacks to, its pages and 200,000 characters)."""
    count_check(client_ip(request))
    return _answer(check_text(text_of_upload(file), style.style))
