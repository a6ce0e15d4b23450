"""Signed checkpoints of the access log's head, kept where the database cannot change them.

A checkpoint says: at this time the log started after entry `anchor_seq` (MAC `anchor_mac`)
and reached entry `head_seq` (MAC `head_mac`), `count` entries in all. It is signed with a
MAC under a key derived from the key ring (named by `key`) and chained to the checkpoint
before it (`prev`), and numbered, so a line edited, removed or inserted in the file is found.

Where they go:

- the file `ACCESS_LOG_CHECKPOINT_FILE` (default `var/access-log-checkpoints.jsonl`): one
  JSON object a line, opened for appending only, owner-only permissions (0600, its folder
  0700), written under an exclusive lock so two writers never reuse a number. It is the copy
  `cyberweek privacy verify-log` reads. In production it belongs on storage the database's
  users cannot write, and on the one host that runs the checkpoint task (Celery beat's worker);
- `ACCESS_LOG_CHECKPOINT_EMAILS`: each checkpoint mailed, as a copy nobody at the database
  can recall;
- `ACCESS_LOG_CHECKPOINT_WEBHOOK`: each checkpoint POSTed as JSON (e.g. to a log service).

A failure to mail or post is logged and reported by the command; the file comes first.
"""

import fcntl
import json
import logging
import os
import urllib.request
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone
from django.utils.translation import gettext as _

from cyberweek.core.crypto import DecryptionError, KeyRing, key_ring

from .models import AccessChain

logger = logging.getLogger(__name__)
GENESIS = "0" * 64
PURPOSE = "privacy.access_log.checkpoint"
# Enough to hold the last line whole: a checkpoint is about 400 bytes.
TAIL_BYTES = 16 * 1024


class CheckpointError(Exception):
    """The checkpoint file cannot be trusted or written; the message says where and why."""


@dataclass(frozen=True)
class Checkpoint:
    number: int
    at: str
    head_seq: int
    head_mac: str
    anchor_seq: int
    anchor_mac: str
    count: int
    key: str
    prev: str
    mac: str = ""

    def body(self) -> bytes:
        fields = {k: v for k, v in asdict(self).items() if k != "mac"}
        return json.dumps(fields, sort_keys=True, separators=(",", ":")).encode()

    def line(self) -> str:
        return json.dumps(asdict(self), sort_keys=True, separators=(",", ":")) + "\n"


@dataclass
class Written:
    checkpoint: Checkpoint
    path: Path
    sent_to: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)


def path() -> Path:
    return Path(settings.ACCESS_LOG_CHECKPOINT_FILE)


def _parse(raw: str, line_number: int) -> Checkpoint:
    try:
        data = json.loads(raw)
        checkpoint = Checkpoint(**data)
    except (json.JSONDecodeError, TypeError) as error:
        raise CheckpointError(
            _("line %(line)d of the checkpoint file %(path)s is not a checkpoint (%(error)s)")
            % {"line": line_number, "path": path(), "error": error}
        ) from error
    return checkpoint


def _read_lines() -> list[str]:
    try:
        with path().open(encoding="utf-8") as handle:
            return handle.read().splitlines()
    except FileNotFoundError:
        return []
    except (OSError, UnicodeDecodeError) as error:
        raise CheckpointError(
            _("the checkpoint file %(path)s cannot be read: %(error)s")
            % {"path": path(), "error": error}
        ) from error


def read_all(ring: KeyRing) -> list[Checkpoint]:
    """Every checkpoint in the file, each signature and link checked."""
    result = []
    prev, number = GENESIS, 0
    for line_number, raw in enumerate(_read_lines(), start=1):
        checkpoint = _parse(raw, line_number)
        values = {"line": line_number, "path": path(), "n": checkpoint.number}
        try:
            genuine = ring.verify_mac(
                checkpoint.body(), checkpoint.mac, purpose=PURPOSE, key_id=checkpoint.key
            )
        except DecryptionError as error:
            raise CheckpointError(
                _("checkpoint %(n)d (line %(line)d of %(path)s) is signed with key %(key)s, "
                  "which is not in the key ring") % {**values, "key": checkpoint.key}
            ) from error  # fmt: skip
        if not genuine:
            raise CheckpointError(
                _("checkpoint %(n)d (line %(line)d of %(path)s) was changed: its signature "
                  "does not match") % values
            )  # fmt: skip
        if checkpoint.number != number + 1 or checkpoint.prev != prev:
            raise CheckpointError(
                _("checkpoint %(n)d (line %(line)d of %(path)s) does not follow checkpoint "
                  "%(before)d: checkpoints were removed or reordered")
                % {**values, "before": number}
            )  # fmt: skip
        result.append(checkpoint)
        prev, number = checkpoint.mac, checkpoint.number
    return result


