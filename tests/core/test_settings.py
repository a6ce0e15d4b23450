"""The settings module in each runtime, checked in a fresh process as an operator would."""

import base64
import json
import os
import subprocess
import sys

import pytest

from cyberweek.core.crypto import new_key_ring_spec

PRODUCTION = {
    "CYBERWEEK_ENV": "production",
    "SECRET_KEY": "a-long-random-test-value-that-is-not-used-anywhere-else-0123456789",
    "ALLOWED_HOSTS": "cyberweek.example.cn",
    # A database nobody has: `check` reads the key ring's check value when it can, and these
    # tests must never read another checkout's data.
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/cyberweek_settings_check_absent",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "CYBERWEEK_KEYS": json.dumps(new_key_ring_spec()),
    "TICKET_SIGNING_KEY": base64.b64encode(os.urandom(32)).decode(),
    "SMS_SENDER": "cyberweek.accounts.delivery.ConsoleSmsSender",
}


def cyberweek(*args, **env):
    # Only what an operator would set: nothing from this test process's own settings.
    dropped = {*PRODUCTION, "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE", "CYBERWEEK_KEY_FILE"}
    base = {k: v for k, v in os.environ.items() if k not in dropped}
    return subprocess.run(
        [sys.executable, "-m", "cyberweek", *args],
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_settings_pass_the_deployment_checks():
    result = cyberweek("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    "missing",
    [
        "SECRET_KEY",
        "ALLOWED_HOSTS",
        "DATABASE_URL",
        "REDIS_URL",
        "TICKET_SIGNING_KEY",
        "SMS_SENDER",
    ],
)
def test_production_refuses_to_start_without_a_required_variable(missing):
    env = {k: v for k, v in PRODUCTION.items() if k != missing}
    result = cyberweek("check", **env)
    assert result.returncode != 0
    assert f"{missing} must be set when CYBERWEEK_ENV=production" in result.stderr


def test_production_refuses_to_start_without_encryption_keys():
    env = {k: v for k, v in PRODUCTION.items() if k != "CYBERWEEK_KEYS"}
    result = cyberweek("check", **env)
    assert result.returncode != 0
    assert "CYBERWEEK_KEYS or CYBERWEEK_KEY_FILE must hold the encryption key ring" in result.stderr


def test_production_names_a_key_file_that_is_not_there(tmp_path):
    env = {k: v for k, v in PRODUCTION.items() if k != "CYBERWEEK_KEYS"}
    absent = tmp_path / "absent.json"
    result = cyberweek("check", CYBERWEEK_KEY_FILE=str(absent), **env)
    assert result.returncode != 0
    assert f"CYBERWEEK_KEY_FILE names {absent}, which does not exist" in result.stderr


def test_production_never_reads_the_demo_key_file_lying_in_var(tmp_path):
    """It once started without CYBERWEEK_KEYS because a demo var/keys.json was there."""
    (tmp_path / "keys.json").write_text(json.dumps(new_key_ring_spec()))
    env = {k: v for k, v in PRODUCTION.items() if k != "CYBERWEEK_KEYS"}
    result = cyberweek("check", CYBERWEEK_VAR_DIR=str(tmp_path), **env)
    assert result.returncode != 0
    assert "CYBERWEEK_KEYS or CYBERWEEK_KEY_FILE must hold the encryption key ring" in result.stderr


def test_production_reads_a_key_file_it_is_told_about(tmp_path):
    keys = tmp_path / "keys.json"
    keys.write_text(json.dumps(new_key_ring_spec()))
    env = {k: v for k, v in PRODUCTION.items() if k != "CYBERWEEK_KEYS"}
    script = "from cyberweek.core.crypto import key_ring_source; print(key_ring_source())"
    result = cyberweek("shell", "--no-imports", "-c", script, CYBERWEEK_KEY_FILE=str(keys), **env)
    assert result.stdout.strip() == f"{keys} (CYBERWEEK_KEY_FILE)", result.stderr


def test_production_names_what_is_wrong_with_a_bad_key_ring():
    result = cyberweek("check", **{**PRODUCTION, "CYBERWEEK_KEYS": '{"active": "x"}'})
    assert "CYBERWEEK_KEYS: a key ring is JSON with 'active', 'keys' and 'index'" in result.stderr


def test_an_unknown_runtime_name_is_refused():
    result = cyberweek("check", CYBERWEEK_ENV="staging")
    assert "CYBERWEEK_ENV must be 'embedded' or 'production'" in result.stderr


def test_production_always_requires_a_second_factor_for_organisers():
    script = "from django.conf import settings; print(settings.ORGANISER_2FA_REQUIRED)"
    result = cyberweek(
        "shell", "--no-imports", "-c", script, ORGANISER_2FA_REQUIRED="false", **PRODUCTION
    )
    assert result.stdout.strip() == "True", result.stderr


def test_the_embedded_default_needs_no_variable_and_uses_sqlite_in_wal_mode(tmp_path):
    script = (
        "from django.db import connection; c = connection.cursor(); "
        "c.execute('PRAGMA journal_mode'); print(connection.vendor, c.fetchone()[0])"
    )
    result = cyberweek("shell", "--no-imports", "-c", script, CYBERWEEK_VAR_DIR=str(tmp_path))
    assert result.stdout.split() == ["sqlite", "wal"], result.stderr


def test_production_answers_probes_over_plain_http_and_redirects_people_to_https():
    # Load balancers and Prometheus ask each node directly over HTTP; people go to HTTPS.
    code = (
        "from django.test import Client; c = Client(HTTP_HOST='cyberweek.example.cn'); "
        "print(c.get('/healthz').status_code, c.get('/accounts/login/').status_code)"
    )
    result = cyberweek("shell", "--no-imports", "-c", code, **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["200", "301"]
