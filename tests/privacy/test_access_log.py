"""The access log cannot be forged by someone who can write to the database: each forgery
from the December 2026 privacy review is made here the way an attacker would, and
`cyberweek privacy verify-log` must say so and exit non-zero."""

import http.server
import json
import stat
import threading

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection

from cyberweek.accounts.models import OrganiserRole
from cyberweek.core.crypto import new_key_ring_spec, parse_key_ring
from cyberweek.core.errors import ValidationFailed
from cyberweek.privacy import checkpoints, services
from cyberweek.privacy.access_log import entry_mac
from cyberweek.privacy.models import AccessChain, AccessLogEntry
from cyberweek.privacy.tasks import checkpoint_access_log
from tests.accounts.factories import UserFactory, organiser

pytestmark = pytest.mark.django_db


@pytest.fixture
def national():
    return organiser(OrganiserRole.Level.NATIONAL)


@pytest.fixture
def log(national, django_capture_on_commit_callbacks):
    """Log `n` looks as the platform does, each in its own committed request."""

    def log(n, why="support call"):
        subject = UserFactory()
        entries = []
        for i in range(n):
            with django_capture_on_commit_callbacks(execute=True):
                entries.append(
                    services.log_access(actor=national, subject=subject, what=f"r{i}", why=why)
                )
        return entries

    return log


def verify_log_fails(match: str):
    with pytest.raises(CommandError, match=match) as error:
        call_command("privacy", "verify-log")
    assert "access log NOT intact" in str(error.value)
    check = services.verify_access_log()
    assert not check.ok
    return check


def checkpoint_lines():
    return checkpoints.path().read_text().splitlines()


def test_each_entry_is_keyed_and_chained_to_the_one_before(log):
    entries = log(3)
    assert [e.seq for e in entries] == [1, 2, 3]
    assert entries[0].prev_hash == "0" * 64
    assert entries[1].prev_hash == entries[0].entry_hash
    check = services.verify_access_log()
    assert (check.ok, check.checked, check.checkpoints) == (True, 3, 1)


def test_the_first_entry_is_checkpointed_to_an_owner_only_file(log):
    log(1)
    path = checkpoints.path()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    written = json.loads(checkpoint_lines()[0])
    assert (written["number"], written["head_seq"], written["count"]) == (1, 1, 1)
    assert written["head_mac"] == AccessLogEntry.objects.get().entry_hash


def test_a_checkpoint_follows_every_n_entries(log, settings):
    settings.ACCESS_LOG_CHECKPOINT_EVERY = 3
    log(7)
    assert [json.loads(line)["head_seq"] for line in checkpoint_lines()] == [1, 3, 6]


def test_an_access_needs_a_reason(national):
    with pytest.raises(ValidationFailed, match="Say why"):
        services.log_access(actor=national, what="x", why="  ")


def test_the_reason_is_stored_with_personal_information_masked(log):
    entry = log(1, why="联系人：王芳，手机 13987654321，要求核对报名信息")[0]
    stored = AccessLogEntry.objects.get(pk=entry.pk).why
    assert "王芳" not in stored
    assert "13987654321" not in stored
    assert "要求核对报名信息" in stored
    assert services.verify_access_log().ok


def test_changing_one_entry_is_detected_and_named(log):
    entries = log(4)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE privacy_accesslogentry SET why = %s WHERE id = %s", ["nothing", entries[2].pk]
        )
    check = verify_log_fails(f"at entry {entries[2].pk}: its content was changed")
    assert (check.bad_entry_id, check.checked) == (entries[2].pk, 2)


def test_rewriting_an_entry_and_recomputing_every_later_one_is_detected(log):
    """Forgery 1: rewrite a reason and recompute the chain after it, as the unkeyed SHA-256
    chain allowed; without the key ring the attacker can only use a key of their own."""
    entries = log(4)
    attacker = parse_key_ring(json.dumps(new_key_ring_spec(key_id=entries[0].key_id)), source="x")
    prev = entries[0].entry_hash
    for entry in AccessLogEntry.objects.filter(seq__gte=2).order_by("seq"):
        why = "routine check" if entry.seq == 2 else entry.why
        _key, mac = entry_mac(
            attacker,
            key_id=entry.key_id,
            seq=entry.seq,
            prev=prev,
            created_at=entry.created_at,
            actor_ref=entry.actor_ref,
            subject_ref=entry.subject_ref,
            what=entry.what,
            why=why,
        )
        AccessLogEntry.objects.filter(pk=entry.pk).update(why=why, prev_hash=prev, entry_hash=mac)
        prev = mac
    AccessChain.objects.update(head_hash=prev)
    check = verify_log_fails(f"at entry {entries[1].pk}: its content was changed")
    assert check.bad_entry_id == entries[1].pk


def test_deleting_every_entry_and_moving_the_start_is_detected(log):
    """Forgery 2: delete every row and move the chain's start to where the head was."""
    log(3)
    call_command("privacy", "checkpoint-log")
    AccessLogEntry.objects.all().delete()
    chain = AccessChain.objects.get()
    AccessChain.objects.update(anchor_seq=chain.head_seq, anchor_hash=chain.head_hash)
    verify_log_fails("starts after entry 3, a start no checkpoint signed")


