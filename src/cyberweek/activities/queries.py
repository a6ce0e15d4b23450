"""Reads of local activities: the public list and map, the organiser's lists in scope, and
the coverage table of a region."""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from time import time_ns

from django.core.cache import cache
from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce, Substr
from django.utils import timezone

from cyberweek.core.figures import daily_figures
from cyberweek.core.permissions import ACTIONS, roles_of
from cyberweek.geo.models import Region, Sector

from .models import Activity
from .services import PUBLIC_VERSION_KEY, overdue_filter

VIEW = "activities.view"
CODE_LENGTH = 6


@dataclass(frozen=True)
class ActivityFilter:
    """What a list is narrowed to; every part is optional."""

    region: Region | None = None
    sector: str = ""
    themed_day_id: int | None = None
    format: str = ""
    day: date | None = None
    q: str = ""
    status: str = ""


def lists_version() -> int:
    """Changes with every workflow step; part of the key of every cached list."""
    return cache.get_or_set(PUBLIC_VERSION_KEY, time_ns, None)


def _narrow(qs: QuerySet[Activity], filters: ActivityFilter) -> QuerySet[Activity]:
    if filters.region is not None and filters.region.level != Region.Level.COUNTRY:
        qs = qs.filter(region_path__startswith=filters.region.path)
    if filters.sector:
        qs = qs.filter(sector=filters.sector)
    if filters.themed_day_id:
        qs = qs.filter(themed_day_id=filters.themed_day_id)
    if filters.format:
        qs = qs.filter(format=filters.format)
    if filters.day:
        if not 2000 <= filters.day.year <= 2100:
            # No activity then; and year 1 would not survive the time-zone conversion.
            return qs.none()
        start = timezone.make_aware(datetime.combine(filters.day, time.min))
        qs = qs.filter(starts_at__lt=start + timedelta(days=1), ends_at__gt=start)
    if filters.q:
        # Lower-cased like `search_text`; a trigram index serves it on PostgreSQL.
        qs = qs.filter(search_text__contains=filters.q.strip().lower())
    if filters.status:
        qs = qs.filter(status=filters.status)
    return qs


def public_activities(*, edition, filters: ActivityFilter = ActivityFilter()):
    """Approved (and later) activities of an edition, in start order."""
    qs = Activity.objects.filter(edition=edition, is_public=True)
    return (
        _narrow(qs, ActivityFilter(**{**filters.__dict__, "status": ""}))
        .select_related("region", "region__parent", "themed_day")
        .defer("description", "outcome_summary", "contact_name", "contact_phone", "search_text")
        .order_by("starts_at", "pk")
    )


def public_activity(pk: int) -> Activity | None:
    return (
        Activity.objects.filter(is_public=True, pk=pk)
        .select_related("region", "region__parent", "themed_day", "edition")
        .defer("description", "outcome_summary", "contact_name", "contact_phone")
        .first()
    )


def counts_by_province(*, edition, filters: ActivityFilter = ActivityFilter()) -> dict[str, int]:
    """Public activities per province code, for the map."""
    qs = _narrow(
        Activity.objects.filter(edition=edition, is_public=True),
        ActivityFilter(**{**filters.__dict__, "region": None, "status": ""}),
    )
    rows = (
        qs.annotate(province=Substr("region_path", 2, CODE_LENGTH))
        .values("province")
        .annotate(n=Count("*"))
        .order_by()
    )
    return {row["province"]: row["n"] for row in rows}


# --- Organisers ----------------------------------------------------------------------------
def scope_of(actor, action: str = VIEW) -> Q | None:
    """The activities the actor's roles cover for `action`, or None when none do."""
    clauses = None
    for role in roles_of(actor):
        if role.level not in ACTIONS[action]:
            continue
        clause = Q(region_path__startswith=role.region.path) if role.region.path != "/" else Q()
        if role.sector:
            clause &= Q(sector=role.sector)
        clauses = clause if clauses is None else clauses | clause
    return clauses


def organiser_activities(actor, *, edition, filters: ActivityFilter = ActivityFilter()):
    """Every activity of the edition in the actor's scope, whatever its status."""
    scope = scope_of(actor)
    if scope is None:
        return Activity.objects.none()
    qs = Activity.objects.filter(scope, edition=edition)
    return (
        _narrow(qs, filters)
        .select_related("region", "region__parent", "themed_day")
        .defer("description", "outcome_summary", "contact_name", "contact_phone", "search_text")
        .order_by("starts_at", "pk")
    )


