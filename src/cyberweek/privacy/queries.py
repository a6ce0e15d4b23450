from django.db.models import QuerySet
from django.utils import timezone

from .models import AccessLogEntry, DataSubjectRequest


def open_requests() -> QuerySet[DataSubjectRequest]:
    return DataSubjectRequest.objects.filter(status__in=DataSubjectRequest.OPEN).order_by("due_at")


def closed_requests() -> QuerySet[DataSubjectRequest]:
    return DataSubjectRequest.objects.exclude(status__in=DataSubjectRequest.OPEN).order_by(
        "-closed_at"
    )


def overdue_count() -> int:
    return open_requests().filter(due_at__lt=timezone.now()).count()


def recent_access(limit: int = 200) -> QuerySet[AccessLogEntry]:
    return AccessLogEntry.objects.order_by("-pk")[:limit]
