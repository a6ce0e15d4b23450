"""Reports read the standby while it is usable and the primary otherwise, against real
connections: a second connection to the same database stands in for a healthy standby,
and a closed port (or an unopenable file) for one that is down."""

import logging

import pytest
from django.db import DatabaseError, connections
from django.db.utils import load_backend
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cyberweek.accounts.models import OrganiserRole
from cyberweek.core import replicas
from cyberweek.core.models import AuditEvent
from cyberweek.core.replicas import reporting_reads
from cyberweek.geo.models import Region
from tests.accounts.factories import organiser
from tests.ports import unused_port
from tests.programme.factories import EditionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def standby(settings):
    """Adds a `standby` connection; returns a function that points it somewhere. The
    wrapper is made by hand, as Django's test case refuses aliases it was not told of."""

    def point(*, down: bool = False):
        config = dict(connections["default"].settings_dict)
        if down and config["ENGINE"].endswith("sqlite3"):
            config["NAME"] = "/nonexistent-folder/standby.sqlite3"
        elif down:
            config["PORT"] = unused_port()
        forget()
        settings.DATABASE_STANDBY_URL = "configured"
        backend = load_backend(config["ENGINE"])
        connections[replicas.STANDBY] = backend.DatabaseWrapper(config, replicas.STANDBY)

    def forget():
        wrapper = getattr(connections._connections, replicas.STANDBY, None)
        if wrapper is not None:
            wrapper.close()
            delattr(connections._connections, replicas.STANDBY)
        replicas.forget_standby_state()

    yield point
    forget()


def test_reports_read_the_standby_and_writes_still_go_to_the_primary(standby):
    standby()
    assert Region.objects.all().db == "default"
    with reporting_reads():
        assert Region.objects.all().db == replicas.STANDBY
        assert Region.objects.filter(code="120000").exists()  # a real read there
        event = AuditEvent.objects.create(action="test.write")
    assert event._state.db == "default"


def test_a_standby_that_is_down_sends_reports_to_the_primary(standby, caplog):
    standby(down=True)
    with caplog.at_level(logging.WARNING), reporting_reads():
        assert Region.objects.all().db == "default"
        assert Region.objects.filter(code="120000").exists()
    assert "standby unreachable" in caplog.text
    standby()  # back, and checked again
    with reporting_reads():
        assert Region.objects.all().db == replicas.STANDBY


def test_a_standby_that_dies_between_checks_still_gives_the_report(standby):
    standby()
    with reporting_reads():
        assert Region.objects.filter(code="120000").exists()  # checked: usable
    wrapper = connections[replicas.STANDBY]
    wrapper.close()
    if wrapper.vendor == "sqlite":
        wrapper.settings_dict["NAME"] = "/nonexistent-folder/standby.sqlite3"
    else:
        wrapper.settings_dict["PORT"] = unused_port()
    tried = []

    def figures():
        tried.append(Region.objects.all().db)
        return Region.objects.filter(code="120000").exists()

    assert replicas.report(figures) is True
    assert tried == [replicas.STANDBY, "default"]
    # Marked down at once: the next reports go to the primary without trying the standby.
    with reporting_reads():
        assert Region.objects.all().db == "default"


def test_a_report_that_fails_on_the_primary_is_not_retried(standby):
    calls = []

    def broken():
        calls.append(1)
        Region.objects.raw("SELECT no_such_column FROM geo_region")[0]

    with pytest.raises(DatabaseError):
        replicas.report(broken)
    assert len(calls) == 1


def test_a_standby_lagging_past_the_limit_is_not_read(standby, settings):
    standby()
    settings.STANDBY_MAX_LAG_SECONDS = -1  # even a current standby is "too far behind"
    with reporting_reads():
        assert Region.objects.all().db == "default"


def test_the_standby_is_never_migrated():
    router = replicas.ReportingRouter()
    assert router.allow_migrate(replicas.STANDBY, "core") is False
    assert router.allow_migrate("default", "core") is True


def test_the_coverage_page_counts_on_the_standby(client, standby):
    standby()
    EditionFactory()
    client.force_login(organiser(OrganiserRole.Level.PROVINCIAL, "120000"))
    with CaptureQueriesContext(connections[replicas.STANDBY]) as on_standby:
        response = client.get(reverse("organiser:activities_coverage"))
    assert response.status_code == 200
    assert len(on_standby.captured_queries) > 0
