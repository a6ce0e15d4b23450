from datetime import date
from decimal import Decimal

from django.utils import timezone

from cyberweek.activities.models import Activity
from cyberweek.campaigns.models import (
    Campaign,
    CampaignActivity,
    ServiceCertificate,
    Volunteer,
    VolunteerTask,
)
from cyberweek.geo.models import Region, Sector
from tests.activities.factories import ActivityFactory
from tests.programme.factories import EditionFactory


def campaign_data(region_code: str = "120000", **overrides) -> dict:
    """What an organiser fills in for the maritime launch in Tianjin (2019 edition)."""
    data = {
        "slug": "ship-cybersecurity",
        "title": "船舶网络安全行业发布",
        "title_en": "Ship Cybersecurity launch",
        "summary": "发布船舶网络安全指南。",
        "kind": Campaign.Kind.INDUSTRY,
        "sectors": [Sector.SCHOOL, Sector.ENTERPRISE],
        "region": Region.objects.get(code=region_code),
        "starts_on": date(2019, 9, 10),
        "ends_on": date(2019, 9, 25),
        "goal_activities": 2,
        "goal_participants": 500,
        "goal_regions": 2,
        "is_published": True,
    }
    data.update(overrides)
    return data


def campaign(**overrides) -> Campaign:
    data = campaign_data(**overrides)
    return Campaign.objects.create(
        edition=EditionFactory(), region_path=data["region"].path, **data
    )


def verified_activity(region_code: str, participants: int, online: int = 0, **fields) -> Activity:
    return ActivityFactory(
        region=Region.objects.get(code=region_code),
        status=Activity.Status.VERIFIED,
        participants=participants,
        online_reach=online,
        outcome_reported_at=timezone.now(),
        **fields,
    )


def use_campaigns(user, staff):
    """`user` created a campaign, joined an activity, volunteered with a confirmed task and
    holds a certificate (for the privacy export's completeness test)."""
    made = campaign(slug="privacy-check")
    Campaign.objects.filter(pk=made.pk).update(created_by=user)
    CampaignActivity.objects.create(campaign=made, activity=ActivityFactory(), added_by=user)
    volunteer = Volunteer.objects.create(
        campaign=made,
        user=user,
        status=Volunteer.Status.ACTIVE,
        invited_by=staff,
        responded_at=timezone.now(),
    )
    VolunteerTask.objects.create(
        volunteer=volunteer,
        description="发放宣传册",
        worked_on=date(2019, 9, 16),
        hours=Decimal(3),
        status=VolunteerTask.Status.CONFIRMED,
        decided_by=staff,
        decided_at=timezone.now(),
        comment="好",
    )
    ServiceCertificate.objects.create(
        volunteer=volunteer,
        code="privacy-code",
        holder_name="张三",
        hours=Decimal(3),
        issued_at=timezone.now(),
    )
    return volunteer
