"""Reporting discipline, as DHIS2 reports completeness: for the provinces, prefectures and
counties under a region, how many of the reports the responsibility system expects have
come in, and how many came on time.

What counts, from what the activity workflow already records:

- **Activity reports.** Every activity region (a current county, or a city without
  counties) is expected to report at least one activity for the edition. It has reported
  once one of its activities was submitted for review (an `ActivityStep` "submitted") by
  the end of the date asked about. *On time*: its first submission came before the Week's
  first day (Beijing time), so the activity could be reviewed and published before the
  Week began.
- **Outcome reports.** Every approved activity (approved, held, outcome reported or
  verified, as it stands now) is expected to have its outcome reported once the outcome is
  due, `ACTIVITIES_OUTCOME_DUE_DAYS` (7) days after it ended; an outcome reported earlier
  counts as expected too. It has one once `outcome_reported_at` is set (by the end of the
  date asked about); *on time* when that is no later than the due time.
- **Rates**: reports in / expected (the reporting rate) and on time / expected (the on-time
  rate), as DHIS2 computes them; no rate where nothing is expected.
- **Laggards**: the regions of a level with at least one expected report missing, most
  missing first.
- **The date** (`as_of`) defaults to today, and to the last day of the reporting period for
  an edition that is over. The reporting period runs from the first day an activity may run
  (`activity_window`) to the last day plus the outcome due days; a date outside it is
  refused, as it would compare nothing with nothing.

`completeness_for` checks the actor's scope; `region_figures` is the public function for
other apps (the dashboards), which check their own scope first.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Count, F, Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cyberweek.core.errors import ValidationFailed
from cyberweek.core.permissions import require_scope
from cyberweek.geo.models import Region

from .models import Activity, ActivityStep
from .services import activity_regions, activity_window, outcome_due_days

VIEW = "activities.view"
LEVELS = (Region.Level.PROVINCE, Region.Level.PREFECTURE, Region.Level.COUNTY)
DEPTH = {Region.Level.PROVINCE: 1, Region.Level.PREFECTURE: 2, Region.Level.COUNTY: 3}
APPROVED_OR_LATER = (
    Activity.Status.APPROVED,
    Activity.Status.HELD,
    Activity.Status.REPORTED,
    Activity.Status.VERIFIED,
)
LAGGARDS_SHOWN = 20


def _rate(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


@dataclass
class Figures:
    """The reports expected from one region (and everything below it), and those in."""

    region: Region
    activity_expected: int = 0
    activity_actual: int = 0
    activity_on_time: int = 0
    outcome_expected: int = 0
    outcome_actual: int = 0
    outcome_on_time: int = 0

    @property
    def activity_rate(self) -> float | None:
        return _rate(self.activity_actual, self.activity_expected)

    @property
    def activity_on_time_rate(self) -> float | None:
        return _rate(self.activity_on_time, self.activity_expected)

    @property
    def outcome_rate(self) -> float | None:
        return _rate(self.outcome_actual, self.outcome_expected)

    @property
    def outcome_on_time_rate(self) -> float | None:
        return _rate(self.outcome_on_time, self.outcome_expected)

    @property
    def missing(self) -> int:
        return (self.activity_expected - self.activity_actual) + (
            self.outcome_expected - self.outcome_actual
        )

    def add(self, other: "Figures") -> None:
        for name in (
            "activity_expected",
            "activity_actual",
            "activity_on_time",
            "outcome_expected",
            "outcome_actual",
            "outcome_on_time",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class LevelFigures:
    level: str
    rows: list[Figures]
    total: Figures
    laggards: list[Figures] = field(default_factory=list)
    laggard_count: int = 0

    @property
    def label(self) -> str:
        return Region.Level(self.level).label


@dataclass
class Completeness:
    region: Region
    edition: object
    as_of: date
    due_days: int
    activity_deadline: datetime
    total: Figures
    levels: list[LevelFigures]
    sector: str = ""


def reporting_period(edition) -> tuple[date, date]:
    """The days a completeness report may be asked for (see the module's docstring)."""
    first, last = activity_window(edition)
    return first, last + timedelta(days=outcome_due_days())


def checked_as_of(edition, as_of: date | None) -> date:
    """`as_of`, or today within the reporting period; a date outside it is refused."""
    first, last = reporting_period(edition)
    if as_of is None:
        return min(max(timezone.localdate(), first), last)
    if not first <= as_of <= last:
        raise ValidationFailed(
            _(
                "Choose a date within the %(year)s edition's reporting period, "
                "%(first)s to %(last)s."
            )
            % {"year": edition.year, "first": first, "last": last},
            field="as_of",
        )
    return as_of


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _activity_regions(region: Region) -> list[Region]:
    """The regions that register activities, in `region` and below."""
    below = activity_regions()
    if region.level != Region.Level.COUNTRY:
        below = below.filter(path__startswith=region.path)
    return list(below.only("pk", "path"))


def _ancestor_paths(path: str, region: Region) -> list[str]:
    """The paths of `path` and its ancestors below `region` (province, prefecture, county)."""
    codes = [c for c in path.split("/") if c]
    start = 0 if region.level == Region.Level.COUNTRY else DEPTH.get(region.level, 0)
    return ["/" + "/".join(codes[:depth]) + "/" for depth in range(start + 1, len(codes) + 1)]


def _in_region(qs, region: Region, column: str = "region_path"):
    if region.level == Region.Level.COUNTRY:
        return qs
    return qs.filter(**{f"{column}__startswith": region.path})


def region_figures(
    *, region: Region, edition, as_of: date | None = None, sector: str = ""
) -> dict[str, Figures]:
    """Figures for `region` and for every province, prefecture and county below it, keyed by
    region code. The caller checks that whoever asks may see `region`."""
    as_of = checked_as_of(edition, as_of)
    cut = _start_of(as_of + timedelta(days=1))
    due = timedelta(days=outcome_due_days())
    deadline = _start_of(edition.starts_on)

    regions = Region.objects.filter(is_active=True, level__in=LEVELS)
    regions = _in_region(regions, region, "path").exclude(pk=region.pk)
    by_path = {r.path: Figures(r) for r in regions.order_by("code")}
    total = Figures(region)

    def credit(path: str, **counts) -> None:
        """Count one activity region's reports for it, its ancestors below `region`, and
        the total."""
        reports = Figures(region, **counts)
        for ancestor in _ancestor_paths(path, region):
            if ancestor in by_path:
                by_path[ancestor].add(reports)
        total.add(reports)

    steps = ActivityStep.objects.filter(
        action=ActivityStep.Action.SUBMITTED, activity__edition=edition, created_at__lt=cut
    )
    if sector:
        steps = steps.filter(activity__sector=sector)
    first_submitted = {
        row["activity__region_path"]: row["first"]
        for row in _in_region(steps, region, "activity__region_path")
        .values("activity__region_path")
        .annotate(first=Min("created_at"))
        .order_by()
    }
    for place in _activity_regions(region):
        first = first_submitted.get(place.path)
        credit(
            place.path,
            activity_expected=1,
            activity_actual=int(first is not None),
            activity_on_time=int(first is not None and first < deadline),
        )

    reported = Q(outcome_reported_at__lt=cut)
    outcomes = Activity.objects.filter(edition=edition, status__in=APPROVED_OR_LATER).filter(
        Q(ends_at__lt=cut - due) | reported
    )
    if sector:
        outcomes = outcomes.filter(sector=sector)
    rows = (
        _in_region(outcomes, region)
        .values("region_path")
        .annotate(
            expected=Count("pk"),
            actual=Count("pk", filter=reported),
            on_time=Count("pk", filter=reported & Q(outcome_reported_at__lte=F("ends_at") + due)),
        )
        .order_by()
    )
    for row in rows:
        credit(
            row["region_path"],
            outcome_expected=row["expected"],
            outcome_actual=row["actual"],
            outcome_on_time=row["on_time"],
        )
    return {region.code: total, **{f.region.code: f for f in by_path.values()}}


def completeness(
    *, region: Region, edition, as_of: date | None = None, sector: str = ""
) -> Completeness:
    """The completeness of reporting under `region`, level by level (unchecked scope)."""
    as_of = checked_as_of(edition, as_of)
    figures = region_figures(region=region, edition=edition, as_of=as_of, sector=sector)
    total = figures.pop(region.code)
    levels = []
    for level in LEVELS:
        rows = [f for f in figures.values() if f.region.level == level]
        if not rows and region.level != level:
            continue
        if region.level == level:
            rows = [total]
        level_total = Figures(region)
        for row in rows:
            level_total.add(row)
        behind = sorted(
            (r for r in rows if r.missing > 0), key=lambda r: (-r.missing, r.region.code)
        )
        levels.append(
            LevelFigures(
                level=level,
                rows=rows,
                total=level_total,
                laggards=behind[:LAGGARDS_SHOWN],
                laggard_count=len(behind),
            )
        )
    return Completeness(
        region=region,
        edition=edition,
        as_of=as_of,
        due_days=outcome_due_days(),
        activity_deadline=_start_of(edition.starts_on),
        total=total,
        levels=levels,
        sector=sector,
    )


def completeness_for(
    actor, *, region: Region, edition, as_of: date | None = None, sector: str = ""
) -> Completeness:
    """`completeness` for an organiser whose role covers `region` (and `sector`); a region
    outside their scope is refused (and the refusal recorded)."""
    require_scope(actor, action=VIEW, region=region, sector=sector or None)
    return completeness(region=region, edition=edition, as_of=as_of, sector=sector)
