"""Read-only JSON for editions, themed days and official events."""

import datetime as dt
from typing import Annotated

from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Path, Query, Router, Schema
from ninja.pagination import paginate
from pydantic import StringConstraints

from cyberweek.core.api_enums import named_choices
from cyberweek.core.api_pagination import Pagination
from cyberweek.core.api_problems import Problem

from . import queries
from .models import Event, ThemedDay

router = Router(tags=["programme"])
ERRORS = {404: Problem, 422: Problem}
ThemedDayKind = named_choices(ThemedDay.Kind, "ThemedDayKind")
EventKind = named_choices(Event.Kind, "EventKind")


class EditionOut(Schema):
    year: int
    slug: str
    theme: str
    theme_en: str
    slogan: str
    slogan_en: str
    host_city: str
    host_city_en: str
    starts_on: dt.date
    ends_on: dt.date


class ThemedDayOut(Schema):
    date: dt.date
    kind: ThemedDayKind
    title: str
    title_en: str
    description: str
    description_en: str


class RoomOut(Schema):
    name: str
    name_en: str
    venue: str
    venue_en: str


class SpeakerOut(Schema):
    name: str
    name_en: str
    affiliation: str
    affiliation_en: str


class EventOut(Schema):
    slug: str
    kind: EventKind
    title: str
    title_en: str
    description: str
    description_en: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    parent: str | None = Field(None, description="slug of the forum or sub-forum it belongs to")
    room: RoomOut | None
    speakers: list[SpeakerOut]

    @staticmethod
    def resolve_parent(event):
        return event.parent.slug if event.parent_id else None

    @staticmethod
    def resolve_speakers(event):
        return list(event.speakers.all())


class EventFilter(Schema):
    kind: EventKind | None = Field(None, description="only events of this kind")
    day: dt.date | None = Field(None, description="only events running on this date (YYYY-MM-DD)")
    q: str | None = Field(None, max_length=100, description="words in the title")


Slug = Annotated[str, StringConstraints(pattern=r"^[-a-zA-Z0-9_]+$", max_length=80)]


def _edition(year: int):
    return get_object_or_404(queries.published_editions(), year=year)


@router.get("/editions", response={200: list[EditionOut], 422: Problem})
@paginate(Pagination)
def list_editions(request):
    """Published editions, newest first."""
    return queries.published_editions().order_by("-year")


@router.get("/editions/{int:year}", response={200: EditionOut, **ERRORS})
def get_edition(request, year: int):
    return _edition(year)


@router.get("/editions/{int:year}/themed-days", response={200: list[ThemedDayOut], **ERRORS})
@paginate(Pagination)
def list_themed_days(request, year: int):
    return _edition(year).themed_days.order_by("date")


@router.get("/editions/{int:year}/events", response={200: list[EventOut], **ERRORS})
@paginate(Pagination)
def list_events(request, year: int, filters: Query[EventFilter]):
    """Published official events in time order, optionally filtered."""
    events = queries.public_events(_edition(year))
    if filters.kind:
        events = events.filter(kind=filters.kind)
    if filters.day:
        start = timezone.make_aware(dt.datetime.combine(filters.day, dt.time.min))
        events = events.filter(starts_at__lt=start + dt.timedelta(days=1), ends_at__gt=start)
    if filters.q:
        events = events.filter(Q(title__icontains=filters.q) | Q(title_en__icontains=filters.q))
    return events


@router.get("/editions/{int:year}/events/{slug}", response={200: EventOut, **ERRORS})
def get_event(request, year: int, slug: Path[Slug]):
    return get_object_or_404(queries.public_events(_edition(year)), slug=slug)
