"""Demo registrations: a few official events of the 2019 edition open for registration,
with small capacities, some tickets, a waiting list and a few check-ins, so the demo shows
every state. `load(national_user)` is called by `cyberweek load_demo`; it is repeatable.

The 2019 events are in the past, when the public may no longer register; the demo seats
its fictional participants with the same placement step the registration service uses.

`load_current(national_user, edition)` does the same for the edition running now: the
expo (running all week) with the visitor's ticket and a few people checked in, an event
ahead with a few seats left, one full with a waiting list, and one nobody has taken yet.
The events ahead ask for the attendee's name, which the door shows.
"""

from django.db import transaction
from django.utils import timezone

from cyberweek.accounts.models import User
from cyberweek.programme.queries import public_events, published_editions

from . import services
from .models import Offering, Registration

CAPACITIES = [5, 3, 8]  # small, so the waiting list is in view at once
PEOPLE = 7
# Fictional names the participants give when an event asks for one.
NAMES = ["王小明", "李华", "张伟", "刘洋", "陈静", "杨帆", "赵磊"]
# In the current edition: event slug, capacity, who registers, how many were checked in.
CURRENT = [
    ("expo", 40, "visitor+all", 3),
    ("finance-forum", 10, "all", 0),
    ("quiz", 5, "all", 0),
    ("pi-day", 30, "", 0),
]


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


def _offering_for(national_user, event, capacity: int, asks_name: bool) -> Offering:
    room = event.room
    return services.open_registration(
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
        asks_name=asks_name,
    )


@transaction.atomic
def load_current(national_user, edition) -> list[Offering]:
    events = {e.slug: e for e in public_events(edition)}
    people = _participants()
    visitor = User.objects.by_email("visitor@example.org").first()
    now = timezone.now()
    offerings = []
    for slug, capacity, who, checked_in in CURRENT:
        event = events.get(slug)
        if event is None:
            continue
        offering = _offering_for(national_user, event, capacity, asks_name=True)
        offerings.append(offering)
        offering = Offering.objects.select_for_update().get(pk=offering.pk)
        if offering.last_position:
            continue  # loaded before
        names = list(zip(people, NAMES, strict=True))
        if who == "visitor+all" and visitor is not None:
            names.insert(0, (visitor, "访客（演示）"))
        for person, name in names if who else []:
            services.place(offering, user=person, seats=1, name=name)
        # The first ones through the door are checked in (not the visitor: their ticket is
        # left for trying the check-in page).
        first = (
            Registration.objects.filter(offering=offering, status=Registration.Status.CONFIRMED)
            .exclude(user=visitor)
            .order_by("position")[:checked_in]
        )
        for registration in first:
            registration.checked_in_at = now
            registration.save(update_fields=["checked_in_at"])
            offering.checked_in_seats += registration.seats
        offering.save(update_fields=["checked_in_seats"])
    return offerings
