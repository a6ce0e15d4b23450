"""What the embedded runtime writes to disk stays in var/, readable by its owner only, wherever
the command is started from; links in mail start with SITE_URL. Fresh processes, as an
operator would run them."""

import os
import stat
import subprocess
import sys

from tests.core.test_settings import PRODUCTION, cyberweek

SCRIPT = """
import os, stat
from django.conf import settings
from django.core.mail import send_mail
from django.db import connection
send_mail("subject", "body", None, ["someone@example.org"])
cursor = connection.cursor()
cursor.execute("CREATE TABLE probe (x integer)")
cursor.execute("INSERT INTO probe VALUES (1)")
name = settings.DATABASES["default"]["NAME"]
for path in (name, name + "-wal", name + "-shm"):
    print(path, oct(stat.S_IMODE(os.stat(path).st_mode)))
print("mail", settings.EMAIL_FILE_PATH)
print("site", settings.SITE_URL)
"""


def run_elsewhere(tmp_path, var):
    """`cyberweek shell` started from a folder that is not the project's."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {*PRODUCTION, "CYBERWEEK_KEY_FILE", "EMAIL_URL", "SITE_URL"}
    }
    result = subprocess.run(
        [sys.executable, "-m", "cyberweek", "shell", "--no-imports", "-c", SCRIPT],
        env={**env, "CYBERWEEK_VAR_DIR": str(var), "PYTHONPATH": os.environ.get("PYTHONPATH", "")},
        cwd=elsewhere,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return elsewhere, dict(line.rsplit(" ", 1) for line in result.stdout.splitlines())


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_database_and_mail_stay_in_var_and_are_readable_by_the_owner_only(tmp_path):
    var = tmp_path / "var"
    elsewhere, printed = run_elsewhere(tmp_path, var)
    database = var / "cyberweek.sqlite3"
    assert printed[str(database)] == "0o600"
    assert printed[f"{database}-wal"] == "0o600"
    assert printed[f"{database}-shm"] == "0o600"
    assert printed["mail"] == str(var / "mail")
    assert mode(var) == 0o700
    assert mode(var / "mail") == 0o700
    mails = list((var / "mail").iterdir())
    assert len(mails) == 1
    assert mode(mails[0]) == 0o600
    assert not list(elsewhere.iterdir()), "nothing is written where the command was started"


def test_an_older_world_readable_var_is_closed_on_start(tmp_path):
    var = tmp_path / "var"
    var.mkdir(mode=0o755)
    (var / "cyberweek.sqlite3").touch(mode=0o644)
    run_elsewhere(tmp_path, var)
    assert mode(var) == 0o700
    assert mode(var / "cyberweek.sqlite3") == 0o600


def test_the_embedded_site_url_is_the_demo_server(tmp_path):
    _elsewhere, printed = run_elsewhere(tmp_path, tmp_path / "var")
    assert printed["site"] == "http://127.0.0.1:8000"


def test_production_links_default_to_https_on_the_first_allowed_host():
    script = "from django.conf import settings; print(settings.SITE_URL)"
    result = cyberweek("shell", "--no-imports", "-c", script, **PRODUCTION)
    assert result.stdout.strip() == "https://cyberweek.example.cn", result.stderr


def test_a_site_url_with_a_path_is_refused():
    result = cyberweek("check", SITE_URL="https://cyberweek.example.cn/zh/")
    assert result.returncode != 0
    assert "SITE_URL must be the site's address without a path" in result.stderr
