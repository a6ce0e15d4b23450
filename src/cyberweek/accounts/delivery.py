"""The one place a message to a person about their account leaves the platform: mail
through Django's mail, text messages through the sender `SMS_SENDER` names.

`send_to_account_holder` and `send_to` are the whole interface; when the platform gets its
transactional outbox, only `_deliver` changes. Sending waits for the transaction to commit,
so a rolled-back change sends nothing.
"""

import datetime as dt
import logging
import secrets
import sys
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class SmsSender(Protocol):
    """What a deployment implements to send text messages (a gateway's HTTP API, say) and
    names by its dotted path in `SMS_SENDER`. `send` raises on failure."""

    def send(self, *, number: str, text: str) -> None: ...


class FileSmsSender:
    """The embedded default: one file per message under `SMS_FILE_PATH` (var/sms), as
    Django's file mail backend does for mail. Never the log: it would hold numbers."""

    def send(self, *, number: str, text: str) -> None:
        folder = Path(settings.SMS_FILE_PATH)
        folder.mkdir(parents=True, exist_ok=True)
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S")
        path = folder / f"{stamp}-{secrets.token_hex(4)}.txt"
        path.write_text(f"To: {number}\n\n{text}\n", encoding="utf-8")
        path.chmod(0o600)


class ConsoleSmsSender:
    """For a developer's terminal only (it prints the number)."""

    def send(self, *, number: str, text: str) -> None:
        sys.stdout.write(f"SMS to {number}:\n{text}\n\n")


class MemorySmsSender:
    """Keeps messages in `outbox`, as Django's locmem mail backend does (tests)."""

    outbox: list[tuple[str, str]] = []  # shared on purpose, like mail.outbox

    def send(self, *, number: str, text: str) -> None:
        self.outbox.append((number, text))


def sms_sender() -> SmsSender:
    return import_string(settings.SMS_SENDER)()


def send_to(*, email: str | None = None, mobile: str | None = None, subject: str, body: str):
    """Send `body` to an email address (with `subject`) or, failing that, a mobile number,
    once the current transaction commits."""
    transaction.on_commit(lambda: _deliver(email=email, mobile=mobile, subject=subject, body=body))


def send_to_account_holder(user, *, subject: str, body: str) -> None:
    """Tell the person who holds `user` something about their account."""
    send_to(email=user.email, mobile=user.mobile, subject=subject, body=body)


def _deliver(*, email, mobile, subject, body) -> None:
    # The change is committed already: a mail server or gateway that is down must not turn
    # the answer into an error page (the person can ask for the message again). The log
    # names the kind of failure only; the error's text may hold the address.
    try:
        if email:
            send_mail(subject, body, None, [email])
        elif mobile:
            sms_sender().send(number=mobile, text=f"{subject}\n{body}")
    except Exception as error:
        logger.warning("account message not delivered: %s", type(error).__name__)
