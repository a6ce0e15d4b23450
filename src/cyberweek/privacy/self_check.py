"""The public self-check: what a piece of text or a file would expose. In memory only:
nothing is saved, cached or logged, and the response tells browsers not to keep it."""

import io
from dataclasses import dataclass

from django.utils.translation import gettext as _

from cyberweek.core.errors import ValidationFailed
from cyberweek.core.screening import explain
from cyberweek.pii import scan
from cyberweek.pii.extract import InputError, document_bytes_text

from .forms import SELF_CHECK_MAX_CHARS

TEXT_TYPES = {".txt", ".csv", ".jsonl", ".json", ".log", ".md", ".tsv", ""}
DOCUMENT_TYPES = {".docx", ".xlsx", ".pdf"}


@dataclass
class Segment:
    text: str
    type: str = ""
    label: str = ""


@dataclass
class CheckResult:
    segments: list[Segment]
    risks: list[dict]
    counts: dict[str, int]
    characters: int

    @property
    def found(self) -> int:
        return sum(self.counts.values())


def _suffix(name: str) -> str:
    dot = name.rfind(".")
    return name[dot:].lower() if dot > 0 else ""


def text_of_upload(upload) -> str:
    """The text of an uploaded file, read from memory."""
    data = upload.read()
    suffix = _suffix(upload.name or "")
    if suffix in DOCUMENT_TYPES:
        try:
            return bounded(document_bytes_text(io.BytesIO(data), suffix))
        except InputError as error:
            raise ValidationFailed(str(error), field="file") from error
    if suffix not in TEXT_TYPES:
        raise ValidationFailed(
            _("This kind of file cannot be checked. Use text, CSV, .docx, .xlsx or .pdf."),
            field="file",
        )
    if b"\x00" in data[:8192]:
        raise ValidationFailed(_("This file is not text."), field="file")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return bounded(data.decode(encoding))
        except UnicodeDecodeError:
            continue
    raise ValidationFailed(_("The file's text encoding is not UTF-8 or GB18030."), field="file")


def bounded(text: str) -> str:
    if len(text) > SELF_CHECK_MAX_CHARS:
        raise ValidationFailed(
            _("The text is longer than %(limit)s characters; check it in parts.")
            % {"limit": f"{SELF_CHECK_MAX_CHARS:,}"},
            field="file",
        )
    return text


def check_text(text: str) -> CheckResult:
    findings = scan(text)
    labels = {r["type"]: r["label"] for r in explain({f.type for f in findings})}
    segments, cursor, counts = [], 0, {}
    for finding in findings:
        if finding.start > cursor:
            segments.append(Segment(text[cursor : finding.start]))
        segments.append(Segment(finding.text, finding.type, labels[finding.type]))
        counts[finding.type] = counts.get(finding.type, 0) + 1
        cursor = finding.end
    if cursor < len(text):
        segments.append(Segment(text[cursor:]))
    risks = explain(sorted(counts, key=lambda t: -counts[t]))
    for risk in risks:
        risk["count"] = counts[risk["type"]]
    return CheckResult(segments, risks, counts, len(text))
