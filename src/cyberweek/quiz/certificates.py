"""The pass certificate: an A4 PDF (WeasyPrint, Noto Sans CJK for Chinese) with a QR code
that opens the public verification page."""

import segno
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from . import queries
from .models import Certificate


def verify_path(certificate: Certificate) -> str:
    with translation.override(None):
        return reverse("quiz:verify", args=[certificate.code])


def qr_data_uri(url: str) -> str:
    return segno.make(url, error="m").svg_data_uri(scale=4, border=2)


def render_pdf(certificate: Certificate, *, verify_url: str) -> bytes:
    from weasyprint import HTML

    attempt = certificate.attempt
    html = render_to_string(
        "quiz/certificate.html",
        {
            "certificate": certificate,
            "contest": attempt.contest,
            "edition": attempt.contest.edition,
            "attempt": attempt,
            "band": queries.score_band(attempt.score, attempt.max_score),
            "qr": qr_data_uri(verify_url),
            "verify_url": verify_url,
        },
    )
    return HTML(string=html).write_pdf()
