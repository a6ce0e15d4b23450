"""Template helpers shared by every app."""

from django import template
from django.utils.translation import get_language

from cyberweek.core.permissions import may_take_somewhere

register = template.Library()


@register.filter
def tr(obj, field: str):
    """The English variant of a bilingual field (`<field>_en`) on English pages, when it has
    been written; the Chinese original otherwise."""
    if (get_language() or "").startswith("en"):
        english = getattr(obj, f"{field}_en", "")
        if english:
            return english
    return getattr(obj, field, "")


@register.filter
def may(user, action: str) -> bool:
    """Whether any of the user's organiser roles allows `action` (for showing links; the
    page and the service still check the exact scope)."""
    return may_take_somewhere(user, action)
