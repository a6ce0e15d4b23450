"""Read-only JSON of approved local activities: the list with its filters, one activity,
and the counts per province that the map shows. Contact details are never included."""

import datetime as dt
import re
from typing import Annotated

from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from pydantic import BeforeValidator

from cyberweek.core.api_auth import organiser
from cyberweek.core.api_enums import named_choices
from cyberweek.core.api_pagination import Pagination
from cyberweek.core.api_problems import Problem
from cyberweek.core.errors import NotFound
from cyberweek.geo.models import Region, Sector
from cyberweek.geo.queries import provinces
from cyberweek.programme.queries import current_edition, published_editions

from . import queries, reporting
from .models import Activity

router = Router(tags=["activities"])
ERRORS = {404: Problem, 422: Problem}


ActivityStatus = named_choices(Activity.Status, "ActivityStatus")


class ActivityOut(Schema):
    id: int
    title: str
    title_en: str
    description: str = Field(..., description="personal information masked")
    sector: Sector
    region_code: str
    region: str
    format: Activity.Format
    venue_address: str
    latitude: float | None
    longitude: float | None
    online_url: str
    audience: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    themed_day: dt.date | None = Field(None, description="date of the themed day it belongs to")
    expected_reach: int
    public_registration: bool
    capacity: int | None
    status: ActivityStatus

    @staticmethod
    def resolve_description(activity):
        return activity.public_description

    @staticmethod
    def resolve_region_code(activity):
        return activity.region.code

    @staticmethod
    def resolve_region(activity):
        return str(activity.region)

    @staticmethod
    def resolve_themed_day(activity):
        return activity.themed_day.date if activity.themed_day_id else None

    @staticmethod
    def resolve_latitude(activity):
        return float(activity.latitude) if activity.latitude is not None else None

    @staticmethod
    def resolve_longitude(activity):
        return float(activity.longitude) if activity.longitude is not None else None


class ProvinceCount(Schema):
    code: str
    name: str
    count: int


def _iso_date(value):
    # Pydantic would also read "0" or "1568592000" as a date (seconds since 1970).
    if isinstance(value, str) and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError("use YYYY-MM-DD")
    return value


IsoDate = Annotated[dt.date, BeforeValidator(_iso_date)]


class ActivityQuery(Schema):
    year: int | None = Field(None, ge=2014, le=2100, description="edition; default the newest")
    edition: int | None = Field(
        None, ge=2014, le=2100, description="edition's year, as the pages' selector sends it"
    )
    region: str | None = Field(None, pattern=r"^[0-9]{6}$", description="region code (subtree)")
    sector: Sector | None = None
    format: Activity.Format | None = None
    day: IsoDate | None = Field(None, description="only activities running on this date")
    q: str | None = Field(None, max_length=60, description="words in the title or description")


def _edition(year):
    if year is not None:
        return get_object_or_404(published_editions(), year=year)
    edition = current_edition()
    if edition is None:
        raise NotFound("No edition is published yet.")
    return edition


def _filters(params: ActivityQuery) -> queries.ActivityFilter:
    region = None
    if params.region:
        region = Region.objects.filter(code=params.region, is_active=True).first()
        if region is None:
            raise NotFound("There is no current region with that code.", field="region")
    return queries.ActivityFilter(
        region=region,
        sector=params.sector or "",
        format=params.format or "",
        day=params.day,
        q=params.q or "",
    )


@router.get("/", response={200: list[ActivityOut], **ERRORS})
@paginate(Pagination)
def list_activities(request, params: Query[ActivityQuery]):
    """Approved local activities in start order, optionally filtered."""
    return queries.public_activities(
        edition=_edition(params.edition or params.year), filters=_filters(params)
    )


@router.get("/provinces", response={200: list[ProvinceCount], **ERRORS})
def counts_per_province(request, params: Query[ActivityQuery]):
    """Approved activities per province (what the map shows)."""
    counts = queries.counts_by_province(
        edition=_edition(params.edition or params.year), filters=_filters(params)
    )
    return [
        {"code": p.code, "name": p.name, "count": counts.get(p.code, 0)}
        for p in provinces().order_by("code")
    ]


class ReportingQuery(Schema):
    year: int | None = Field(None, ge=2014, le=2100, description="edition; default the newest")
    region: str = Field(..., pattern=r"^[0-9]{6}$", description="region code, in your scope")
    sector: Sector | None = None
    as_of: IsoDate | None = Field(
        None, description="count reports in by the end of this day; default today"
    )


class ReportingFiguresOut(Schema):
    region_code: str
    region: str
    level: str
    activity_expected: int = Field(..., description="activity regions expected to report")
    activity_actual: int = Field(..., description="of those, regions that submitted one")
    activity_on_time: int = Field(..., description="of those, before the Week's first day")
    activity_rate: float | None = Field(..., description="percent; null when none expected")
    activity_on_time_rate: float | None
    outcome_expected: int = Field(..., description="approved activities whose outcome is due")
    outcome_actual: int
    outcome_on_time: int
    outcome_rate: float | None
    outcome_on_time_rate: float | None

    @staticmethod
    def resolve_region_code(figures):
        return figures.region.code

    @staticmethod
    def resolve_region(figures):
        return str(figures.region)

    @staticmethod
    def resolve_level(figures):
        return figures.region.level


class ReportingLevelOut(Schema):
    level: str
    total: ReportingFiguresOut
    rows: list[ReportingFiguresOut]
    laggards: list[ReportingFiguresOut] = Field(..., description="most missing reports first")


class ReportingOut(Schema):
    as_of: dt.date
    outcome_due_days: int = Field(..., alias="due_days")
    total: ReportingFiguresOut
    levels: list[ReportingLevelOut]


@router.get(
    "/reporting",
    response={200: ReportingOut, 401: Problem, 403: Problem, **ERRORS},
    auth=organiser,
)
def reporting_completeness(request, params: Query[ReportingQuery]):
    """Expected and actual activity and outcome reports per province, prefecture and county
    under a region in your scope, with reporting and on-time rates and the laggards
    (definitions in the README, *Reporting discipline*)."""
    region = Region.objects.filter(code=params.region, is_active=True).first()
    if region is None:
        raise NotFound("There is no current region with that code.", field="region")
    return reporting.completeness_for(
        request.auth,
        region=region,
        edition=_edition(params.year),
        as_of=params.as_of,
        sector=params.sector or "",
    )


@router.get("/{int:activity_id}", response={200: ActivityOut, **ERRORS})
def get_activity(request, activity_id: int):
    activity = queries.public_activity(activity_id)
    if activity is None:
        raise NotFound("No approved activity with that number.")
    return activity
