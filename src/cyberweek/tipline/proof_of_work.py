"""A self-hosted proof-of-work challenge (hashcash) in place of a CAPTCHA service, which
would be a third party that does not load everywhere in China and sees every reporter.

The server hands out a signed challenge `v1:<bits>:<random>` (Django's TimestampSigner,
so it cannot be forged and expires). The browser (static/tipline/pow.js, WebCrypto)
finds a nonce such that SHA-256("<challenge>:<nonce>") starts with `bits` zero bits and
sends both back. Checking costs the server one hash; finding costs the browser about
2**bits hashes (16 bits: about a second on a phone). A solved challenge is spent on the
shared cache, so one solution files one report.
"""

import hashlib
import secrets

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

from cyberweek.core.errors import ValidationFailed

SALT = "tipline.proof-of-work"
MAX_AGE_SECONDS = 15 * 60
MAX_NONCE_CHARS = 32


class ProofRefused(ValidationFailed):
    slug = "proof-of-work-refused"


def new_challenge() -> dict:
    bits = settings.TIPLINE_POW_BITS
    token = signing.TimestampSigner(salt=SALT).sign(f"v1:{bits}:{secrets.token_hex(12)}")
    return {"challenge": token, "bits": bits}


def leading_zero_bits(digest: bytes) -> int:
    count = 0
    for byte in digest:
        if byte == 0:
            count += 8
            continue
        return count + 8 - byte.bit_length()
    return count


def solve(challenge: str, bits: int) -> str:
    """What the browser does, for the tests, the benchmark and scripted clients."""
    nonce = 0
    while leading_zero_bits(hashlib.sha256(f"{challenge}:{nonce}".encode()).digest()) < bits:
        nonce += 1
    return str(nonce)


def spend(challenge: str, nonce: str) -> None:
    """Accept a solved challenge once, or raise `ProofRefused` saying why."""
    challenge, nonce = (challenge or "").strip(), (nonce or "").strip()
    if not challenge or not nonce:
        raise ProofRefused(
            _("The anti-abuse check did not run: allow JavaScript on this page and try again."),
            field="proof",
        )
    try:
        payload = signing.TimestampSigner(salt=SALT).unsign(challenge, max_age=MAX_AGE_SECONDS)
    except signing.SignatureExpired as error:
        raise ProofRefused(
            _("The anti-abuse check expired: send the form again."), field="proof"
        ) from error
    except signing.BadSignature as error:
        raise ProofRefused(
            _("The anti-abuse check is not one this site issued."), field="proof"
        ) from error
    version, bits, _random = [*payload.split(":"), "", ""][:3]
    if version != "v1" or not bits.isdigit():
        raise ProofRefused(_("The anti-abuse check is not one this site issued."), field="proof")
    if len(nonce) > MAX_NONCE_CHARS or not nonce.isdigit():
        raise ProofRefused(_("The anti-abuse check's answer is not valid."), field="proof")
    digest = hashlib.sha256(f"{challenge}:{nonce}".encode()).digest()
    if leading_zero_bits(digest) < int(bits):
        raise ProofRefused(_("The anti-abuse check's answer is not valid."), field="proof")
    spent_key = "tipline:pow:" + hashlib.sha256(challenge.encode()).hexdigest()[:40]
    if not cache.add(spent_key, 1, timeout=MAX_AGE_SECONDS + 60):
        raise ProofRefused(
            _("This anti-abuse check was already used: send the form again."), field="proof"
        )
