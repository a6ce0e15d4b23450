import pytest

from cyberweek.accounts.models import OrganiserRole
from cyberweek.core.errors import PermissionDenied
from cyberweek.core.models import AuditEvent
from cyberweek.core.permissions import has_scope, require_scope
from cyberweek.core.transactions import service
from cyberweek.geo.models import Sector
from tests.accounts.factories import UserFactory, organiser

pytestmark = pytest.mark.django_db
L = OrganiserRole.Level


def test_a_role_covers_its_region_and_everything_below(region):
    tianjin = organiser(L.PROVINCIAL, "120000")
    assert has_scope(tianjin, action="organiser.access", region=region("120000"))
    assert has_scope(tianjin, action="organiser.access", region=region("120101"))
    assert not has_scope(tianjin, action="organiser.access", region=region("110000"))
    assert not has_scope(tianjin, action="organiser.access", region=None)


def test_a_national_role_covers_the_whole_country(region):
    national = organiser(L.NATIONAL)
    assert has_scope(national, action="programme.manage", region=None)
    assert has_scope(national, action="programme.manage", region=region("650100"))


def test_a_sector_role_covers_only_its_sector(region):
    schools = organiser(L.COUNTY, "120101", sector=Sector.SCHOOL)
    assert has_scope(schools, action="organiser.access", region=region("120101"), sector="school")
    assert not has_scope(
        schools, action="organiser.access", region=region("120101"), sector="finance"
    )


def test_an_action_is_limited_to_the_levels_named_for_it(region):
    provincial = organiser(L.PROVINCIAL, "120000")
    assert not has_scope(provincial, action="programme.manage", region=region("120000"))


def test_people_without_a_role_and_anonymous_visitors_have_no_scope():
    from django.contrib.auth.models import AnonymousUser

    assert not has_scope(UserFactory(), action="organiser.access")
    assert not has_scope(AnonymousUser(), action="organiser.access")


def test_a_deactivated_organiser_has_no_scope():
    national = organiser(L.NATIONAL, is_active=False)
    assert not has_scope(national, action="programme.manage")


def test_an_unknown_action_is_a_programming_error():
    with pytest.raises(KeyError, match="Unknown action"):
        has_scope(organiser(L.NATIONAL), action="nonsense.do")


def test_a_refusal_outside_a_transaction_is_recorded():
    participant = UserFactory()
    with pytest.raises(PermissionDenied):
        require_scope(participant, action="programme.manage")
    denial = AuditEvent.objects.get()
    assert (denial.actor, denial.action, denial.outcome) == (
        participant,
        "programme.manage",
        "denied",
    )


@service
def _change_then_check(actor):
    UserFactory(email="written-before-the-check@example.org")
    require_scope(actor, action="programme.manage")


def test_a_refusal_inside_a_service_rolls_back_the_change_but_keeps_the_record():
    from cyberweek.accounts.models import User

    participant = UserFactory()
    with pytest.raises(PermissionDenied):
        _change_then_check(participant)
    assert not User.objects.by_email("written-before-the-check@example.org").exists()
    assert AuditEvent.objects.filter(outcome="denied", actor=participant).count() == 1