def awaiting_decision(actor, *, edition) -> QuerySet[Activity]:
    """Submitted activities and reported outcomes the actor may decide on: those below a
    region the actor reviews for."""
    clauses = None
    for role in roles_of(actor):
        if role.level not in ACTIONS["activities.review"]:
            continue
        # Below the role's region, not in it: an activity is reviewed from the region above.
        clause = Q(region_path__startswith=role.region.path) & ~Q(region_path=role.region.path)
        if role.sector:
            clause &= Q(sector=role.sector)
        clauses = clause if clauses is None else clauses | clause
    if clauses is None:
        return Activity.objects.none()
    return (
        Activity.objects.filter(clauses, edition=edition)
        .filter(status__in=[Activity.Status.SUBMITTED, Activity.Status.REPORTED])
        .exclude(created_by=actor)
        .select_related("region", "region__parent")
        .order_by("updated_at", "pk")
    )


def activity_for_organiser(actor, pk: int) -> Activity | None:
    """One activity with its history, if it is in the actor's scope (for reading)."""
    scope = scope_of(actor)
    if scope is None:
        return None
    return (
        Activity.objects.filter(scope, pk=pk)
        .select_related("region", "region__parent", "themed_day", "edition", "created_by")
        .prefetch_related("steps__actor", "photos")
        .first()
    )


# --- Coverage ------------------------------------------------------------------------------
@dataclass
class CoverageCell:
    sector: str
    count: int = 0
    reach: int = 0

    @property
    def is_gap(self) -> bool:
        return self.count == 0


@dataclass
class CoverageRow:
    region: Region
    cells: list[CoverageCell]

    @property
    def count(self) -> int:
        return sum(c.count for c in self.cells)

    @property
    def reach(self) -> int:
        return sum(c.reach for c in self.cells)

    @property
    def gaps(self) -> int:
        return sum(1 for c in self.cells if c.is_gap)


@dataclass
class Coverage:
    region: Region
    rows: list[CoverageRow]
    totals: list[CoverageCell]
    overdue: list[Activity] = field(default_factory=list)
    overdue_count: int = 0

    @property
    def count(self) -> int:
        return sum(c.count for c in self.totals)

    @property
    def reach(self) -> int:
        return sum(c.reach for c in self.totals)

    @property
    def gaps(self) -> int:
        return sum(row.gaps for row in self.rows)


REACH = Case(
    When(
        outcome_reported_at__isnull=False,
        then=Coalesce(F("participants"), Value(0)) + Coalesce(F("online_reach"), Value(0)),
    ),
    default=F("expected_reach"),
    output_field=IntegerField(),
)


def coverage_for_region(
    *, region: Region, edition, sector: str = "", overdue_limit: int = 50, now=None
) -> Coverage:
    """Public (approved or later) activities per sub-region × sector, with their reach
    (reported where reported, expected otherwise), and the overdue outcome reports below
    `region`. The caller checks that the actor may see `region`."""
    children = list(region.children.filter(is_active=True).order_by("code"))
    sectors = [sector] if sector else list(Sector.values)
    in_region = Activity.objects.filter(edition=edition)
    if region.level != Region.Level.COUNTRY:
        in_region = in_region.filter(region_path__startswith=region.path)
    if sector:
        in_region = in_region.filter(sector=sector)
    counted = {}
    if children:
        start = len(region.path) + 1
        rows = (
            in_region.filter(is_public=True)
            .annotate(sub=Substr("region_path", start, CODE_LENGTH))
            .values("sub", "sector")
            .annotate(n=Count("*"), reach=Sum(REACH))
            .order_by()
        )
        counted = {(r["sub"], r["sector"]): (r["n"], r["reach"] or 0) for r in rows}
    else:
        children = [region]
        rows = (
            in_region.filter(is_public=True)
            .values("sector")
            .annotate(n=Count("*"), reach=Sum(REACH))
            .order_by()
        )
        counted = {(region.code, r["sector"]): (r["n"], r["reach"] or 0) for r in rows}
    table = []
    for child in children:
        cells = [CoverageCell(s, *counted.get((child.code, s), (0, 0))) for s in sectors]
        table.append(CoverageRow(child, cells))
    totals = [
        CoverageCell(s, sum(r.cells[i].count for r in table), sum(r.cells[i].reach for r in table))
        for i, s in enumerate(sectors)
    ]
    overdue = in_region.filter(overdue_filter(now or timezone.now()))
    return Coverage(
        region=region,
        rows=table,
        totals=totals,
        overdue=list(
            overdue.select_related("region", "region__parent")
            .only("pk", "title", "title_en", "status", "ends_at", "sector", "region")
            .order_by("ends_at", "pk")[:overdue_limit]
        ),
        overdue_count=overdue.count(),
    )


