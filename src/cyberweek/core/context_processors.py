from django.conf import settings


def platform(request):
    return {
        "PLATFORM_NAME": settings.PLATFORM_NAME,
        "ORGANISER_2FA_REQUIRED": settings.ORGANISER_2FA_REQUIRED,
        "EMBEDDED": not settings.PRODUCTION,
    }
