"""JSON for registration and check-in: registering and cancelling (participants), the
batch check-in a door device syncs its offline queue to, live counts (staff), and the
public key that verifies tickets offline."""

import datetime as dt
from typing import Literal

from django.utils import translation
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate
from ninja.security import django_auth

from cyberweek.core.api_auth import organiser
from cyberweek.core.api_enums import named_choices
from cyberweek.core.api_pagination import Pagination
from cyberweek.core.api_problems import Problem
from cyberweek.core.reveal import Look, record_looks

from . import queries, services, signing
from .models import Registration

router = Router(tags=["tickets"])
AUTH_ERRORS = {401: Problem, 403: Problem, 404: Problem, 409: Problem, 422: Problem}
MAX_BATCH = 500
# The reason each name shown at the door is logged with: registration asks for the name
# "to check people in", and this is that use.
DOOR_REASON = "Check-in at the door: the attendee's name, to match the ticket to its holder"


RegistrationStatus = named_choices(Registration.Status, "RegistrationStatus")


class PublicKeyOut(Schema):
    algorithm: str = Field(..., description="always Ed25519")
    format: str = Field(..., description="ticket format prefix")
    key: str = Field(..., description="raw 32-byte public key, base64url")
    pem: str


class RegistrationIn(Schema):
    seats: int = Field(1, ge=1, le=100)
    name: str = Field("", max_length=60, description="only when the event asks for it")
    phone: str = Field("", max_length=30, description="only when the event asks for it")


class RegistrationOut(Schema):
    id: int
    offering_id: int
    status: RegistrationStatus
    seats: int
    position: int = Field(..., description="arrival number")
    code: str
    ticket: str | None = Field(None, description="signed ticket (the QR payload) once confirmed")

    @staticmethod
    def resolve_ticket(registration):
        if registration.status != Registration.Status.CONFIRMED:
            return None
        return signing.sign_ticket(
            code=registration.code, offering_id=registration.offering_id, seats=registration.seats
        )


class CheckInItem(Schema):
    ticket: str = Field(..., max_length=400, description="signed ticket or typed ticket code")
    scanned_at: dt.datetime | None = Field(None, description="when the door device scanned it")
    client_id: str = Field("", max_length=64, description="echoed back, to match results")


class CheckInBatch(Schema):
    items: list[CheckInItem] = Field(..., min_length=1, max_length=MAX_BATCH)


class CheckInResultOut(Schema):
    client_id: str
    outcome: Literal["ok", "duplicate", "invalid", "wrong_event", "not_confirmed"]
    message: str
    registration_id: int | None
    seats: int | None
    attendee_name: str | None = Field(
        None, description="the name given at registration, when the event asked for one"
    )


class CountsOut(Schema):
    capacity: int
    confirmed: int
    waitlisted: int
    checked_in: int
    flagged: int = Field(..., description="tickets scanned again after check-in")


class CheckInOut(Schema):
    results: list[CheckInResultOut]
    counts: CountsOut
    withdrawn: list[str] = Field(
        ..., description="ticket codes withdrawn since issue, refreshed with every sync"
    )
    checked_in: list[str] = Field(
        ..., description="ticket codes checked in lately by any device at this event"
    )


def _language_of(request):
    """The API's paths carry no language prefix; the door page says which it shows (its
    Accept-Language header, or the language cookie), and its messages follow."""
    return translation.override(translation.get_language_from_request(request))


@router.get("/public-key", response={200: PublicKeyOut}, auth=None)
def public_key(request):
    """The Ed25519 public key that verifies tickets offline."""
    return {
        "algorithm": "Ed25519",
        "format": signing.PREFIX,
        "key": signing.public_key_raw_b64url(),
        "pem": signing.public_key_pem(),
    }


