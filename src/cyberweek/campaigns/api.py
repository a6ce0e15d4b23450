"""JSON for campaigns: the published campaigns with their progress (no personal data), and
for organisers: create a campaign and join activities to it."""

import datetime as dt

from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from cyberweek.core.api_auth import organiser
from cyberweek.core.api_enums import named_choices
from cyberweek.core.api_pagination import Pagination
from cyberweek.core.api_problems import Problem
from cyberweek.core.errors import NotFound
from cyberweek.geo.models import Region, Sector
from cyberweek.programme.queries import current_edition, published_editions

from . import queries, services
from .models import Campaign

router = Router(tags=["campaigns"])
ERRORS = {404: Problem, 422: Problem}
ORGANISER_ERRORS = {401: Problem, 403: Problem, 404: Problem, 409: Problem, 422: Problem}
CampaignKind = named_choices(Campaign.Kind, "CampaignKind")


class CampaignGoalOut(Schema):
    key: str = Field(..., description="activities, participants or regions")
    target: int
    achieved: int = Field(..., description="from approved activities and verified outcomes")


class CampaignOut(Schema):
    id: int
    year: int
    slug: str
    title: str
    title_en: str
    summary: str = Field(..., description="personal information masked")
    summary_en: str = Field(..., description="English; personal information masked")
    kind: CampaignKind
    sectors: list[Sector] = Field(..., description="empty: every sector")
    region_code: str
    region: str
    starts_on: dt.date
    ends_on: dt.date
    goals: list[CampaignGoalOut]
    awaiting_verification: int = Field(..., description="participants in unverified reports")
    volunteers: int
    confirmed_hours: float

    @staticmethod
    def from_campaign(campaign: Campaign) -> dict:
        progress = queries.progress(campaign)
        return {
            "id": campaign.pk,
            "year": campaign.edition.year,
            "slug": campaign.slug,
            "title": campaign.title,
            "title_en": campaign.title_en,
            "summary": campaign.summary,
            "summary_en": campaign.summary_en,
            "kind": campaign.kind,
            "sectors": campaign.sectors,
            "region_code": campaign.region.code,
            "region": str(campaign.region),
            "starts_on": campaign.starts_on,
            "ends_on": campaign.ends_on,
            "goals": [
                {"key": g.key, "target": g.target, "achieved": g.achieved} for g in progress.goals
            ],
            "awaiting_verification": progress.awaiting_verification,
            "volunteers": progress.volunteers,
            "confirmed_hours": float(progress.confirmed_hours),
        }


class CampaignQuery(Schema):
    year: int | None = Field(None, ge=2014, le=2100, description="edition; default the newest")


def _edition(year):
    edition = (
        published_editions().filter(year=year).first() if year is not None else current_edition()
    )
    if edition is None:
        raise NotFound("No such published edition.", field="year")
    return edition


@router.get("/", response={200: list[CampaignOut], **ERRORS})
@paginate(Pagination)
def list_campaigns(request, params: Query[CampaignQuery]):
    """Published campaigns of an edition with their progress toward each goal."""
    return [
        CampaignOut.from_campaign(c) for c in queries.published_campaigns(_edition(params.year))
    ]


@router.get("/{int:year}/{slug}", response={200: CampaignOut, **ERRORS})
def get_campaign(request, year: int, slug: str):
    return CampaignOut.from_campaign(queries.published_campaign(year, slug[:60]))


class CampaignIn(Schema):
    year: int | None = Field(None, ge=2014, le=2100, description="edition; default the newest")
    slug: str = Field(..., pattern=r"^[-a-zA-Z0-9_]{1,60}$")
    title: str = Field(..., max_length=120)
    title_en: str = Field("", max_length=120)
    summary: str = Field("", max_length=2000)
    summary_en: str = Field("", max_length=2000)
    kind: CampaignKind
    sectors: list[Sector] = Field(default_factory=list, max_length=9)
    region: str = Field(..., pattern=r"^[0-9]{6}$", description="region code, in your scope")
    starts_on: dt.date
    ends_on: dt.date
    goal_activities: int = Field(..., description="at least 1", le=2**31 - 1, ge=-(2**31))
    goal_participants: int = Field(..., description="at least 1", le=2**31 - 1, ge=-(2**31))
    goal_regions: int = Field(..., description="at least 1", le=2**31 - 1, ge=-(2**31))
    is_published: bool = False


@router.post("/", response={201: CampaignOut, **ORGANISER_ERRORS}, auth=organiser)
def create_campaign(request, payload: CampaignIn):
    """Create a campaign for a region in your scope. A goal of zero or less is refused
    (422, naming the goal)."""
    region = Region.objects.filter(code=payload.region, is_active=True).first()
    if region is None:
        raise NotFound("There is no current region with that code.", field="region")
    data = payload.dict(exclude={"year"})
    data.update(region=region, sectors=[str(s) for s in payload.sectors], kind=str(payload.kind))
    campaign = services.create_campaign(
        actor=request.auth, edition=_edition(payload.year), data=data
    )
    return Status(201, CampaignOut.from_campaign(campaign))


class CampaignLinkIn(Schema):
    activity: int = Field(..., ge=1, le=2**31 - 1)


class CampaignLinkOut(Schema):
    campaign: int
    activity: int


@router.post(
    "/manage/{int:campaign_id}/activities",
    response={201: CampaignLinkOut, **ORGANISER_ERRORS},
    auth=organiser,
)
def add_activity(request, campaign_id: int, payload: CampaignLinkIn):
    """Join an activity of the campaign's region, sectors and days to it."""
    link = services.add_activity(
        actor=request.auth, campaign_id=campaign_id, activity_id=payload.activity
    )
    return Status(201, {"campaign": link.campaign_id, "activity": link.activity_id})


@router.delete(
    "/manage/{int:campaign_id}/activities/{int:activity_id}",
    response={204: None, **ORGANISER_ERRORS},
    auth=organiser,
)
def remove_activity(request, campaign_id: int, activity_id: int):
    services.remove_activity(actor=request.auth, campaign_id=campaign_id, activity_id=activity_id)
    return Status(204, None)