def _last(fd: int) -> Checkpoint | None:
    size = os.fstat(fd).st_size
    start = max(0, size - TAIL_BYTES)
    tail = os.pread(fd, size - start, start).decode("utf-8", "replace")
    lines = [line for line in tail.splitlines() if line.strip()]
    if not lines:
        return None
    return _parse(lines[-1], 0)


def last_is_recent(*, head: tuple[int, str], within: timedelta = timedelta(days=1)) -> bool:
    """Whether the newest checkpoint already names `head` and is younger than `within`."""
    lines = [line for line in _read_lines() if line.strip()]
    if not lines:
        return False
    try:
        last = _parse(lines[-1], len(lines))
        at = datetime.fromisoformat(last.at)
    except (CheckpointError, ValueError):
        return False
    return (last.head_seq, last.head_mac) == head and timezone.now() - at < within


def _append(ring: KeyRing, *, head, anchor) -> Checkpoint:
    target = path()
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(target, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.fchmod(fd, 0o600)
        # One writer at a time, across processes on this host: numbers are never reused.
        fcntl.flock(fd, fcntl.LOCK_EX)
        last = _last(fd)
        checkpoint = Checkpoint(
            number=last.number + 1 if last else 1,
            at=datetime.now(UTC).isoformat(timespec="seconds"),
            head_seq=head[0],
            head_mac=head[1],
            anchor_seq=anchor[0],
            anchor_mac=anchor[1],
            count=head[0] - anchor[0],
            key=ring.active.key_id,
            prev=last.mac if last else GENESIS,
        )
        _key, mac = ring.mac(checkpoint.body(), purpose=PURPOSE, key_id=checkpoint.key)
        checkpoint = Checkpoint(**{**asdict(checkpoint), "mac": mac})
        os.write(fd, checkpoint.line().encode())
        os.fsync(fd)
        return checkpoint
    finally:
        os.close(fd)


def _send(checkpoint: Checkpoint, written: Written) -> None:
    text = checkpoint.line()
    recipients = list(settings.ACCESS_LOG_CHECKPOINT_EMAILS)
    if recipients:
        try:
            send_mail(
                f"cyberweek access log checkpoint {checkpoint.number}",
                text,
                None,
                recipients,
                fail_silently=False,
            )
            written.sent_to.append("mail")
        except Exception as error:
            logger.warning("access log checkpoint %s not mailed: %s", checkpoint.number, error)
            written.failures.append(f"mail: {error}")
    url = settings.ACCESS_LOG_CHECKPOINT_WEBHOOK
    if url:
        request = urllib.request.Request(  # noqa: S310 - an https URL the operator configured
            url,
            data=text.encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                response.read(1024)
            written.sent_to.append("webhook")
        except Exception as error:
            logger.warning("access log checkpoint %s not posted: %s", checkpoint.number, error)
            written.failures.append(f"webhook: {error}")


def write(ring: KeyRing, *, head: tuple[int, str], anchor: tuple[int, str]) -> Written:
    """Append a signed checkpoint to the file, then mail and post it where configured."""
    try:
        checkpoint = _append(ring, head=head, anchor=anchor)
    except OSError as error:
        raise CheckpointError(
            _("the checkpoint file %(path)s cannot be written: %(error)s")
            % {"path": path(), "error": error}
        ) from error
    written = Written(checkpoint, path())
    _send(checkpoint, written)
    return written


def checkpoint_head(*, only_if_stale: bool = False) -> Written | None:
    """Sign the access log's current head and send it everywhere configured. With
    `only_if_stale`, nothing is written when the newest checkpoint already names this head
    and is less than a day old."""
    chain = AccessChain.objects.filter(pk=1).first()
    head = (chain.head_seq, chain.head_hash) if chain else (0, GENESIS)
    anchor = (chain.anchor_seq, chain.anchor_hash) if chain else (0, GENESIS)
    if only_if_stale and last_is_recent(head=head):
        return None
    return write(key_ring(), head=head, anchor=anchor)


# Here rather than in tasks.py, which imports the services: the access log queues it after
# the first entry and every ACCESS_LOG_CHECKPOINT_EVERY entries, and Celery beat runs it
# hourly (only_if_stale). tasks.py re-exports it for autodiscovery.
@shared_task(name="privacy.checkpoint_access_log")
def checkpoint_access_log(*, only_if_stale: bool = False) -> int | None:
    written = checkpoint_head(only_if_stale=only_if_stale)
    return written.checkpoint.number if written else None
