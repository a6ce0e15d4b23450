"""The certificate of service: an A4 PDF (WeasyPrint, Noto Sans CJK) with a QR code that
opens the public verification page. The QR code is the knowledge contest's
(`quiz.certificates.qr_data_uri`), so both certificates verify the same way."""

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from cyberweek.quiz.certificates import qr_data_uri

from .models import ServiceCertificate


def verify_path(certificate: ServiceCertificate) -> str:
    with translation.override(None):
        return reverse("campaigns:verify", args=[certificate.code])


def render_pdf(certificate: ServiceCertificate, *, verify_url: str) -> bytes:
    from weasyprint import HTML

    campaign = certificate.volunteer.campaign
    html = render_to_string(
        "campaigns/certificate.html",
        {
            "certificate": certificate,
            "campaign": campaign,
            "edition": campaign.edition,
            "qr": qr_data_uri(verify_url),
            "verify_url": verify_url,
        },
    )
    return HTML(string=html).write_pdf()