def test_deleting_the_whole_log_with_its_head_is_detected(log):
    log(2)
    AccessLogEntry.objects.all().delete()
    AccessChain.objects.all().delete()
    verify_log_fails("names entry 1 as its last entry, but the log now ends at entry 0")


def test_deleting_the_tail_after_a_checkpoint_is_detected(log, capsys):
    """Forgery 3: remove the newest entries and set the head back to what is left."""
    entries = log(4)
    call_command("privacy", "checkpoint-log")
    assert "checkpoint 2: entry 4 (4 entries)" in capsys.readouterr().out
    AccessLogEntry.objects.filter(seq__gt=2).delete()
    AccessChain.objects.update(head_seq=2, head_hash=entries[1].entry_hash)
    verify_log_fails("checkpoint 2 of .* names entry 4 as its last entry, but the log now ends")


def test_editing_a_checkpoint_to_fit_a_rewritten_log_is_detected(log):
    """Forgery 4: rewrite the log, then edit the checkpoint file to name the new head."""
    log(2)
    call_command("privacy", "checkpoint-log")
    AccessLogEntry.objects.filter(seq=2).delete()
    AccessChain.objects.update(head_seq=1, head_hash=AccessLogEntry.objects.get().entry_hash)
    lines = checkpoint_lines()
    forged = json.loads(lines[-1])
    forged.update(head_seq=1, head_mac=AccessLogEntry.objects.get().entry_hash, count=1)
    checkpoints.path().write_text("\n".join([*lines[:-1], json.dumps(forged)]) + "\n")
    verify_log_fails("checkpoint 2 .* was changed: its signature does not match")


def test_removing_a_checkpoint_from_the_file_is_detected(log):
    log(2)
    call_command("privacy", "checkpoint-log")
    call_command("privacy", "checkpoint-log")
    lines = checkpoint_lines()
    checkpoints.path().write_text("\n".join([lines[0], lines[2]]) + "\n")
    verify_log_fails("checkpoint 3 .* does not follow checkpoint 1")


def test_a_missing_checkpoint_file_is_reported(log):
    log(2)
    checkpoints.path().unlink()
    verify_log_fails("the log has 2 entries but there is no checkpoint of it")


def test_a_gap_in_the_numbers_is_detected_and_named(log):
    entries = log(3)
    AccessLogEntry.objects.filter(pk=entries[1].pk).delete()
    check = verify_log_fails(f"at entry {entries[2].pk}: entries 2 to 2 before it are missing")
    assert check.bad_entry_id == entries[2].pk


def test_removing_the_newest_entry_is_detected(log):
    entries = log(2)
    AccessLogEntry.objects.filter(pk=entries[-1].pk).delete()
    assert not services.verify_access_log().ok


def test_the_command_reports_an_intact_log(log, capsys):
    log(2)
    call_command("privacy", "verify-log")
    assert "access log intact: 2 entries, 1 checkpoints agree" in capsys.readouterr().out


def test_entries_keep_verifying_after_the_active_key_changes(log, settings, tmp_path):
    spec = new_key_ring_spec(key_id="old")
    settings.CYBERWEEK_KEYS = json.dumps(spec)
    first = log(2)
    newer = new_key_ring_spec(key_id="new")
    spec["keys"].update(newer["keys"])
    spec["active"] = "new"
    settings.CYBERWEEK_KEYS = json.dumps(spec)
    later = log(2)
    assert {e.key_id for e in first} == {"old"}
    assert {e.key_id for e in later} == {"new"}
    assert services.verify_access_log().ok
    del spec["keys"]["old"]
    spec["active"] = "new"
    settings.CYBERWEEK_KEYS = json.dumps(spec)
    verify_log_fails("signed with key old, which is not in the key ring")


def test_the_hourly_task_skips_a_head_checkpointed_recently(log):
    log(1)
    assert checkpoint_access_log(only_if_stale=True) is None
    log(1)
    assert checkpoint_access_log(only_if_stale=True) == 2
    assert len(checkpoint_lines()) == 2


def test_checkpoints_are_also_mailed_and_posted(log, settings):
    received = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.ACCESS_LOG_CHECKPOINT_EMAILS = ["audit@example.org"]
    settings.ACCESS_LOG_CHECKPOINT_WEBHOOK = f"http://127.0.0.1:{server.server_port}/anchor"
    try:
        log(1)
    finally:
        server.shutdown()
    line = json.loads(checkpoint_lines()[0])
    assert received == [line]
    assert mail.outbox[0].to == ["audit@example.org"]
    assert json.loads(mail.outbox[0].body) == line


def test_a_webhook_that_fails_is_reported_by_the_command(log, settings):
    log(1)
    settings.ACCESS_LOG_CHECKPOINT_WEBHOOK = "http://127.0.0.1:9/unreachable"
    with pytest.raises(CommandError, match="not sent: webhook"):
        call_command("privacy", "checkpoint-log")
    assert len(checkpoint_lines()) == 2  # the file still has it
