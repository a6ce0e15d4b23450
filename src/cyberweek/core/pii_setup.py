"""The deployment's allow list and recognisers, handed to the pii engine at start-up, so
that every caller (screening, the self-check, the command) uses them."""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from cyberweek import pii


def configure_from_settings() -> None:
    try:
        recognizers = [
            pii.DenyList(type_, tuple(words))
            for type_, words in getattr(settings, "PII_DENY_LISTS", {}).items()
        ] + [
            pii.Pattern(
                p["type"],
                p["regex"],
                context=tuple(p.get("context", ())),
                ignore_case=bool(p.get("ignore_case")),
            )
            for p in getattr(settings, "PII_PATTERNS", [])
        ]
        pii.configure(allow=getattr(settings, "PII_ALLOW_LIST", []), recognizers=recognizers)
    except (ValueError, KeyError, TypeError) as error:
        raise ImproperlyConfigured(
            f"PII_ALLOW_LIST/PII_DENY_LISTS/PII_PATTERNS: {error}"
        ) from error
