"""Background jobs of the activities app (Celery; inline in the embedded runtime)."""

from celery import shared_task

from . import services


@shared_task(name="activities.send_overdue_reminders")
def send_overdue_reminders() -> int:
    """Daily (Celery beat, or `cyberweek activities send-reminders`): remind the organisers
    of every activity whose outcome report is overdue."""
    return services.send_overdue_reminders()
