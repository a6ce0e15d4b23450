import pytest

from cyberweek.accounts.models import OrganiserRole
from tests.accounts.factories import organiser
from tests.programme.factories import EditionFactory, ThemedDayFactory

from .factories import HEPING, HEXI, TIANJIN, TIANJIN_DISTRICTS

L = OrganiserRole.Level


@pytest.fixture
def edition(db):
    edition = EditionFactory()
    ThemedDayFactory(edition=edition)
    return edition


@pytest.fixture
def heping(db):
    """The county organiser of Heping District: runs its activities."""
    return organiser(L.COUNTY, HEPING)


@pytest.fixture
def hexi(db):
    """The county organiser of a neighbouring district: out of Heping's scope."""
    return organiser(L.COUNTY, HEXI)


@pytest.fixture
def tianjin(db):
    """The provincial organiser of Tianjin: reviews the districts' activities."""
    return organiser(L.PROVINCIAL, TIANJIN)


@pytest.fixture
def tianjin_city(db):
    """The prefectural organiser of Tianjin's districts: the region right above Heping."""
    return organiser(L.PREFECTURAL, TIANJIN_DISTRICTS)


@pytest.fixture
def hebei(db):
    return organiser(L.PROVINCIAL, "130000")


@pytest.fixture
def national(db):
    return organiser(L.NATIONAL)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Outcome photos land in a temporary folder, not the embedded runtime's media."""
    settings.MEDIA_ROOT = tmp_path / "media"
