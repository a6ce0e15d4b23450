"""Every state change of registration and check-in.

Capacity is guarded by locking the offering's row (`select_for_update`) in each service
that changes seats: registrations, cancellations and promotions of one offering run one
after another, in the order they get the lock, and that order is their arrival order.
The database backs it with `confirmed_seats <= capacity`.

The waiting list is strict first-come-first-served: a newcomer is confirmed only when
nobody waits and the seats fit; after a cancellation the head of the list is promoted
while its seats fit, and a head needing more seats than are free holds everyone behind
it (nobody overtakes; an organiser who wants to can raise the capacity).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from cyberweek.accounts.identifiers import normalise_mobile
from cyberweek.core import audit, outbox
from cyberweek.core.errors import (
    Conflict,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from cyberweek.core.permissions import require_scope
from cyberweek.core.queries import one_or_not_found
from cyberweek.core.transactions import service

from . import mail
from .models import Offering, Registration, normalise_ticket_code
from .signing import InvalidTicket, looks_like_ticket, verify_ticket

MAX_NAME_LENGTH = 60
# A door device offline may sync hours later; a check-in time from further back or from
# the future is not believed and the sync time is used instead.
CLOCK_TOLERANCE = timedelta(days=2)


class AlreadyRegistered(Conflict):
    """A second registration by the same person: carries the one they already have."""

    def __init__(self, registration: Registration):
        super().__init__(_("You are already registered for this event; here is your registration."))
        self.registration = registration


def _scope(offering: Offering) -> dict:
    return {"region": offering.region, "sector": offering.sector or None}


# --- Organisers: opening and closing registration -----------------------------------------


@service
def open_registration(
    *,
    actor,
    source: str,
    source_id: int,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    capacity: int,
    title_en: str = "",
    venue: str = "",
    venue_en: str = "",
    per_person_limit: int = 1,
    closes_at: datetime | None = None,
    asks_name: bool = False,
    asks_phone: bool = False,
    region=None,
    sector: str = "",
) -> Offering:
    """Open (or update and reopen) registration for an event or activity of another app.

    Called by the organiser pages of this app and by other apps' services. The actor needs
    `tickets.manage` on the region and sector (national scope when `region` is None).
    Raising the capacity promotes waiting registrations; lowering it below the seats
    already confirmed is refused.
    """
    if source not in Offering.Source.values:
        raise ValidationFailed(_("Unknown kind of event."), field="source")
    require_scope(actor, action="tickets.manage", region=region, sector=sector or None)
    if capacity is None or capacity < 1:
        raise ValidationFailed(_("There must be at least one seat."), field="capacity")
    if per_person_limit < 1 or per_person_limit > capacity:
        raise ValidationFailed(
            _("One person may take between one seat and all of them."), field="per_person_limit"
        )
    if ends_at < starts_at:
        raise ValidationFailed(_("The event cannot end before it starts."), field="ends_at")
    if closes_at and closes_at > ends_at:
        raise ValidationFailed(
            _("Registration cannot close after the event has ended."), field="closes_at"
        )
    fields = {
        "title": title,
        "title_en": title_en,
        "venue": venue,
        "venue_en": venue_en,
        "starts_at": starts_at,
        "ends_at": ends_at,
        "per_person_limit": per_person_limit,
        "closes_at": closes_at,
        "asks_name": asks_name,
        "asks_phone": asks_phone,
        "region": region,
        "sector": sector,
        "is_open": True,
    }
    offering = (
        Offering.objects.select_for_update().filter(source=source, source_id=source_id).first()
    )
    if offering is None:
        offering = Offering.objects.create(
            source=source, source_id=source_id, capacity=capacity, **fields
        )
        audit.record(actor, "tickets.registration_opened", offering, region=region)
        return offering
    if offering.region_id != getattr(region, "pk", None) or offering.sector != sector:
        # Moving an offering needs the right over where it is now, too.
        require_scope(actor, action="tickets.manage", **_scope(offering))
    if capacity < offering.confirmed_seats:
        raise ValidationFailed(
            _("%(n)d seats are already confirmed; the capacity cannot be lower.")
            % {"n": offering.confirmed_seats},
            field="capacity",
        )
    for name, value in fields.items():
        setattr(offering, name, value)
    offering.capacity = capacity
    offering.save()
    promoted = _promote(offering)
    audit.record(
        actor, "tickets.registration_updated", offering, region=region, promoted=len(promoted)
    )
    return offering


@service
def close_registration(*, actor, source: str, source_id: int) -> Offering:
    """Stop taking registrations. Existing tickets stay valid; cancelling still works."""
    offering = one_or_not_found(
        Offering.objects.select_for_update(), source=source, source_id=source_id
    )
    require_scope(actor, action="tickets.manage", **_scope(offering))
    if offering.is_open:
        offering.is_open = False
        offering.save(update_fields=["is_open", "updated_at"])
        audit.record(actor, "tickets.registration_closed", offering, region=offering.region)
    return offering


# --- Participants: registering and cancelling ---------------------------------------------


def _clean_attendee(offering: Offering, name: str, phone: str) -> tuple[str | None, str | None]:
    """Only what the offering asks is kept; anything else sent along is dropped."""
    clean_name = clean_phone = None
    if offering.asks_name:
        clean_name = " ".join((name or "").split())
        if not clean_name:
            raise ValidationFailed(_("This event asks for the attendee's name."), field="name")
        if len(clean_name) > MAX_NAME_LENGTH:
            raise ValidationFailed(
                _("A name of at most %(n)d characters, please.") % {"n": MAX_NAME_LENGTH},
                field="name",
            )
    if offering.asks_phone:
        if not (phone or "").strip():
            raise ValidationFailed(_("This event asks for a mobile number."), field="phone")
        try:
            clean_phone = normalise_mobile(phone)
        except ValidationError as error:
            raise ValidationFailed(_("Enter a valid mobile number."), field="phone") from error
    return clean_name, clean_phone


@service
def register(
    *, actor, offering_id: int, seats: int = 1, name: str = "", phone: str = ""
) -> Registration:
    """Register the signed-in `actor`: a confirmed seat if one is free and nobody waits,
    else a place on the waiting list. One active registration per person and offering:
    a second attempt raises `AlreadyRegistered` carrying the first."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("Sign in to register."))
    offering = one_or_not_found(Offering.objects.select_for_update(), pk=offering_id)
    existing = (
        Registration.objects.filter(offering=offering, user=actor, status__in=Registration.ACTIVE)
        .order_by("pk")
        .first()
    )
    if existing is not None:
        raise AlreadyRegistered(existing)
    reason = offering.closed_reason()
    if reason:
        raise InvalidTransition(reason)
    if not isinstance(seats, int) or seats < 1 or seats > offering.per_person_limit:
        raise ValidationFailed(
            _("You may take between 1 and %(n)d seats.") % {"n": offering.per_person_limit},
            field="seats",
        )
    if seats > offering.capacity:
        raise ValidationFailed(_("The event does not have that many seats."), field="seats")
    name, phone = _clean_attendee(offering, name, phone)
    registration = place(offering, user=actor, seats=seats, name=name, phone=phone)
    outbox.enqueue(
        mail.send_registration, registration_id=registration.pk, language=get_language() or ""
    )
    return registration


