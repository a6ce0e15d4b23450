"""Links that leave the site, in mails above all, are absolute: a mail has no page to be
relative to. SITE_URL says where the site is (see settings)."""

from django.conf import settings


def absolute_url(path: str) -> str:
    """`path` (from `reverse()`, starting with "/") on the site's address."""
    if not path.startswith("/"):
        raise ValueError(f"{path!r} is not a path on this site")
    return settings.SITE_URL.rstrip("/") + path
