import pytest

from cyberweek.accounts.models import OrganiserRole
from tests.accounts.factories import organiser


@pytest.fixture
def national():
    """A national organiser: the micro-video contest's organisers are national."""
    return organiser(OrganiserRole.Level.NATIONAL)
