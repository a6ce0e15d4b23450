"""The receipt code a reporter follows a report with, without an account. The code is
shown once; only a keyed digest of it is stored."""

import secrets

from django.conf import settings
from django.utils.translation import gettext as _

from cyberweek.core import rate_limits
from cyberweek.core.crypto import key_ring
from cyberweek.core.errors import LimitReached, NotFound, ValidationFailed

from ..models import Report

RECEIPT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud, typed back
RECEIPT_GROUPS = 4


def new_receipt() -> str:
    # 16 characters of 32: 80 bits, beyond guessing at any rate limit.
    chars = "".join(secrets.choice(RECEIPT_ALPHABET) for _i in range(4 * RECEIPT_GROUPS))
    return "-".join(chars[i : i + 4] for i in range(0, len(chars), 4))


def normalise_receipt(code: str) -> str:
    return "".join(c for c in (code or "").upper() if c.isalnum())


def receipt_digest(code: str) -> str:
    """Only a keyed digest of the receipt is stored: a database dump does not let anyone
    follow a report."""
    return key_ring().blind_index(normalise_receipt(code), purpose="tipline.receipt")


def report_by_receipt(*, code: str, address: str, reports=Report.objects) -> Report:
    """The report a receipt names, for its reporter (no account). Limited per address.
    `reports` lets the withdrawal lock the row it reads."""
    verdict = rate_limits.hit(
        "tipline.receipt", address, limit=settings.TIPLINE_LOOKUPS_PER_HOUR, window=3600
    )
    if not verdict.allowed:
        raise LimitReached(_("Too many look-ups from your connection. Try again later."))
    normalised = normalise_receipt(code)
    if len(normalised) != 4 * RECEIPT_GROUPS:
        raise ValidationFailed(
            _("A receipt code has 16 letters and digits, e.g. ABCD-EFGH-JKLM-NPQR."),
            field="code",
        )
    report = reports.filter(receipt_digest=receipt_digest(normalised)).first()
    if report is None:
        raise NotFound(_("No report has this receipt code."), field="code")
    return report
