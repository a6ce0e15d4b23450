"""The key ring is made with the database and never again; a missing, corrupt or foreign ring
stops the platform with a message naming the file, instead of making a new ring that
silently leaves every stored value unreadable. Each case runs in fresh processes, as an
operator would meet it, on an embedded runtime of its own."""

import json
import shutil
import stat

import pytest

from cyberweek.core.crypto import new_key_ring_spec
from tests.core.test_settings import cyberweek


@pytest.fixture(scope="module")
def migrated(tmp_path_factory):
    """One embedded runtime migrated from nothing; each test works on a copy of it."""
    var = tmp_path_factory.mktemp("var")
    result = cyberweek("migrate", "--no-input", "-v", "0", CYBERWEEK_VAR_DIR=str(var))
    assert result.returncode == 0, result.stderr
    return var


@pytest.fixture
def var(migrated, tmp_path):
    copy = tmp_path / "var"
    shutil.copytree(migrated, copy)
    return copy


def check(var):
    return cyberweek("check", CYBERWEEK_VAR_DIR=str(var))


def test_migrating_a_new_database_makes_its_key_ring_readable_by_the_owner_only(var):
    keys = var / "keys.json"
    assert stat.S_IMODE(keys.stat().st_mode) == 0o600
    result = check(var)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_a_missing_key_ring_stops_the_platform_and_is_not_made_again(var):
    (var / "keys.json").unlink()
    result = check(var)
    assert result.returncode != 0
    assert "core.E001" in result.stderr
    assert f"The encryption key ring {var / 'keys.json'} (CYBERWEEK_KEY_FILE) does not exist" in (
        result.stderr
    )
    migrate = cyberweek("migrate", "--no-input", CYBERWEEK_VAR_DIR=str(var))
    assert migrate.returncode != 0
    assert "does not exist" in migrate.stderr
    wsgi = cyberweek("shell", "-c", "import cyberweek.wsgi", CYBERWEEK_VAR_DIR=str(var))
    assert wsgi.returncode != 0
    assert "(CYBERWEEK_KEY_FILE) does not exist" in wsgi.stderr
    assert not (var / "keys.json").exists()


def test_another_key_ring_is_refused_because_it_cannot_open_the_check_value(var):
    (var / "keys.json").write_text(json.dumps(new_key_ring_spec()))
    result = check(var)
    assert result.returncode != 0
    assert "core.E001" in result.stderr
    assert "does not open the check value the database stored when it was created" in (
        result.stderr
    )


def test_a_key_ring_with_another_index_key_is_refused(var):
    spec = json.loads((var / "keys.json").read_text())
    spec["index"] = new_key_ring_spec()["index"]
    (var / "keys.json").write_text(json.dumps(spec))
    result = check(var)
    assert result.returncode != 0
    assert "is not the one the database was written with: sign-in" in result.stderr


def test_a_corrupt_key_ring_is_named(var):
    (var / "keys.json").write_text('{"active": "x"')
    result = check(var)
    assert result.returncode != 0
    assert "keys.json (CYBERWEEK_KEY_FILE): a key ring is JSON with 'active'" in result.stderr


def test_a_key_ring_in_the_environment_is_checked_the_same_way(var):
    result = cyberweek(
        "check", CYBERWEEK_VAR_DIR=str(var), CYBERWEEK_KEYS=json.dumps(new_key_ring_spec())
    )
    assert result.returncode != 0
    assert "The encryption key ring from CYBERWEEK_KEYS does not open the check value" in (
        result.stderr
    )
