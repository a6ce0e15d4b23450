"""Every page works in Simplified Chinese: no message may be left untranslated or fuzzy."""

import shutil
import subprocess
from pathlib import Path

import pytest

import cyberweek

CATALOGUES = sorted(Path(cyberweek.__file__).parent.glob("**/locale/zh_Hans/LC_MESSAGES/django.po"))


def test_there_is_a_chinese_catalogue_for_the_platform():
    assert any(p.parent.parent.parent.parent.name == "cyberweek" for p in CATALOGUES)


@pytest.mark.parametrize("catalogue", CATALOGUES, ids=lambda p: p.parts[-5])
def test_each_chinese_catalogue_is_complete_and_valid(catalogue):
    msgfmt = shutil.which("msgfmt")
    assert msgfmt, "gettext's msgfmt is needed (apt-get install gettext)"
    result = subprocess.run(
        [msgfmt, "--check", "--statistics", "-o", "/dev/null", str(catalogue)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "untranslated" not in result.stderr, result.stderr
    assert "fuzzy" not in result.stderr, result.stderr
