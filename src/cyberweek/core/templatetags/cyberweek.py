"""Template helpers shared by every app."""

from django import template
from django.utils.translation import get_language

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
