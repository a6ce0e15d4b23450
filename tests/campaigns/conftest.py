import pytest

from tests.accounts.factories import UserFactory
from tests.activities.conftest import hebei, heping, hexi, national, tianjin  # noqa: F401
from tests.programme.factories import EditionFactory


@pytest.fixture
def edition(db):
    return EditionFactory()


@pytest.fixture
def person(db):
    return UserFactory(email="volunteer@example.org")
