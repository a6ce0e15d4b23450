"""Reads of campaigns: the public list and page with progress toward each goal, the
organiser's campaigns in scope, and a person's volunteering."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from cyberweek.activities import queries as activity_queries
from cyberweek.activities.queries import ActivityFilter
from cyberweek.core.errors import NotFound
from cyberweek.core.permissions import ACTIONS, roles_of

from . import actions
from .models import Campaign, CampaignActivity, ServiceCertificate, Volunteer, VolunteerTask

CANDIDATES_SHOWN = 30


@dataclass(frozen=True)
class Goal:
    key: str
    label: str
    target: int
    achieved: int

    @property
    def percent(self) -> int:
        """Toward the goal, capped at 100 for the bar (the figures say the rest)."""
        return min(100, int(100 * self.achieved / self.target)) if self.target else 0

    @property
    def reached(self) -> bool:
        return self.achieved >= self.target


@dataclass(frozen=True)
class Progress:
    goals: list[Goal]
    awaiting_verification: int
    volunteers: int
    confirmed_hours: Decimal


def progress(campaign: Campaign) -> Progress:
    """Progress toward each goal, counted from the linked activities' verified records:
    approved activities, participants from verified outcome reports, distinct counties."""
    ids = CampaignActivity.objects.filter(campaign=campaign).values_list("activity_id", flat=True)
    totals = activity_queries.outcome_totals(ids)
    volunteering = Volunteer.objects.filter(campaign=campaign, status=Volunteer.Status.ACTIVE)
    hours = VolunteerTask.objects.filter(
        volunteer__campaign=campaign, status=VolunteerTask.Status.CONFIRMED
    ).aggregate(total=Sum("hours"))["total"]
    return Progress(
        goals=[
            Goal("activities", _("Activities"), campaign.goal_activities, totals.activities),
            Goal(
                "participants", _("Participants"), campaign.goal_participants, totals.participants
            ),
            Goal("regions", _("Counties covered"), campaign.goal_regions, totals.regions),
        ],
        awaiting_verification=totals.awaiting_verification,
        volunteers=volunteering.count(),
        confirmed_hours=hours or Decimal(0),
    )


def published_campaigns(edition) -> QuerySet[Campaign]:
    return (
        Campaign.objects.filter(edition=edition, is_published=True)
        .select_related("region", "edition")
        .order_by("starts_on", "pk")
    )


def published_campaign(year: int, slug: str) -> Campaign:
    if not 2000 <= year <= 2100:
        # No edition then; and the year column would overflow on PostgreSQL.
        raise NotFound(_("No published campaign at this address."))
    campaign = (
        Campaign.objects.filter(edition__year=year, slug=slug, is_published=True)
        .select_related("region", "edition")
        .first()
    )
    if campaign is None:
        raise NotFound(_("No published campaign at this address."))
    return campaign


def campaign_activities(campaign: Campaign):
    """The campaign's approved activities, as the public sees them."""
    ids = CampaignActivity.objects.filter(campaign=campaign).values_list("activity_id", flat=True)
    return activity_queries.public_activities_among(ids)


def _scope(actor) -> Q | None:
    clauses = None
    for role in roles_of(actor):
        if role.level not in ACTIONS[actions.MANAGE] or role.sector:
            continue
        clause = Q(region_path__startswith=role.region.path) if role.region.path != "/" else Q()
        clauses = clause if clauses is None else clauses | clause
    return clauses


def campaigns_for(actor, *, edition) -> QuerySet[Campaign]:
    """The campaigns of `edition` in regions the actor runs campaigns for."""
    scope = _scope(actor)
    if scope is None:
        return Campaign.objects.none()
    return (
        Campaign.objects.filter(scope, edition=edition)
        .select_related("region", "edition")
        .annotate(linked=Count("links", distinct=True))
        .order_by("starts_on", "pk")
    )


def campaign_for(actor, pk: int) -> Campaign | None:
    scope = _scope(actor)
    if scope is None:
        return None
    return Campaign.objects.filter(scope, pk=pk).select_related("region", "edition").first()


def linked_activities(campaign: Campaign) -> QuerySet[CampaignActivity]:
    """Every link with its activity, whatever the activity's stage (for organisers)."""
    return (
        CampaignActivity.objects.filter(campaign=campaign)
        .select_related("activity", "activity__region")
        .only(
            "pk",
            "activity__id",
            "activity__title",
            "activity__title_en",
            "activity__status",
            "activity__sector",
            "activity__starts_at",
            "activity__region",
        )
        .order_by("activity__starts_at", "pk")
    )


def candidate_activities(actor, campaign: Campaign, q: str = "") -> list:
    """Activities the actor may join to the campaign: in its region, not yet linked."""
    linked = set(
        CampaignActivity.objects.filter(campaign=campaign).values_list("activity_id", flat=True)
    )
    found = activity_queries.organiser_activities(
        actor, edition=campaign.edition, filters=ActivityFilter(region=campaign.region, q=q)
    ).filter(
        starts_at__date__gte=campaign.starts_on,
        starts_at__date__lte=campaign.ends_on,
    )
    if campaign.sectors:
        found = found.filter(sector__in=campaign.sectors)
    return [a for a in found.exclude(pk__in=linked)[:CANDIDATES_SHOWN]]


def volunteers_of(campaign: Campaign) -> QuerySet[Volunteer]:
    return (
        Volunteer.objects.filter(campaign=campaign)
        .select_related("user")
        .annotate(hours=Sum("tasks__hours", filter=Q(tasks__status=VolunteerTask.Status.CONFIRMED)))
        .order_by("status", "pk")
    )


def tasks_awaiting(campaign: Campaign) -> QuerySet[VolunteerTask]:
    return (
        VolunteerTask.objects.filter(
            volunteer__campaign=campaign, status=VolunteerTask.Status.RECORDED
        )
        .select_related("volunteer__user")
        .order_by("worked_on", "pk")
    )


def volunteering_of(user) -> QuerySet[Volunteer]:
    """A person's invitations and volunteering, newest campaigns first."""
    return (
        Volunteer.objects.filter(user=user)
        .select_related("campaign", "campaign__edition", "certificate")
        .prefetch_related("tasks")
        .annotate(hours=Sum("tasks__hours", filter=Q(tasks__status=VolunteerTask.Status.CONFIRMED)))
        .order_by("-campaign__starts_on", "pk")
    )


def certificate_by_code(code: str) -> ServiceCertificate:
    certificate = (
        ServiceCertificate.objects.filter(code=code)
        .select_related("volunteer__campaign__edition")
        .first()
    )
    if certificate is None:
        raise NotFound(_("No certificate with that code."))
    return certificate
