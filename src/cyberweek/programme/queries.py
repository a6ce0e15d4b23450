"""Reads of the public programme."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from .models import Edition, Event, ThemedDay


def published_editions() -> QuerySet[Edition]:
    return Edition.objects.filter(is_published=True)


def current_edition() -> Edition | None:
    """The edition the public is shown first: the newest published one."""
    return published_editions().order_by("-year").first()


def public_events(edition: Edition) -> QuerySet[Event]:
    return (
        edition.events.filter(is_published=True)
        .select_related("room", "parent")
        .prefetch_related("speakers")
        .order_by("starts_at", "pk")
    )


@dataclass
class ProgrammeDay:
    date: date
    themed_day: ThemedDay | None
    events: list[Event]


def programme_days(edition: Edition, *, kind: str | None = None) -> list[ProgrammeDay]:
    """Every day of the edition with its themed day and events, in time order. An event
    that runs over several days (the expo) is listed on each of them."""
    themed = {day.date: day for day in edition.themed_days.all()}
    events = public_events(edition)
    if kind:
        events = events.filter(kind=kind)
    events = list(events)
    days = []
    for day in edition.days:
        todays = [
            e
            for e in events
            if timezone.localtime(e.starts_at).date() <= day <= timezone.localtime(e.ends_at).date()
        ]
        days.append(ProgrammeDay(day, themed.get(day), todays))
    return days


@dataclass
class WeekStatus:
    """Where today stands against the edition: before (with a countdown), during, after."""

    phase: str  # "upcoming" | "running" | "over"
    days_to_go: int = 0
    today: ProgrammeDay | None = None


def week_status(edition: Edition, today: date | None = None) -> WeekStatus:
    today = today or timezone.localdate()
    if today < edition.starts_on:
        return WeekStatus("upcoming", days_to_go=(edition.starts_on - today).days)
    if today > edition.ends_on:
        return WeekStatus("over")
    day = next(d for d in programme_days(edition) if d.date == today)
    return WeekStatus("running", today=day)


def event_with_details(edition: Edition, slug: str) -> Event | None:
    return (
        public_events(edition)
        .prefetch_related(
            Prefetch(
                "children", queryset=Event.objects.filter(is_published=True).order_by("starts_at")
            )
        )
        .filter(slug=slug)
        .first()
    )
