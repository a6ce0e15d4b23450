"""The ticket signing key in the embedded runtime: made while no ticket is out, never
replaced once tickets carry its signatures."""

import pytest

from cyberweek.tickets import signing
from tests.tickets.factories import RegistrationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def key_file(settings, tmp_path):
    settings.TICKET_SIGNING_KEY = ""
    settings.TICKET_SIGNING_KEY_FILE = tmp_path / "ticket-signing-key.pem"
    signing.reset_signing_key_cache()
    yield settings.TICKET_SIGNING_KEY_FILE
    signing.reset_signing_key_cache()


def test_a_key_is_made_while_no_ticket_has_been_issued(key_file):
    assert signing.check_signing_key() == []
    assert key_file.is_file()
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"


def test_a_lost_key_file_is_an_error_once_tickets_are_out(key_file):
    signing.signing_key()
    RegistrationFactory()
    key_file.unlink()
    signing.reset_signing_key_cache()
    [error] = signing.check_signing_key()
    assert error.id == "tickets.E001"
    assert str(key_file) in error.msg
    assert "restore the file" in error.msg
    assert not key_file.exists()  # no new key was made in its place
