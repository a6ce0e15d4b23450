"""The copy of a user's roles in the shared cache (core.permissions.held_roles): read
instead of the database on every organiser page, and never older than the roles."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cyberweek.accounts.models import OrganiserRole, User
from cyberweek.core import outbox
from cyberweek.core.permissions import has_scope, held_roles
from cyberweek.geo.models import Region
from tests.accounts.factories import organiser
from tests.core.test_outages import redis_down  # noqa: F401 (a fixture)
from tests.shared_redis import next_try_is_due

pytestmark = pytest.mark.django_db
L = OrganiserRole.Level


def fresh(user):
    """The user as the next request loads it (no roles remembered on the object)."""
    return User.objects.get(pk=user.pk)


def test_the_roles_are_read_once_then_served_from_the_cache():
    tianjin = organiser(L.PROVINCIAL, "120000")
    assert [r.region.code for r in held_roles(fresh(tianjin))] == ["120000"]
    user = fresh(tianjin)
    with CaptureQueriesContext(connection) as queries:
        roles = held_roles(user)
    assert [(r.level, r.region.code) for r in roles] == [(L.PROVINCIAL, "120000")]
    assert len(queries) == 0


def test_a_revoked_role_stops_counting_on_the_next_request(region):
    tianjin = organiser(L.PROVINCIAL, "120000")
    assert has_scope(fresh(tianjin), action="organiser.access", region=region("120101"))
    OrganiserRole.objects.filter(user=tianjin).delete()
    assert held_roles(fresh(tianjin)) == []
    assert not has_scope(fresh(tianjin), action="organiser.access", region=region("120101"))


def test_a_granted_or_changed_role_counts_on_the_next_request(region):
    tianjin = organiser(L.PROVINCIAL, "120000")
    assert not has_scope(fresh(tianjin), action="organiser.access", region=region("110000"))
    role = OrganiserRole.objects.get(user=tianjin)
    role.region = Region.objects.get(code="110000")
    role.save()
    assert has_scope(fresh(tianjin), action="organiser.access", region=region("110000"))
    assert not has_scope(fresh(tianjin), action="organiser.access", region=region("120101"))


def test_one_users_cached_roles_are_never_anothers():
    tianjin = organiser(L.PROVINCIAL, "120000")
    heping = organiser(L.COUNTY, "120101")
    assert [r.region.code for r in held_roles(fresh(tianjin))] == ["120000"]
    assert [r.region.code for r in held_roles(fresh(heping))] == ["120101"]
    assert [r.region.code for r in held_roles(fresh(tianjin))] == ["120000"]


def test_a_deleted_account_leaves_no_roles_behind():
    tianjin = organiser(L.PROVINCIAL, "120000")
    held_roles(fresh(tianjin))
    ghost = fresh(tianjin)
    tianjin.delete()
    assert not OrganiserRole.objects.filter(user_id=ghost.pk).exists()
    assert held_roles(ghost) == []


def test_roles_come_from_the_database_when_redis_is_down(redis_down, region):  # noqa: F811
    tianjin = organiser(L.PROVINCIAL, "120000")
    assert has_scope(fresh(tianjin), action="organiser.access", region=region("120101"))
    OrganiserRole.objects.filter(user=tianjin).delete()
    assert not has_scope(fresh(tianjin), action="organiser.access", region=region("120101"))


def test_a_role_revoked_while_redis_is_away_does_not_come_back_with_it(shared_redis):
    tianjin = organiser(L.PROVINCIAL, "120000")
    assert held_roles(fresh(tianjin))  # cached in the real Redis
    shared_redis(False)
    OrganiserRole.objects.filter(user=tianjin).delete()  # the version cannot be forgotten now
    shared_redis(True)  # … and Redis answers again with the copy and its version
    next_try_is_due()
    outbox.deliver_due()
    assert held_roles(fresh(tianjin)) == []
