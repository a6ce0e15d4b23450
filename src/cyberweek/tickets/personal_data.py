"""What the tickets app holds about a person (see core/personal_data.py).

A registration links a person to an event, with their seats, its status and times, the
check-in time, and — only when the event asked — the attendee's name and mobile number
(encrypted). Kept `Retention.REGISTRATION` days (180 by default) after the event ends,
then deleted; the attendance figures stay on the offering (`confirmed_seats`,
`checked_in_seats`), which no longer name anyone.

Erasing a person (account deletion) cancels their registrations for events still to come
(the waiting list moves up) and keeps the others (checked in, or for events that ended),
linked to the anonymised account without name or number, so attendance stays right. Every
one of their tickets is refused at the door from then on, online and offline.
"""

from datetime import date, datetime, time

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cyberweek.core.personal_data import PersonalDataSource, Retention, field_label, iso

from .models import Registration
from .services import withdraw_registrations_of_deleted_account


def _export(user) -> list[dict]:
    def label(name):
        return field_label(Registration, name)

    return [
        {
            label("offering"): r.offering.title,
            str(_("starts")): iso(r.offering.starts_at),
            label("status"): r.get_status_display(),
            label("seats"): r.seats,
            label("position"): r.position,
            label("code"): r.code,
            label("attendee_name"): r.attendee_name or "",
            label("attendee_phone"): r.attendee_phone or "",
            label("created_at"): iso(r.created_at),
            label("promoted_at"): iso(r.promoted_at),
            label("cancelled_at"): iso(r.cancelled_at),
            label("checked_in_at"): iso(r.checked_in_at),
            label("repeat_scans"): r.repeat_scans,
        }
        for r in Registration.objects.filter(user=user).select_related("offering").order_by("pk")
    ]


def _erase(user) -> int:
    # Seats, the waiting list and the door are the tickets service's rules: it cancels
    # what is still to come (promoting whoever waits) and anonymises the rest.
    return withdraw_registrations_of_deleted_account(user=user)


def _purge(*, today: date, dry_run: bool) -> int:
    cutoff = Retention.cutoff(Retention.REGISTRATION, today)
    if cutoff is None:
        return 0
    ended_before = timezone.make_aware(datetime.combine(cutoff, time.min))
    due = Registration.objects.filter(offering__ends_at__lt=ended_before)
    if dry_run:
        return due.count()
    return due.delete()[0]


SOURCES = [
    PersonalDataSource(
        key="tickets.registrations",
        label=_("Your registrations and tickets"),
        origin=_("You registered for an event; the door staff recorded your check-in."),
        retention=Retention.REGISTRATION,
        models=("tickets.registration",),
        export=_export,
        erase=_erase,
        purge=_purge,
        purpose=_("Seats, the waiting list and check-in at the door."),
        exempt_fields={
            "tickets.registration.user": "You.",
            "tickets.registration.erased_at": "Set only when the account is deleted.",
        },
    )
]
