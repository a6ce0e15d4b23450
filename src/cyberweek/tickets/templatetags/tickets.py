from django import template

from cyberweek.tickets import queries

register = template.Library()


@register.inclusion_tag("tickets/_button.html", takes_context=True)
def register_button(context, source: str, source_id: int):
    """The "Register" button of an event or activity page: nothing when registration was
    never opened, the person's ticket when they have one, else the way to register."""
    request = context.get("request")
    user = getattr(request, "user", None)
    offering = queries.offering_for(source, source_id)
    registration = queries.active_registration(offering, user) if offering else None
    return {
        "offering": offering,
        "registration": registration,
        "closed_reason": offering.closed_reason() if offering else "",
    }
