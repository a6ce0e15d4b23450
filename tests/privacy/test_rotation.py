import json
import threading

import pytest
from django.core.management import call_command
from django.db import connection

from cyberweek.accounts.models import User
from cyberweek.core.crypto import key_ring, new_key_ring_spec
from cyberweek.core.key_check import check_row
from cyberweek.core.models import KeyRingCheck
from cyberweek.privacy.rotation import rotate_keys
from tests.accounts.factories import UserFactory


@pytest.fixture
def ring_file(settings, tmp_path):
    """A key ring in a file of the test's own, which the test can rotate."""
    spec = new_key_ring_spec(key_id="first")
    path = tmp_path / "keys.json"
    path.write_text(json.dumps(spec))
    settings.CYBERWEEK_KEYS = ""
    settings.CYBERWEEK_KEY_FILE = path
    # The database's check value belongs to the session's ring, not this one: store it
    # again under this ring, as migrate does for a new database.
    KeyRingCheck.objects.all().delete()
    KeyRingCheck.objects.create(**check_row(key_ring()))

    def add_key(key_id, algorithm="aes-256-gcm"):
        newer = new_key_ring_spec(algorithm=algorithm, key_id=key_id)
        spec["keys"].update(newer["keys"])
        spec["active"] = key_id
        path.write_text(json.dumps(spec))

    return add_key


def key_ids():
    with connection.cursor() as cursor:
        cursor.execute("SELECT email, mobile, display_name FROM accounts_user")
        return {value.split(":")[1] for row in cursor.fetchall() for value in row if value}


@pytest.mark.django_db
def test_rotation_rewrites_every_value_under_the_new_key_and_keeps_lookups(ring_file, capsys):
    people = [UserFactory(email=f"p{i}@example.org", display_name=f"参与者{i}") for i in range(7)]
    assert key_ids() == {"first"}
    ring_file("second", algorithm="sm4-gcm")
    call_command("privacy", "rotate-key", "--batch-size", "3")
    out = capsys.readouterr().out
    assert "accounts.user: 7 rows rewritten" in out
    assert "core.keyringcheck: 1 rows rewritten" in out
    assert key_ids() == {"second"}
    for i, _person in enumerate(people):
        assert User.objects.by_email(f"p{i}@example.org").get().display_name == f"参与者{i}"
    assert rotate_keys().total == 0


@pytest.mark.django_db(transaction=True)
def test_rotation_under_concurrent_writes_loses_nothing(ring_file, regions):
    people = [UserFactory(email=f"w{i}@example.org", display_name="0") for i in range(30)]
    ring_file("second")
    stop = threading.Event()
    last_written = {}

    def writer(offset):
        # Each writer owns half the people, so the last write to a person is well defined.
        mine = people[offset::2]
        n = 0
        try:
            while not stop.is_set() and n < 200:
                n += 1
                person = mine[n % len(mine)]
                name = f"{offset}-{n}"
                User.objects.filter(pk=person.pk).update(display_name=name)
                last_written[person.pk] = name
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(k,)) for k in range(2)]
    for thread in threads:
        thread.start()
    report = rotate_keys(batch_size=4)
    stop.set()
    for thread in threads:
        thread.join()
    rotate_keys(batch_size=4)  # rows a writer rewrote mid-rotation are under the new key too

    assert key_ids() == {"second"}
    for person in people:
        expected = last_written.get(person.pk, "0")
        assert User.objects.get(pk=person.pk).display_name == expected
    assert report.active_key == "second"