def place(offering: Offering, *, user, seats: int, name=None, phone=None) -> Registration:
    """Give `user` a confirmed seat or a waiting place on `offering`, whose row the caller
    has locked, after every check passed (the registration step shared with the demo)."""
    confirmed = offering.waitlisted_seats == 0 and seats <= offering.free_seats
    offering.last_position += 1
    if confirmed:
        offering.confirmed_seats += seats
    else:
        offering.waitlisted_seats += seats
    offering.save(update_fields=["last_position", "confirmed_seats", "waitlisted_seats"])
    return Registration.objects.create(
        offering=offering,
        user=user,
        seats=seats,
        status=Registration.Status.CONFIRMED if confirmed else Registration.Status.WAITLISTED,
        position=offering.last_position,
        attendee_name=name,
        attendee_phone=phone,
    )


@service
def cancel_registration(*, actor, registration_id: int) -> Registration:
    """The participant cancels their own registration; the freed seats go to the waiting
    list in order. Someone else's registration is reported as not found, so its existence
    is not revealed."""
    registration = one_or_not_found(Registration.objects.only("offering_id"), pk=registration_id)
    offering = Offering.objects.select_for_update().get(pk=registration.offering_id)
    registration = Registration.objects.get(pk=registration_id)
    if not getattr(actor, "is_authenticated", False) or registration.user_id != actor.pk:
        raise NotFound(_("You have no registration with that reference."))
    if registration.status == Registration.Status.CANCELLED:
        raise InvalidTransition(_("This registration is already cancelled."))
    if registration.checked_in_at:
        raise InvalidTransition(_("You have already been checked in; it cannot be cancelled."))
    _release_seats(offering, registration, timezone.now())
    registration.save(update_fields=["status", "cancelled_at"])
    offering.save(update_fields=["confirmed_seats", "waitlisted_seats"])
    _promote(offering)
    return registration


