"""Editing an edition's official programme. Only national organisers may do it.

Each function takes the fields a form or the API has already parsed, checks the rules that
involve more than one row (dates inside the edition, one event per room at a time), saves,
and records who did it.
"""

from datetime import timedelta

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cyberweek.core import audit
from cyberweek.core.errors import Conflict, ValidationFailed
from cyberweek.core.permissions import require_scope
from cyberweek.core.queries import one_or_not_found
from cyberweek.core.transactions import service

from .models import Edition, Event, Room, Speaker, ThemedDay

MANAGE = "programme.manage"


def _assign(instance, data: dict, allowed: set[str]):
    unknown = set(data) - allowed
    if unknown:
        raise ValidationFailed(_("Unknown fields: %s") % ", ".join(sorted(unknown)))
    for key, value in data.items():
        setattr(instance, key, value)


# --- Editions ----------------------------------------------------------------------------
EDITION_FIELDS = {
    "year",
    "slug",
    "theme",
    "theme_en",
    "slogan",
    "slogan_en",
    "host_city",
    "host_city_en",
    "starts_on",
    "ends_on",
    "is_published",
}


def _check_edition(edition: Edition) -> None:
    if edition.ends_on < edition.starts_on:
        raise ValidationFailed(_("The last day cannot be before the first day."), field="ends_on")
    if (edition.ends_on - edition.starts_on).days > 30:
        raise ValidationFailed(_("An edition lasts at most 31 days."), field="ends_on")
    clash = Edition.objects.exclude(pk=edition.pk)
    if clash.filter(year=edition.year).exists():
        raise Conflict(_("There is already an edition for %s.") % edition.year, field="year")
    if clash.filter(slug=edition.slug).exists():
        raise Conflict(_("This short name is already used."), field="slug")
    if edition.pk is None:
        return
    if edition.themed_days.exclude(date__range=(edition.starts_on, edition.ends_on)).exists():
        raise ValidationFailed(
            _("Some themed days would fall outside the new dates; move them first."),
            field="starts_on",
        )
    for event in edition.events.all():
        if not _within_edition(event, edition):
            raise ValidationFailed(
                _("The event “%s” would fall outside the new dates; move it first.") % event.title,
                field="starts_on",
            )


@service
def create_edition(*, actor, data: dict) -> Edition:
    require_scope(actor, action=MANAGE)
    edition = Edition()
    _assign(edition, data, EDITION_FIELDS)
    _check_edition(edition)
    edition.save()
    audit.record(actor, "programme.edition_created", edition)
    return edition


@service
def update_edition(*, actor, edition_id: int, data: dict) -> Edition:
    require_scope(actor, action=MANAGE)
    edition = one_or_not_found(Edition.objects.select_for_update(), pk=edition_id)
    _assign(edition, data, EDITION_FIELDS)
    _check_edition(edition)
    edition.save()
    audit.record(actor, "programme.edition_updated", edition, fields=sorted(data))
    return edition


# --- Themed days ---------------------------------------------------------------------------
THEMED_DAY_FIELDS = {"date", "kind", "title", "title_en", "description", "description_en"}


def _check_themed_day(day: ThemedDay, edition: Edition) -> None:
    if not edition.starts_on <= day.date <= edition.ends_on:
        raise ValidationFailed(
            _("A themed day must fall between %(start)s and %(end)s.")
            % {"start": edition.starts_on, "end": edition.ends_on},
            field="date",
        )
    if edition.themed_days.exclude(pk=day.pk).filter(date=day.date).exists():
        raise Conflict(_("That date already has a themed day."), field="date")


@service
def save_themed_day(*, actor, edition_id: int, data: dict, themed_day_id: int | None = None):
    """Create a themed day, or update the one given."""
    require_scope(actor, action=MANAGE)
    edition = one_or_not_found(Edition.objects.select_for_update(), pk=edition_id)
    if themed_day_id is None:
        day = ThemedDay(edition=edition)
    else:
        day = one_or_not_found(ThemedDay.objects, pk=themed_day_id, edition=edition)
    _assign(day, data, THEMED_DAY_FIELDS)
    _check_themed_day(day, edition)
    created = day.pk is None
    day.save()
    audit.record(actor, f"programme.themed_day_{'created' if created else 'updated'}", day)
    return day


@service
def delete_themed_day(*, actor, themed_day_id: int) -> None:
    require_scope(actor, action=MANAGE)
    day = one_or_not_found(ThemedDay.objects, pk=themed_day_id)
    audit.record(actor, "programme.themed_day_deleted", day, date=str(day.date))
    day.delete()


# --- Rooms and speakers ------------------------------------------------------------------
ROOM_FIELDS = {"name", "name_en", "venue", "venue_en", "capacity"}
SPEAKER_FIELDS = {"name", "name_en", "affiliation", "affiliation_en", "bio", "bio_en"}


@service
def save_room(*, actor, edition_id: int, data: dict, room_id: int | None = None) -> Room:
    require_scope(actor, action=MANAGE)
    edition = one_or_not_found(Edition.objects, pk=edition_id)
    room = (
        Room(edition=edition)
        if room_id is None
        else one_or_not_found(Room.objects, pk=room_id, edition=edition)
    )
    _assign(room, data, ROOM_FIELDS)
    same = edition.rooms.exclude(pk=room.pk).filter(venue=room.venue, name=room.name)
    if same.exists():
        raise Conflict(_("This venue already has a room of that name."), field="name")
    room.save()
    audit.record(actor, "programme.room_saved", room)
    return room