def default_coverage_sector(actor, region: Region) -> str:
    """The sector to show when none is asked for: none (all of them), unless every role of
    the actor that covers `region` is limited to one sector."""
    covering = [
        r
        for r in roles_of(actor)
        if r.level in ACTIONS[VIEW] and region.path.startswith(r.region.path)
    ]
    if not covering or any(not r.sector for r in covering):
        return ""
    return covering[0].sector


def default_coverage_region(actor) -> Region | None:
    """The widest region the actor's roles cover, to open the coverage page on."""
    roles = [r for r in roles_of(actor) if r.level in ACTIONS[VIEW]]
    if not roles:
        return None
    return min(roles, key=lambda r: r.region.path.count("/")).region


# --- For other apps (campaigns, dashboards) ----------------------------------------------
@dataclass(frozen=True)
class OutcomeTotals:
    """What a set of activities achieved, counted from verified records only."""

    activities: int  # approved, or further along
    participants: int  # on site and online, from verified outcome reports
    awaiting_verification: int  # the same, from outcome reports not yet verified
    regions: int  # distinct activity regions (counties) among the approved


def outcome_totals(activity_ids) -> OutcomeTotals:
    """Totals over the activities in `activity_ids` (a list or a values_list queryset)."""
    public = Activity.objects.filter(pk__in=activity_ids, is_public=True)
    reach = Coalesce(F("participants"), Value(0)) + Coalesce(F("online_reach"), Value(0))
    row = public.aggregate(
        activities=Count("pk"),
        regions=Count("region_id", distinct=True),
        verified=Sum(reach, filter=Q(status=Activity.Status.VERIFIED)),
        reported=Sum(reach, filter=Q(status=Activity.Status.REPORTED)),
    )
    return OutcomeTotals(
        activities=row["activities"],
        participants=row["verified"] or 0,
        awaiting_verification=row["reported"] or 0,
        regions=row["regions"],
    )


def activity_for_link(activity_id: int) -> Activity | None:
    """One activity's edition, region, sector, dates and status (no personal fields), for
    another app that records a link to it."""
    return (
        Activity.objects.filter(pk=activity_id)
        .select_related("region")
        .only(
            "pk",
            "title",
            "edition_id",
            "region",
            "region_path",
            "sector",
            "starts_at",
            "ends_at",
            "status",
            "is_public",
        )
        .first()
    )


def public_activities_among(activity_ids) -> QuerySet[Activity]:
    """The approved (and later) activities among `activity_ids`, as the public list shows."""
    return (
        Activity.objects.filter(pk__in=activity_ids, is_public=True)
        .select_related("region", "region__parent")
        .only("pk", "title", "title_en", "sector", "region", "starts_at", "ends_at", "status")
        .order_by("starts_at", "pk")
    )


# --- Figures for the dashboards (insights) -------------------------------------------------
def insight_figures(*, edition_id: int, start: datetime, end: datetime) -> list[QuerySet]:
    """Public activities starting in [start, end) per day, region and sector: how many, how
    many were held, how many reported an outcome, and the people those outcomes reached."""
    public = Activity.objects.filter(
        edition_id=edition_id, is_public=True, starts_at__gte=start, starts_at__lt=end
    )
    status = Activity.Status
    held = public.filter(status__in=[status.HELD, status.REPORTED, status.VERIFIED])
    reported = public.filter(outcome_reported_at__isnull=False)

    def rows(queryset, metric, value=None):
        return daily_figures(
            queryset,
            at="starts_at",
            metric=metric,
            region_path=F("region_path"),
            sector=F("sector"),
            value=value,
        )

    return [
        rows(public, "activities"),
        rows(held, "activities_held"),
        rows(reported, "outcomes_reported"),
        rows(reported, "participants", Sum("participants")),
        rows(reported, "online_reach", Sum("online_reach")),
    ]


def activity_points(*, edition_id: int, region_path: str, limit: int) -> list[dict]:
    """Public activities with coordinates in a region's subtree, for the dashboard map."""
    return list(
        Activity.objects.filter(
            edition_id=edition_id,
            is_public=True,
            region_path__startswith=region_path,
            latitude__isnull=False,
            longitude__isnull=False,
        )
        .order_by("starts_at", "pk")
        .values("pk", "title", "title_en", "latitude", "longitude", "sector")[:limit]
    )
