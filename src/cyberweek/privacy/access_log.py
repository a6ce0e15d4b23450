"""The access log: who looked at whose personal information, when and why.

Forging it must take more than write access to the database:

- **Keyed chain.** Each entry has a sequence number (1, 2, 3 … with no gaps, unlike primary
  keys) and a MAC over the previous entry's MAC and its own fields, under a key derived from
  the key ring (`core.crypto`, never the database) and named by its key id, so entries keep
  verifying after a rotation while that key stays in the ring. Without the ring nobody can
  rewrite an entry and recompute the ones after it.
- **Anchored outside the database.** Signed checkpoints of the head (`checkpoints.py`) go to
  an append-only file and optionally a mailbox and a webhook: after the first entry, after
  every `ACCESS_LOG_CHECKPOINT_EVERY` entries, hourly from Celery beat, and whenever the
  retention purge moves the start. `verify_access_log` walks the chain and checks it against
  every checkpoint, so rows deleted at the head or the tail, or a moved start, are found.
- **Reasons screened.** The reason a person types passes the `pii` engine first: the log
  outlives an account's deletion, so it must not be where a name or a number survives.

People are referred to by account number only, so erasing an account never rewrites history.
"""

import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cyberweek.core.crypto import DecryptionError, KeyRing, key_ring
from cyberweek.core.errors import ValidationFailed
from cyberweek.core.screening import screen_text

from . import checkpoints
from .models import AccessChain, AccessLogEntry

logger = logging.getLogger(__name__)
GENESIS = checkpoints.GENESIS
PURPOSE = "privacy.access_log"