@router.post(
    "/offerings/{int:offering_id}/registrations",
    response={201: RegistrationOut, **AUTH_ERRORS},
    auth=django_auth,
)
def register(request, offering_id: int, payload: RegistrationIn):
    """Register the signed-in person: confirmed while seats last, else waitlisted in order.
    A second registration by the same person answers 409."""
    with _language_of(request):
        registration = services.register(
            actor=request.auth,
            offering_id=offering_id,
            seats=payload.seats,
            name=payload.name,
            phone=payload.phone,
        )
    return Status(201, registration)


@router.get(
    "/registrations", response={200: list[RegistrationOut], **AUTH_ERRORS}, auth=django_auth
)
@paginate(Pagination)
def my_registrations(request):
    """The signed-in person's registrations, newest event first."""
    return queries.my_registrations(request.auth)


@router.post(
    "/registrations/{int:registration_id}/cancel",
    response={200: RegistrationOut, **AUTH_ERRORS},
    auth=django_auth,
)
def cancel(request, registration_id: int):
    """Cancel one's own registration; the seat goes to the head of the waiting list."""
    with _language_of(request):
        return services.cancel_registration(actor=request.auth, registration_id=registration_id)


@router.post(
    "/offerings/{int:offering_id}/check-ins",
    response={200: CheckInOut, **AUTH_ERRORS},
    auth=organiser,
)
def check_in(request, offering_id: int, payload: CheckInBatch):
    """Check in a batch (a door device's offline queue). Idempotent: each item answers ok,
    duplicate (already checked in; flagged, not counted), invalid, wrong_event or
    not_confirmed."""
    with _language_of(request):
        results = services.check_in(
            actor=request.auth,
            offering_id=offering_id,
            tickets=[(item.ticket, item.scanned_at) for item in payload.items],
        )
    offering = queries.offering_for_staff(request.auth, offering_id)
    named = [r.registration for r in results if r.registration is not None and r.counted]
    named += [
        r.registration
        for r in results
        if r.registration is not None and r.outcome == services.CheckInOutcome.DUPLICATE
    ]
    shown = {r.pk for r in named if r.attendee_name}
    # The name is shown to the door staff so they can tell the holder is the attendee;
    # each name shown is a look at personal data and goes to the access log with why.
    record_looks(
        actor=request.auth,
        looks=[
            Look(r.user, f"tickets.registration attendee name #{r.pk}")
            for r in named
            if r.pk in shown
        ],
        why=DOOR_REASON,
    )
    return {
        "results": [
            {
                "client_id": item.client_id,
                "outcome": result.outcome,
                "message": str(result.message),
                "registration_id": result.registration.pk if result.registration else None,
                "seats": result.registration.seats if result.registration else None,
                "attendee_name": result.registration.attendee_name
                if result.registration and result.registration.pk in shown
                else None,
            }
            for item, result in zip(payload.items, results, strict=True)
        ],
        "counts": queries.counts(offering),
        "withdrawn": queries.withdrawn_codes(offering),
        "checked_in": queries.recent_check_in_codes(offering),
    }


class WithdrawnOut(Schema):
    codes: list[str] = Field(
        ..., description="ticket codes that no longer open the door: cancelled, or deleted"
    )
    checked_in: list[str] = Field(
        ..., description="ticket codes checked in lately by any device at this event"
    )


@router.get(
    "/offerings/{int:offering_id}/withdrawn-tickets",
    response={200: WithdrawnOut, **AUTH_ERRORS},
    auth=django_auth,
)
def withdrawn_tickets(request, offering_id: int):
    """Codes of tickets withdrawn since they were issued, for the door device to refuse
    them while offline (it verifies signatures only)."""
    offering = queries.offering_for_staff(request.auth, offering_id)
    return {
        "codes": queries.withdrawn_codes(offering),
        "checked_in": queries.recent_check_in_codes(offering),
    }


@router.get(
    "/offerings/{int:offering_id}/counts",
    response={200: CountsOut, **AUTH_ERRORS},
    auth=organiser,
)
def counts(request, offering_id: int):
    """Live figures for the door: seats confirmed, waiting, checked in, repeat scans."""
    return queries.counts(queries.offering_for_staff(request.auth, offering_id))