def _release_seats(offering: Offering, registration: Registration, now) -> None:
    """Give a registration's seats back to its offering and mark it cancelled. The caller
    holds the offering's lock, saves both, then promotes the waiting list."""
    if registration.status == Registration.Status.CONFIRMED:
        offering.confirmed_seats -= registration.seats
    else:
        offering.waitlisted_seats -= registration.seats
    registration.status = Registration.Status.CANCELLED
    registration.cancelled_at = now


def _promote(offering: Offering) -> list[Registration]:
    """Confirm the head of the waiting list while its seats fit. The caller holds the
    offering's lock and saves nothing else after this."""
    promoted = []
    free = offering.free_seats
    if offering.waitlisted_seats == 0 or free == 0:
        return promoted
    queue = Registration.objects.filter(
        offering=offering, status=Registration.Status.WAITLISTED
    ).order_by("position")
    now = timezone.now()
    for registration in queue.iterator(chunk_size=100):
        if registration.seats > free:
            break
        free -= registration.seats
        registration.status = Registration.Status.CONFIRMED
        registration.promoted_at = now
        registration.save(update_fields=["status", "promoted_at"])
        promoted.append(registration)
    if promoted:
        seats = sum(r.seats for r in promoted)
        offering.confirmed_seats += seats
        offering.waitlisted_seats -= seats
        offering.save(update_fields=["confirmed_seats", "waitlisted_seats"])
        for registration in promoted:
            outbox.enqueue(
                mail.send_promotion, registration_id=registration.pk, language=get_language() or ""
            )
    return promoted


@transaction.atomic
def withdraw_registrations_of_deleted_account(*, user) -> int:
    """The holder's account is being deleted: every registration of theirs loses its
    personal data, and the ones that still hold a place for the future give it up.

    - not checked in, for an event that has not ended: cancelled, and the freed seats go
      to the waiting list in order (`_promote`, under the offering's lock, as any
      cancellation);
    - checked in, or for an event that has ended: kept as it is, for the attendance
      figures, with the attendee's name and number removed.

    Every one is marked `erased_at`, so its ticket is refused at the door. Called by the
    account deletion (`tickets.personal_data`), which the person confirmed with their
    password or staff carried out under `privacy.handle_requests`; it takes no actor of its
    own. Idempotent; returns how many registrations it changed."""
    now = timezone.now()
    mine = Registration.objects.filter(user=user, erased_at__isnull=True)
    offering_ids = sorted(set(mine.values_list("offering_id", flat=True)))
    changed = 0
    # Locked in id order, as every other service locks one offering: no deadlock.
    for offering in Offering.objects.select_for_update().filter(pk__in=offering_ids).order_by("pk"):
        cancelled_seats = 0
        for registration in mine.filter(offering=offering).order_by("pk"):
            fields = ["attendee_name", "attendee_phone", "erased_at"]
            if registration.is_active and not registration.checked_in_at and offering.ends_at > now:
                _release_seats(offering, registration, now)
                cancelled_seats += registration.seats
                fields += ["status", "cancelled_at"]
            registration.attendee_name = registration.attendee_phone = None
            registration.erased_at = now
            registration.save(update_fields=fields)
            changed += 1
        if cancelled_seats:
            offering.save(update_fields=["confirmed_seats", "waitlisted_seats"])
            promoted = _promote(offering)
            # The trail names the event and the seats, not whose they were.
            audit.record(
                None,
                "tickets.registration_withdrawn_on_deletion",
                offering,
                region=offering.region,
                seats=cancelled_seats,
                promoted=len(promoted),
            )
    return changed


