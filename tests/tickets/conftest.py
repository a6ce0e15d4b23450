import pytest

from cyberweek.accounts.models import OrganiserRole
from tests.accounts.factories import UserFactory, organiser

from .factories import OfferingFactory

L = OrganiserRole.Level
TIANJIN, HEPING = "120000", "120101"


@pytest.fixture
def national(db):
    return organiser(L.NATIONAL)


@pytest.fixture
def offering(db):
    return OfferingFactory()


@pytest.fixture
def person(db):
    return UserFactory()


@pytest.fixture
def outbox(mailoutbox):
    return mailoutbox
