"""Demo registrations: a few official events of the 2019 edition open for registration,
with small capacities, some tickets, a waiting list and a few check-ins, so the demo shows
every state. `load(national_user)` is called by `cyberweek load_demo`; it is repeatable.

The 2019 events are in the past, when the public may no longer register; the demo seats
its fictional participants with the same placement step the registration service uses.
"""

from django.db import transaction
from django.utils import timezone

from cyberweek.accounts.models import User
from cyberweek.programme.queries import public_events, published_editions

from . import services
from .models import Offering, Registration

CAPACITIES = [5, 3, 8]  # small, so the waiting list is in view at once
PEOPLE = 7


def _participants() -> list[User]:
    people = []
    for n in range(1, PEOPLE + 1):
        email = f"participant{n}@example.org"
        user = User.objects.by_email(email).first()
        if user is None:
            user = User.objects.create_user(email)
            user.set_unusable_password()
            user.save(update_fields=["password"])
        people.append(user)
    return people


@transaction.atomic
def load(national_user) -> list[Offering]:
    edition = published_editions().filter(year=2019).first()
    if edition is None:
        return []
    events = [e for e in public_events(edition) if e.parent_id is None][: len(CAPACITIES)]
    people = _participants()
    visitor = User.objects.by_email("visitor@example.org").first()
    offerings = []
    for event, capacity in zip(events, CAPACITIES, strict=False):
        room = event.room
        offering = services.open_registration(
            actor=national_user,
            source=Offering.Source.EVENT,
            source_id=event.pk,
            title=event.title,
            title_en=event.title_en,
            venue=" ".join(filter(None, [room.venue, room.name])) if room else "",
            venue_en=" ".join(filter(None, [room.venue_en, room.name_en])) if room else "",
            starts_at=event.starts_at,
            ends_at=event.ends_at,
            capacity=capacity,
        )
        offerings.append(offering)
        offering = Offering.objects.select_for_update().get(pk=offering.pk)
        if offering.last_position:
            continue  # loaded before
        for person in [visitor, *people] if visitor else people:
            services.place(offering, user=person, seats=1)
        # The first two confirmed were checked in at the door.
        first = Registration.objects.filter(
            offering=offering, status=Registration.Status.CONFIRMED
        ).order_by("position")[:2]
        for registration in first:
            registration.checked_in_at = offering.starts_at or timezone.now()
            registration.save(update_fields=["checked_in_at"])
            offering.checked_in_seats += registration.seats
        offering.save(update_fields=["checked_in_seats"])
    return offerings
