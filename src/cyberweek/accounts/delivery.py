"""The one place a message to a person about their account leaves the platform: mail
through Django's mail, text messages through the sender `SMS_SENDER` names.

`send_to_account_holder` and `send_to` are the whole interface. Each message goes through
the transactional outbox (`core.outbox`): written with the change, sent after the commit,
retried when the mail server or gateway is down, never lost. The address and the text (a
sign-up code, say) travel encrypted in the message's private payload, blanked once sent.
"""

import datetime as dt
import json
import secrets
import sys
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string

from cyberweek.core import outbox


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


def send_to(
    *,
    email: str | None = None,
    mobile: str | None = None,
    subject: str,
    body: str,
    user_id: int | None = None,
):
    """Send `body` to an email address (with `subject`) or, failing that, a mobile number,
    once the current transaction commits. `user_id` ties the message to an account, so
    deleting the account deletes what waits for it."""
    message = {"email": email, "mobile": mobile, "subject": str(subject), "body": str(body)}
    payload = {"user_id": user_id} if user_id else {}
    outbox.enqueue(deliver, private=json.dumps(message), **payload)


def send_to_account_holder(user, *, subject: str, body: str) -> None:
    """Tell the person who holds `user` something about their account."""
    send_to(email=user.email, mobile=user.mobile, subject=subject, body=body, user_id=user.pk)


@outbox.handler
def deliver(*, private: str, user_id: int | None = None) -> bool:
    """Called by the outbox after the commit; a failure raises, and the outbox retries."""
    message = json.loads(private)
    if message["email"]:
        send_mail(message["subject"], message["body"], None, [message["email"]])
    elif message["mobile"]:
        sms_sender().send(number=message["mobile"], text=f"{message['subject']}\n{message['body']}")
    else:
        return False
    return True