@service
def save_speaker(*, actor, edition_id: int, data: dict, speaker_id: int | None = None) -> Speaker:
    require_scope(actor, action=MANAGE)
    edition = one_or_not_found(Edition.objects, pk=edition_id)
    if speaker_id is None:
        speaker = Speaker(edition=edition)
    else:
        speaker = one_or_not_found(Speaker.objects, pk=speaker_id, edition=edition)
    _assign(speaker, data, SPEAKER_FIELDS)
    speaker.save()
    audit.record(actor, "programme.speaker_saved", speaker)
    return speaker


# --- Events ------------------------------------------------------------------------------
EVENT_FIELDS = {
    "slug",
    "kind",
    "parent",
    "title",
    "title_en",
    "description",
    "description_en",
    "starts_at",
    "ends_at",
    "room",
    "is_published",
}
ALLOWED_PARENTS = {
    Event.Kind.SUB_FORUM: {Event.Kind.FORUM},
    Event.Kind.SESSION: {
        Event.Kind.FORUM,
        Event.Kind.SUB_FORUM,
        Event.Kind.EXPO,
        Event.Kind.CEREMONY,
        Event.Kind.CONTEST,
        Event.Kind.OTHER,
    },
}


def _within_edition(event: Event, edition: Edition) -> bool:
    first = timezone.localtime(event.starts_at).date()
    # An event that ends at midnight belongs to the day before.
    last = timezone.localtime(event.ends_at - timedelta(microseconds=1)).date()
    return edition.starts_on <= first and last <= edition.ends_on


def _family_ids(event: Event) -> set[int]:
    """The event's ancestors and descendants: they may share its room (a session in the
    hall of its forum)."""
    ids: set[int] = set()
    node = event.parent
    while node is not None and node.pk not in ids:
        ids.add(node.pk)
        node = node.parent
    if event.pk:
        frontier = [event.pk]
        while frontier:
            children = list(
                Event.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)
            )
            frontier = [pk for pk in children if pk not in ids]
            ids.update(frontier)
    return ids


def _check_event(event: Event, edition: Edition) -> None:
    if event.ends_at <= event.starts_at:
        raise ValidationFailed(_("An event must end after it starts."), field="ends_at")
    if not _within_edition(event, edition):
        raise ValidationFailed(
            _("The event must take place between %(start)s and %(end)s, the edition's dates.")
            % {"start": edition.starts_on, "end": edition.ends_on},
            field="starts_at",
        )
    if edition.events.exclude(pk=event.pk).filter(slug=event.slug).exists():
        raise Conflict(_("Another event of this edition has this short name."), field="slug")
    if event.parent is not None:
        if event.parent.edition_id != edition.pk:
            raise ValidationFailed(
                _("The parent event belongs to another edition."), field="parent"
            )
        if event.parent.kind not in ALLOWED_PARENTS.get(event.kind, set()):
            raise ValidationFailed(
                _("A %(kind)s cannot be part of a %(parent)s.")
                % {"kind": event.get_kind_display(), "parent": event.parent.get_kind_display()},
                field="parent",
            )
        if event.pk and event.pk in _family_ids(event.parent) | {event.parent.pk}:
            raise ValidationFailed(_("An event cannot be part of itself."), field="parent")
    if event.room is not None:
        if event.room.edition_id != edition.pk:
            raise ValidationFailed(_("The room belongs to another edition."), field="room")
        # Lock the room so two organisers booking it at once are serialised.
        one_or_not_found(Room.objects.select_for_update(), pk=event.room.pk)
        overlapping = (
            Event.objects.filter(room=event.room)
            .filter(Q(starts_at__lt=event.ends_at) & Q(ends_at__gt=event.starts_at))
            .exclude(pk=event.pk)
            .exclude(pk__in=_family_ids(event))
            .first()
        )
        if overlapping is not None:
            raise Conflict(
                _("%(room)s is already booked for “%(title)s” from %(start)s to %(end)s.")
                % {
                    "room": event.room,
                    "title": overlapping.title,
                    "start": timezone.localtime(overlapping.starts_at).strftime("%m-%d %H:%M"),
                    "end": timezone.localtime(overlapping.ends_at).strftime("%m-%d %H:%M"),
                },
                field="room",
            )


@service
def save_event(
    *, actor, edition_id: int, data: dict, speakers=None, event_id: int | None = None
) -> Event:
    """Create an event, or update the one given; `speakers`, when given, replaces the list."""
    require_scope(actor, action=MANAGE)
    edition = one_or_not_found(Edition.objects, pk=edition_id)
    if event_id is None:
        event = Event(edition=edition)
    else:
        event = one_or_not_found(Event.objects.select_for_update(), pk=event_id, edition=edition)
    _assign(event, data, EVENT_FIELDS)
    _check_event(event, edition)
    created = event.pk is None
    event.save()
    if speakers is not None:
        if any(s.edition_id != edition.pk for s in speakers):
            raise ValidationFailed(_("A speaker belongs to another edition."), field="speakers")
        event.speakers.set(speakers)
    audit.record(actor, f"programme.event_{'created' if created else 'updated'}", event)
    return event


@service
def delete_event(*, actor, event_id: int) -> None:
    require_scope(actor, action=MANAGE)
    event = one_or_not_found(Event.objects, pk=event_id)
    audit.record(actor, "programme.event_deleted", event, slug=event.slug)
    event.delete()
