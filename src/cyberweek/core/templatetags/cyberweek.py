"""Template helpers shared by every app."""

from functools import lru_cache

from django import template
from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, translate_url
from django.utils.translation import get_language, get_language_info

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


@register.simple_tag(takes_context=True)
def language_links(context) -> list[tuple[str, str, str, bool]]:
    """(code, name in that language, this page in it, whether it is the current one) for
    each language. The language lives in the URL (/en/…), so switching is a plain link: no
    form, no cookie, no CSRF token, and a public page stays the same for every visitor."""
    request = context.get("request")
    here = request.get_full_path() if request is not None else "/"
    current = get_language()
    return [
        (code, get_language_info(code)["name_local"], url, code == current)
        for code, url in _translations(here, current, get_script_prefix(), get_urlconf())
    ]


@lru_cache(maxsize=512)
def _translations(here: str, _current, _prefix, _urlconf) -> tuple[tuple[str, str], ...]:
    """This page's address in each language. Resolving and reversing it twice was a tenth
    of a warm organiser page's time (bench/insights.py, cProfile); the answer depends only
    on the address, the active language (resolving reads it), the script prefix and the
    URLconf, all in the key."""
    return tuple((code, translate_url(here, code)) for code, _name in settings.LANGUAGES)
