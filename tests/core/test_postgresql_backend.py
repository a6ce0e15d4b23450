"""The PostgreSQL backend's health check: skipped on a connection that has just served a
request, made again once it has been idle, and still replacing a dead connection. And its
prepared statements: only those that ask for it.

Runs against the PostgreSQL server of every machine (127.0.0.1:5432) in both passes of
the suite, with a connection of its own outside the test database."""

import psycopg
import pytest

from cyberweek.core.postgresql import base

SETTINGS = {
    "ENGINE": "cyberweek.core.postgresql",
    "NAME": "postgres",
    "USER": "postgres",
    "PASSWORD": "",
    "HOST": "127.0.0.1",
    "PORT": "5432",
    "CONN_MAX_AGE": 600,
    "CONN_HEALTH_CHECKS": True,
    "ATOMIC_REQUESTS": False,
    "AUTOCOMMIT": True,
    "OPTIONS": {},
    "TIME_ZONE": None,
    "TEST": {},
}


@pytest.fixture
def wrapper_for(django_db_blocker):
    # Its own server connections, not the test database: pytest-django's guard is lifted.
    django_db_blocker.unblock()
    made = []

    def make(**options):
        made.append(base.DatabaseWrapper({**SETTINGS, "OPTIONS": options}, alias="backend-test"))
        return made[-1]

    yield make
    for wrapper in made:
        wrapper.close()
    django_db_blocker.restore()


@pytest.fixture
def db(monkeypatch, wrapper_for):
    monkeypatch.setattr(base.DatabaseWrapper, "proven_at", float("-inf"))
    wrapper = wrapper_for()
    checks = []
    real_is_usable = wrapper.is_usable

    def counted():
        checks.append(1)
        return real_is_usable()

    monkeypatch.setattr(wrapper, "is_usable", counted)
    wrapper.checks = checks
    return wrapper


def serve_request(db, sql="SELECT 1"):
    """What Django does around a request: the request_started and request_finished hooks
    around one query."""
    db.close_if_unusable_or_obsolete()
    with db.cursor() as cursor:
        cursor.execute(sql)
        row = cursor.fetchone()
    db.close_if_unusable_or_obsolete()
    return row


def test_a_connection_that_just_served_a_request_is_not_checked_again(db):
    serve_request(db)  # a new connection: nothing to check
    serve_request(db)
    assert db.checks == []


def test_an_idle_connection_is_checked_before_it_is_used(db):
    serve_request(db)
    db.proven_at -= base.PROVEN_FOR + 1
    serve_request(db)
    assert db.checks == [1]
    serve_request(db)  # proven again by the request just served
    assert db.checks == [1]


def test_a_dead_idle_connection_is_replaced_without_failing_the_request(db):
    serve_request(db)
    pid = db.connection.info.backend_pid
    killer = base.DatabaseWrapper(dict(SETTINGS), alias="killer")
    with killer.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    killer.close()
    db.proven_at -= base.PROVEN_FOR + 1
    assert serve_request(db, "SELECT 42") == (42,)
    assert db.connection.info.backend_pid != pid


def test_a_request_that_failed_on_the_database_does_not_vouch_for_the_connection(db):
    serve_request(db)
    db.close_if_unusable_or_obsolete()
    with pytest.raises(Exception), db.cursor() as cursor:  # noqa: B017, PT011
        cursor.execute("SELECT * FROM no_such_table")
    proven = db.proven_at
    db.close_if_unusable_or_obsolete()
    assert db.proven_at == proven


def prepared_statements(db) -> list[str]:
    with db.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


def run_asking_to_prepare(db, sql):
    db.ensure_connection()
    with psycopg.Cursor(db.connection) as cursor:
        cursor.execute(sql, prepare=True)
        return cursor.fetchone()


def test_a_statement_that_asks_is_prepared_once_per_connection(wrapper_for):
    db = wrapper_for()
    sql = "SELECT 40 + 2 AS asked"
    assert run_asking_to_prepare(db, sql) == (42,)
    assert run_asking_to_prepare(db, sql) == (42,)
    assert prepared_statements(db) == [sql]


def test_django_queries_are_never_prepared(wrapper_for):
    db = wrapper_for()
    for _ in range(50):
        with db.cursor() as cursor:
            cursor.execute("SELECT %s::int AS plain", [7])
            assert cursor.fetchone() == (7,)
    assert prepared_statements(db) == []


def test_settings_can_still_turn_prepared_statements_off(wrapper_for):
    # For a pooler that cannot keep them (PgBouncer before 1.21, transaction mode).
    db = wrapper_for(prepare_threshold=None)
    run_asking_to_prepare(db, "SELECT 1 AS asked")
    assert prepared_statements(db) == []