# --- Staff at the door: check-in ----------------------------------------------------------


class CheckInOutcome:
    OK = "ok"
    DUPLICATE = "duplicate"
    INVALID = "invalid"
    WRONG_EVENT = "wrong_event"
    NOT_CONFIRMED = "not_confirmed"


@dataclass
class CheckInResult:
    outcome: str
    message: str
    registration: Registration | None = None

    @property
    def counted(self) -> bool:
        return self.outcome == CheckInOutcome.OK


def _believable(scanned_at: datetime | None, now: datetime) -> datetime:
    if scanned_at is None or timezone.is_naive(scanned_at):
        return now
    if scanned_at > now or scanned_at < now - CLOCK_TOLERANCE:
        return now
    return scanned_at


def _check_in_one(offering: Offering, ticket: str, scanned_at, now) -> CheckInResult:
    ticket = (ticket or "").strip()
    if looks_like_ticket(ticket):
        try:
            claim = verify_ticket(ticket)
        except InvalidTicket as error:
            return CheckInResult(CheckInOutcome.INVALID, str(error.message))
        if claim.offering_id != offering.pk:
            return CheckInResult(CheckInOutcome.WRONG_EVENT, _("This ticket is for another event."))
        code = claim.code
    else:
        code = normalise_ticket_code(ticket)
        if not code or len(code) > 16:
            return CheckInResult(
                CheckInOutcome.INVALID, _("This is neither a ticket nor a ticket code.")
            )
    registration = Registration.objects.filter(code=code).first()
    if registration is None:
        return CheckInResult(CheckInOutcome.INVALID, _("No registration has this ticket code."))
    if registration.offering_id != offering.pk:
        return CheckInResult(CheckInOutcome.WRONG_EVENT, _("This ticket is for another event."))
    if registration.erased_at is not None:
        return CheckInResult(
            CheckInOutcome.NOT_CONFIRMED,
            _("This ticket was withdrawn: the account it belonged to was deleted."),
            registration,
        )
    if registration.status != Registration.Status.CONFIRMED:
        message = (
            _("This registration was cancelled.")
            if registration.status == Registration.Status.CANCELLED
            else _("This registration is on the waiting list, without a seat.")
        )
        return CheckInResult(CheckInOutcome.NOT_CONFIRMED, message, registration)
    if registration.checked_in_at:
        Registration.objects.filter(pk=registration.pk).update(repeat_scans=F("repeat_scans") + 1)
        when = timezone.localtime(registration.checked_in_at).strftime("%H:%M")
        return CheckInResult(
            CheckInOutcome.DUPLICATE,
            _("Already checked in at %(time)s: not counted again.") % {"time": when},
            registration,
        )
    registration.checked_in_at = _believable(scanned_at, now)
    registration.save(update_fields=["checked_in_at"])
    offering.checked_in_seats += registration.seats
    return CheckInResult(
        CheckInOutcome.OK,
        _("Checked in: %(n)d seat(s).") % {"n": registration.seats},
        registration,
    )


@service
def check_in(
    *, actor, offering_id: int, tickets: list[tuple[str, datetime | None]]
) -> list[CheckInResult]:
    """Check in a batch of scanned or typed tickets (a door device syncing its queue).

    Idempotent per ticket: a ticket already checked in answers `duplicate`, is flagged on
    the registration and never counted twice. Needs `tickets.check_in` on the offering's
    region and sector. Each item gets its own result; a bad item does not stop the batch.
    """
    offering = one_or_not_found(Offering.objects.select_for_update(), pk=offering_id)
    require_scope(actor, action="tickets.check_in", **_scope(offering))
    now = timezone.now()
    results = [_check_in_one(offering, ticket, when, now) for ticket, when in tickets]
    counted = sum(1 for r in results if r.counted)
    if counted:
        offering.save(update_fields=["checked_in_seats"])
    audit.record(
        actor,
        "tickets.checked_in",
        offering,
        region=offering.region,
        counted=counted,
        refused=len(results) - counted,
    )
    return results
