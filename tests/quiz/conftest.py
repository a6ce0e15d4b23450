import pytest

from cyberweek.quiz import answer_store


@pytest.fixture(autouse=True)
def _forget_papers():
    """Each test's rollback lets SQLite hand out the same attempt ids again, which a real
    database never does: start every test with an empty paper cache."""
    answer_store._papers.clear()
    yield
    answer_store._papers.clear()
