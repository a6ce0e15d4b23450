"""The self-check as JSON: what a text would expose. Processed in memory, never stored."""

from ninja import Field, Router, Schema

from cyberweek.core.api_problems import Problem

from .forms import SELF_CHECK_MAX_CHARS
from .self_check import check_text

router = Router(tags=["privacy"])


class CheckIn(Schema):
    text: str = Field(..., max_length=SELF_CHECK_MAX_CHARS, description="the text to check")


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


@router.post("/check", response={200: CheckOut, 422: Problem}, auth=None)
def self_check(request, payload: CheckIn):
    """Find personal information in a text: resident IDs, phones, bank cards, addresses …"""
    result = check_text(payload.text)
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
    return {"found": result.found, "findings": findings, "risks": result.risks}
