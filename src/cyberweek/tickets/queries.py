"""Reads of registrations and attendance."""

from datetime import datetime, timedelta

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from cyberweek.core.figures import daily_figures
from cyberweek.core.permissions import ACTIONS, require_scope, roles_of
from cyberweek.core.queries import one_or_not_found

from .models import Offering, Registration


def attendance(source: str, source_id: int) -> dict:
    """Attendance of one event or activity, for its outcome report:
    `{"confirmed": seats, "waitlisted": seats, "checked_in": seats, "capacity": seats}`,
    all zero when registration was never opened. One indexed row read: the counters are
    kept on the offering by the services (and survive the retention purge of the
    registrations themselves)."""
    row = (
        Offering.objects.filter(source=source, source_id=source_id)
        .values("confirmed_seats", "waitlisted_seats", "checked_in_seats", "capacity")
        .first()
    )
    if row is None:
        return {"confirmed": 0, "waitlisted": 0, "checked_in": 0, "capacity": 0}
    return {
        "confirmed": row["confirmed_seats"],
        "waitlisted": row["waitlisted_seats"],
        "checked_in": row["checked_in_seats"],
        "capacity": row["capacity"],
    }


def offering_for(source: str, source_id: int) -> Offering | None:
    return Offering.objects.filter(source=source, source_id=source_id).first()


def active_registration(offering: Offering, user) -> Registration | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        Registration.objects.filter(offering=offering, user=user, status__in=Registration.ACTIVE)
        .order_by("pk")
        .first()
    )


def registration_of(user, registration_id: int) -> Registration | None:
    """The user's own registration; None for anyone else's."""
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        Registration.objects.select_related("offering")
        .filter(pk=registration_id, user=user)
        .first()
    )


def my_registrations(user) -> QuerySet[Registration]:
    return (
        Registration.objects.filter(user=user)
        .select_related("offering")
        .order_by("-offering__starts_at", "-pk")
    )


def waitlist_rank(registration: Registration) -> int:
    """1 for the head of the waiting list."""
    return (
        Registration.objects.filter(
            offering_id=registration.offering_id,
            status=Registration.Status.WAITLISTED,
            position__lt=registration.position,
        ).count()
        + 1
    )


def offerings_for_organiser(actor, action: str = "tickets.check_in") -> QuerySet[Offering]:
    """Offerings in the subtree (and sector) of one of the actor's roles allowing `action`.
    An offering without a region is national: only a national role covers it."""
    levels = ACTIONS[action]
    scope = Q(pk__in=[])
    for role in roles_of(actor):
        if role.level not in levels:
            continue
        covered = Q(region__path__startswith=role.region.path)
        if role.region.path == "/":
            covered |= Q(region__isnull=True)
        if role.sector:
            covered &= Q(sector=role.sector)
        scope |= covered
    return Offering.objects.filter(scope).select_related("region").order_by("-starts_at", "pk")


def attendees(offering: Offering) -> QuerySet[Registration]:
    return Registration.objects.filter(offering=offering).order_by("position")


def offering_for_staff(actor, offering_id: int, *, action: str = "tickets.check_in") -> Offering:
    """The offering, when the actor's role covers it (else `PermissionDenied`, recorded)."""
    offering = one_or_not_found(Offering.objects.select_related("region"), pk=offering_id)
    require_scope(actor, action=action, region=offering.region, sector=offering.sector or None)
    return offering


def counts(offering: Offering) -> dict:
    offering.refresh_from_db(
        fields=["capacity", "confirmed_seats", "waitlisted_seats", "checked_in_seats"]
    )
    return {
        "capacity": offering.capacity,
        "confirmed": offering.confirmed_seats,
        "waitlisted": offering.waitlisted_seats,
        "checked_in": offering.checked_in_seats,
        "flagged": Registration.objects.filter(offering=offering, repeat_scans__gt=0).count(),
    }


def withdrawn_codes(offering: Offering) -> list[str]:
    """Codes of this offering's tickets that no longer open the door (cancelled, or their
    account deleted): the door device keeps them to refuse such tickets while offline.
    Codes only; they say nothing about who held them."""
    return list(
        Registration.objects.filter(offering=offering)
        .filter(Q(status=Registration.Status.CANCELLED) | Q(erased_at__isnull=False))
        .order_by("pk")
        .values_list("code", flat=True)
    )


# Long enough to cover one event's doors (the expo runs all day); the list stays short.
RECENT_CHECK_INS = timedelta(hours=12)


def recent_check_in_codes(offering: Offering, now=None) -> list[str]:
    """Codes of this offering's tickets checked in lately, by any device: each door adds
    them to what it has seen, so a ticket shown at a second door while that door is
    offline is caught as a repeat. Codes only, like the withdrawn list."""
    since = (now or timezone.now()) - RECENT_CHECK_INS
    return list(
        Registration.objects.filter(offering=offering, checked_in_at__gte=since)
        .order_by("checked_in_at", "pk")
        .values_list("code", flat=True)[:5000]
    )


def insight_figures(*, start: datetime, end: datetime) -> list[QuerySet]:
    """Registrations made and tickets checked in during [start, end), per day and the
    offering's region and sector (official events count for the country)."""
    registrations = Registration.objects.exclude(status=Registration.Status.CANCELLED)
    region, sector = F("offering__region__path"), F("offering__sector")
    return [
        daily_figures(
            registrations.filter(created_at__gte=start, created_at__lt=end),
            at="created_at",
            metric="registrations",
            region_path=region,
            sector=sector,
        ),
        daily_figures(
            Registration.objects.filter(checked_in_at__gte=start, checked_in_at__lt=end),
            at="checked_in_at",
            metric="checkins",
            region_path=region,
            sector=sector,
        ),
    ]
