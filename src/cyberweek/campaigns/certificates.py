"""The certificate of service: an A4 PDF with a QR code that opens the public verification
page, made by the shared mechanism in `core.certificates` (as the contests' certificates)."""

from django.urls import reverse
from django.utils import translation

from cyberweek.core import certificates

from .models import ServiceCertificate


def verify_path(certificate: ServiceCertificate) -> str:
    with translation.override(None):
        return reverse("campaigns:verify", args=[certificate.code])


def render_pdf(certificate: ServiceCertificate, *, verify_url: str) -> bytes:
    campaign = certificate.volunteer.campaign
    return certificates.render_pdf(
        "campaigns/certificate.html",
        {"certificate": certificate, "campaign": campaign, "edition": campaign.edition},
        verify_url=verify_url,
    )
