"""The pass certificate: an A4 PDF with a QR code that opens the public verification page
(the shared mechanism is `core.certificates`)."""

from django.urls import reverse
from django.utils import translation

from cyberweek.core import certificates

from . import queries
from .models import Certificate


def verify_path(certificate: Certificate) -> str:
    with translation.override(None):
        return reverse("quiz:verify", args=[certificate.code])


def render_pdf(certificate: Certificate, *, verify_url: str) -> bytes:
    attempt = certificate.attempt
    return certificates.render_pdf(
        "quiz/certificate.html",
        {
            "certificate": certificate,
            "contest": attempt.contest,
            "edition": attempt.contest.edition,
            "attempt": attempt,
            "band": queries.score_band(attempt.score, attempt.max_score),
        },
        verify_url=verify_url,
    )
