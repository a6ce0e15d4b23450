from django.apps import apps
from django.conf import settings


def _public_nav():
    """Links each app offers the public, from `public_nav` on its AppConfig."""
    links = []
    for config in apps.get_app_configs():
        links.extend(getattr(config, "public_nav", ()))
    return links


def platform(request):
    return {
        "PLATFORM_NAME": settings.PLATFORM_NAME,
        "ORGANISER_2FA_REQUIRED": settings.ORGANISER_2FA_REQUIRED,
        "EMBEDDED": not settings.PRODUCTION,
        "PUBLIC_NAV": _public_nav(),
    }
