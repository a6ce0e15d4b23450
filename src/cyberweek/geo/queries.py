from django.db.models import QuerySet

from .models import Region


def provinces() -> QuerySet[Region]:
    return Region.objects.filter(level=Region.Level.PROVINCE, is_active=True)


def children_of(region: Region) -> QuerySet[Region]:
    return region.children.filter(is_active=True)


def country() -> Region:
    return Region.objects.get(level=Region.Level.COUNTRY)