def entry_mac(
    ring: KeyRing,
    *,
    key_id: str | None,
    seq: int,
    prev: str,
    created_at: datetime,
    actor_ref: str,
    subject_ref: str,
    what: str,
    why: str,
) -> tuple[str, str]:
    """(key id, MAC) of one entry; `key_id` None means the ring's active key."""
    payload = json.dumps(
        [seq, prev, created_at.astimezone(UTC).isoformat(), actor_ref, subject_ref, what, why],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return ring.mac(payload.encode("utf-8"), purpose=PURPOSE, key_id=key_id)


def _ref(user) -> str:
    return "" if user is None else f"user:{user.pk}"


def _chain_for_update() -> AccessChain:
    chain = AccessChain.objects.select_for_update().filter(pk=1).first()
    if chain is None:
        AccessChain.objects.get_or_create(
            pk=1, defaults={"head_hash": GENESIS, "anchor_hash": GENESIS}
        )
        chain = AccessChain.objects.select_for_update().get(pk=1)
    return chain


@transaction.atomic
def log_access(*, actor, what: str, why: str, subject=None) -> AccessLogEntry:
    """Record that `actor` viewed or exported personal information. Call it in the same
    transaction as the read it records; the chain head is locked so entries never fork.
    The reason is stored with any personal information in it masked."""
    if not why.strip():
        raise ValidationFailed(_("Say why you need to see this personal information."))
    chain = _chain_for_update()
    ring = key_ring()
    now = timezone.now()
    seq = chain.head_seq + 1
    fields = {
        "actor_ref": _ref(actor),
        "subject_ref": _ref(subject),
        "what": screen_text(what).public_text[:200],
        # Screened before it is cut, so a number split by the cut is still found.
        "why": screen_text(why.strip()).public_text[:300],
    }
    key_id, mac = entry_mac(
        ring, key_id=None, seq=seq, prev=chain.head_hash, created_at=now, **fields
    )
    entry = AccessLogEntry.objects.create(
        seq=seq, key_id=key_id, created_at=now, prev_hash=chain.head_hash, entry_hash=mac, **fields
    )
    chain.head_hash, chain.head_seq = mac, seq
    chain.save(update_fields=["head_hash", "head_seq"])
    every = max(1, settings.ACCESS_LOG_CHECKPOINT_EVERY)
    if seq == 1 or seq % every == 0:
        # After the commit, so a checkpoint never names an entry that was rolled back;
        # robust, so a failing checkpoint never fails the request that was logged.
        transaction.on_commit(checkpoints.checkpoint_access_log.delay, robust=True)
    return entry


def move_start(*, before_date, dry_run: bool) -> int:
    """Retention: remove entries created before `before_date`; the newest removed entry
    becomes the chain's signed start. Returns how many entries are (or would be) removed."""
    chain = AccessChain.objects.select_for_update().filter(pk=1).first()
    last = AccessLogEntry.objects.filter(created_at__date__lt=before_date).order_by("-seq").first()
    if chain is None or last is None:
        return 0
    count = AccessLogEntry.objects.filter(seq__lte=last.seq).count()
    if dry_run:
        return count
    check = verify_access_log()
    if not check.ok:
        # Purging would delete the evidence and sign a start over it: keep everything until
        # someone has looked (verify-log says what is wrong); the other sources still purge.
        logger.error("access log not purged: it does not verify (%s)", check.reason)
        return 0
    # The new start is signed outside the database before any row goes: a start moved by
    # anyone else is not one a checkpoint signed, and verification says so.
    checkpoints.write(
        key_ring(), head=(chain.head_seq, chain.head_hash), anchor=(last.seq, last.entry_hash)
    )
    chain.anchor_seq, chain.anchor_hash = last.seq, last.entry_hash
    chain.save(update_fields=["anchor_seq", "anchor_hash"])
    AccessLogEntry.objects.filter(seq__lte=last.seq).delete()
    return count


@dataclass
class ChainCheck:
    ok: bool
    checked: int
    bad_entry_id: int | None = None
    reason: str = ""
    checkpoints: int = 0


def _fail(reason: str, checked: int = 0, entry=None, checkpoints_read: int = 0) -> ChainCheck:
    return ChainCheck(False, checked, entry.pk if entry else None, reason, checkpoints_read)


def verify_access_log() -> ChainCheck:
    """Walk the chain from its start and hold it against every checkpoint; the first thing
    that does not fit is reported, in words an operator can act on."""
    ring = key_ring()
    try:
        signed = checkpoints.read_all(ring)
    except checkpoints.CheckpointError as error:
        return _fail(str(error))
    chain = AccessChain.objects.filter(pk=1).first()
    anchor = (chain.anchor_seq, chain.anchor_hash) if chain else (0, GENESIS)
    head = (chain.head_seq, chain.head_hash) if chain else (0, GENESIS)
    path = checkpoints.path()
    n = len(signed)
    wanted = {c.head_seq for c in signed} | {c.anchor_seq for c in signed}
    macs = {anchor[0]: anchor[1]}
    expected_seq, expected_prev = anchor[0] + 1, anchor[1]
    checked = 0
    last = None
    entries = AccessLogEntry.objects.filter(seq__gt=anchor[0]).order_by("seq")
    for entry in entries.iterator():
        if entry.seq != expected_seq:
            return _fail(
                _("entries %(first)d to %(last)d before it are missing")
                % {"first": expected_seq, "last": entry.seq - 1},
                checked,
                entry,
                n,
            )
        if entry.prev_hash != expected_prev:
            return _fail(_("it does not follow the entry before it"), checked, entry, n)
        try:
            _key, mac = entry_mac(
                ring,
                key_id=entry.key_id,
                seq=entry.seq,
                prev=entry.prev_hash,
                created_at=entry.created_at,
                actor_ref=entry.actor_ref,
                subject_ref=entry.subject_ref,
                what=entry.what,
                why=entry.why,
            )
        except DecryptionError:
            return _fail(
                _("it is keyed with key %(key)s, which is not in the key ring")
                % {"key": entry.key_id},
                checked,
                entry,
                n,
            )
        if mac != entry.entry_hash:
            return _fail(_("its content was changed"), checked, entry, n)
        if entry.seq in wanted:
            macs[entry.seq] = mac
        expected_seq, expected_prev, last = entry.seq + 1, mac, entry
        checked += 1
    if (head[0] > 0 or last is not None) and not signed:
        return _fail(
            _(
                "the log has %(count)d entries but there is no checkpoint of it in %(path)s: "
                "the checkpoint file was removed or never written"
            )
            % {"count": max(head[0], last.seq if last else 0) - anchor[0], "path": path},
            checked,
        )
    if anchor != (0, GENESIS) and anchor not in {(c.anchor_seq, c.anchor_mac) for c in signed}:
        return _fail(
            _(
                "the log now starts after entry %(seq)d, a start no checkpoint signed: entries "
                "were removed from its beginning or its start was moved"
            )
            % {"seq": anchor[0]},
            checked=checked,
            checkpoints_read=n,
        )
    end = (last.seq, last.entry_hash) if last else anchor
    for checkpoint in signed:
        for seq, signed_mac, what in (
            (checkpoint.head_seq, checkpoint.head_mac, _("its last entry")),
            (checkpoint.anchor_seq, checkpoint.anchor_mac, _("its start")),
        ):
            if seq < anchor[0]:
                continue  # removed by the retention purge, whose start was signed
            if seq > end[0]:
                return _fail(
                    _(
                        "checkpoint %(n)d of %(at)s names entry %(seq)d as %(what)s, but the "
                        "log now ends at entry %(end)d: entries at its end were removed"
                    )
                    % {
                        "n": checkpoint.number,
                        "at": checkpoint.at,
                        "seq": seq,
                        "what": what,
                        "end": end[0],
                    },
                    checked,
                    None,
                    n,
                )
            if macs.get(seq) != signed_mac:
                return _fail(
                    _(
                        "entry %(seq)d is not the one checkpoint %(n)d of %(at)s signed as "
                        "%(what)s: the log was rewritten"
                    )
                    % {"seq": seq, "n": checkpoint.number, "at": checkpoint.at, "what": what},
                    checked,
                    None,
                    n,
                )
    if chain is not None and head != end:
        return _fail(_("entries after the last one were removed"), checked, None, n)
    return ChainCheck(True, checked, checkpoints=n)
