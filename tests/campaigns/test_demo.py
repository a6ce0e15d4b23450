import pytest

from cyberweek.accounts.models import OrganiserRole
from cyberweek.activities import demo as activities_demo
from cyberweek.campaigns import demo, queries, services
from cyberweek.campaigns.models import Campaign, Volunteer
from cyberweek.demo import edition_current
from tests.accounts.factories import UserFactory, organiser

pytestmark = pytest.mark.django_db


def test_demo_campaigns_show_progress_and_a_volunteer_with_hours_repeatably():
    national = organiser(OrganiserRole.Level.NATIONAL)
    UserFactory(email="visitor@example.org")
    current = edition_current.load(national)
    activities_demo.load(national, edition=current, count=160)
    assert demo.load(national, current) == 3
    campaigns = {c.slug: c for c in Campaign.objects.filter(edition=current)}
    assert set(campaigns) == {"university", "ship-cybersecurity", "finance"}
    for campaign in campaigns.values():
        assert campaign.is_published
        achieved = {g.key: g.achieved for g in queries.progress(campaign).goals}
        assert achieved["activities"] > 0, campaign.slug
    volunteer = Volunteer.objects.get(user__email_index__isnull=False)
    assert volunteer.status == Volunteer.Status.ACTIVE
    assert services.confirmed_hours(volunteer) == 7.5
    assert demo.load(national, current) == 0
    assert Campaign.objects.count() == 3
