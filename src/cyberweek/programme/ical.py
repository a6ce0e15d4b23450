"""iCalendar feeds (RFC 5545) for one event or a whole programme."""

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar
from icalendar import Event as VEvent

from cyberweek.core.templatetags.cyberweek import tr


def calendar_for(events, *, name: str, url_for) -> bytes:
    """`url_for(event)` gives the absolute URL of an event's page."""
    calendar = Calendar()
    calendar.add("prodid", "-//cyberweek//programme//ZH")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    stamp = timezone.now()
    for event in events:
        item = VEvent()
        item.add("uid", f"event-{event.pk}@cyberweek")
        item.add("dtstamp", stamp)
        item.add("dtstart", event.starts_at)
        item.add("dtend", event.ends_at)
        item.add("summary", tr(event, "title"))
        description = tr(event, "description")
        if description:
            item.add("description", description)
        if event.room is not None:
            item.add("location", f"{tr(event.room, 'venue')} {tr(event.room, 'name')}".strip())
        item.add("url", url_for(event))
        item.add("last-modified", event.updated_at)
        calendar.add_component(item)
    return calendar.to_ical()
