import pytest

from cyberweek.accounts.models import OrganiserRole
from cyberweek.tipline import demo
from cyberweek.tipline.models import Cluster, Report, Volunteer
from tests.accounts.factories import UserFactory, organiser

pytestmark = pytest.mark.django_db


def test_demo_files_reports_in_every_state_with_clusters_repeatably():
    national = organiser(OrganiserRole.Level.NATIONAL)
    for email in ("tianjin@example.org", "heping@example.org"):
        UserFactory(email=email)
    assert demo.load(national) == 28
    statuses = set(Report.objects.values_list("status", flat=True))
    assert statuses == set(Report.Status.values)
    assert set(Report.objects.values_list("kind", flat=True)) == set(Report.Kind.values)
    assert Cluster.objects.get(value="http://icbc-verify.example.com/login").report_count == 3
    assert Cluster.objects.get(kind="phone", value="+8617012345678").report_count == 3
    assert Cluster.objects.filter(taken_down_at__isnull=False).count() == 1
    assert Volunteer.objects.filter(region__code="120000").count() == 2
    count = Report.objects.count()
    assert demo.load(national) == 0
    assert Report.objects.count() == count
