"""What every certificate shares (the knowledge contest's passes, the micro-video contest's
winners): an unguessable code, a QR code that opens the public verification page, and an
A4 PDF rendered from a template by WeasyPrint (Noto Sans CJK for Chinese).

Each app keeps its own certificate model, template and verification page; the code is the
proof: anyone holding the paper can open the page and see that it is genuine."""

import re
import secrets

import segno
from django.template.loader import render_to_string

CODE_LENGTH = 32  # characters of the code and the longest one a verification page accepts


CODE_PATTERN = re.compile(rf"[A-Za-z0-9_-]{{1,{CODE_LENGTH}}}")


def new_code() -> str:
    return secrets.token_urlsafe(16)


def looks_like_code(value: str) -> bool:
    """Whether `value` could be a code at all: pages refuse the rest before any query."""
    return CODE_PATTERN.fullmatch(value) is not None


def qr_data_uri(url: str) -> str:
    return segno.make(url, error="m").svg_data_uri(scale=4, border=2)


def render_pdf(template_name: str, context: dict, *, verify_url: str) -> bytes:
    """The PDF of `template_name`, given `verify_url` and its QR code as `qr`."""
    from weasyprint import HTML  # imported on use: it loads Pango and fonts (~0.5 s)

    html = render_to_string(
        template_name, {**context, "verify_url": verify_url, "qr": qr_data_uri(verify_url)}
    )
    return HTML(string=html).write_pdf()


# Rendering a PDF costs about half a second of a web worker: a person downloads their own
# certificate a few times, never twenty times in five minutes.
DOWNLOADS_PER_WINDOW = 20
DOWNLOAD_WINDOW_SECONDS = 300


def pdf_download(request, *, scope: str, render, filename: str):
    """The PDF that `render()` makes, as an attachment named `filename`, or 429 when this
    account has downloaded certificates of `scope` too often. Every certificate download
    view answers through this, so none renders PDFs without a limit."""
    from django.http import HttpResponse
    from django.utils.translation import gettext as _

    from cyberweek.core import rate_limits

    verdict = rate_limits.hit(
        scope, str(request.user.pk), limit=DOWNLOADS_PER_WINDOW, window=DOWNLOAD_WINDOW_SECONDS
    )
    if not verdict.allowed:
        response = HttpResponse(_("Too many downloads; try again in a few minutes."), status=429)
        response["Retry-After"] = str(verdict.retry_after)
        return response
    response = HttpResponse(render(), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
