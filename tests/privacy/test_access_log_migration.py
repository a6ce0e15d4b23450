"""Entries written under the old unkeyed SHA-256 chain are re-chained under the key ring by
the migration, in their order, and verify afterwards."""

import hashlib
import json
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from cyberweek.privacy import services
from cyberweek.privacy.checkpoints import checkpoint_head
from cyberweek.privacy.models import AccessLogEntry

OLD, NEW = [("privacy", "0001_initial")], [("privacy", "0002_keyed_access_log")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_existing_entries_are_rechained_under_the_key_ring():
    old_apps = migrate(OLD)
    Entry = old_apps.get_model("privacy", "AccessLogEntry")
    prev = "0" * 64
    start = datetime(2026, 9, 1, tzinfo=UTC)
    for i in range(3):
        fields = [f"user:{i}", "user:9", "account", "support"]
        when = start + timedelta(minutes=i)
        payload = json.dumps([prev, when.isoformat(), *fields], separators=(",", ":"))
        digest = hashlib.sha256(payload.encode()).hexdigest()
        Entry.objects.create(
            created_at=when,
            actor_ref=fields[0],
            subject_ref=fields[1],
            what=fields[2],
            why=fields[3],
            prev_hash=prev,
            entry_hash=digest,
        )
        prev = digest
    migrate(NEW)
    entries = list(AccessLogEntry.objects.order_by("seq"))
    assert [(e.seq, e.actor_ref) for e in entries] == [(1, "user:0"), (2, "user:1"), (3, "user:2")]
    assert all(e.key_id for e in entries)
    checkpoint_head()
    check = services.verify_access_log()
    assert (check.ok, check.checked) == (True, 3), check.reason
