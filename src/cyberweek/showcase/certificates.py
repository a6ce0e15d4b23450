"""The winner's certificate: an A4 PDF with the place, the entry and the entrant's name as
the public sees it (whole only with their consent), and a QR code that opens the public
verification page (the shared mechanism is `core.certificates`)."""

from django.urls import reverse
from django.utils import translation

from cyberweek.core import certificates

from . import queries
from .models import Certificate


def verify_path(certificate: Certificate) -> str:
    with translation.override(None):
        return reverse("showcase:verify_certificate", args=[certificate.code])


def render_pdf(certificate: Certificate, *, verify_url: str) -> bytes:
    entry = certificate.entry
    return certificates.render_pdf(
        "showcase/certificate.html",
        {
            "certificate": certificate,
            "entry": entry,
            "contest": entry.contest,
            "name": queries.public_name(entry),
        },
        verify_url=verify_url,
    )
