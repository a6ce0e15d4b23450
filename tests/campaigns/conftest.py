import pytest

from cyberweek.accounts.models import OrganiserRole
from tests.accounts.factories import UserFactory, organiser
from tests.activities.factories import HEPING, HEXI, TIANJIN
from tests.programme.factories import EditionFactory

L = OrganiserRole.Level


@pytest.fixture
def edition(db):
    return EditionFactory()


@pytest.fixture
def tianjin(db):
    return organiser(L.PROVINCIAL, TIANJIN)


@pytest.fixture
def hebei(db):
    return organiser(L.PROVINCIAL, "130000")


@pytest.fixture
def heping(db):
    return organiser(L.COUNTY, HEPING)


@pytest.fixture
def hexi(db):
    return organiser(L.COUNTY, HEXI)


@pytest.fixture
def national(db):
    return organiser(L.NATIONAL)


@pytest.fixture
def person(db):
    return UserFactory(email="volunteer@example.org")
