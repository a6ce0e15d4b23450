"""Background jobs of the dashboards (Celery; inline in the embedded runtime)."""

from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from cyberweek.programme.queries import published_editions

from . import reports, services, summaries


def _running_editions():
    today = timezone.localdate()
    # The Week itself, and the day after it (the last day's figures settle).
    return published_editions().filter(starts_on__lte=today, ends_on__gte=today - timedelta(days=1))


@shared_task(name="insights.refresh_figures")
def refresh_figures(year: int | None = None, full: bool = False) -> int:
    """Beat, every INSIGHTS_REFRESH_SECONDS: roll up the figures of the running edition
    (or of `year`). Returns how many editions were refreshed."""
    editions = published_editions().filter(year=year) if year else _running_editions()
    for edition in editions:
        if full:
            summaries.refresh(edition)
        else:
            summaries.refresh_current(edition)
    return len(editions)


@shared_task(name="insights.build_report")
def build_report(build_id: int) -> str:
    return reports.build(build_id).status


@shared_task(name="insights.deliver_reports")
def deliver_reports() -> int:
    """Beat, each evening at 20:00: mail the reports subscribed to."""
    return sum(services.deliver_reports(edition=e) for e in _running_editions())
