"""`cyberweek activities send-reminders`: the daily reminder job, for a scheduler to run."""

from django.core.management.base import BaseCommand

from cyberweek.activities.tasks import send_overdue_reminders


class Command(BaseCommand):
    help = "Jobs of the local activities: reminders of overdue outcome reports."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        sub.add_parser(
            "send-reminders",
            help="Email the organisers of activities whose outcome report is overdue "
            "(at most once a day per activity).",
        )

    def handle(self, *args, subcommand, **options):
        if subcommand == "send-reminders":
            # Through the task, so the command and Celery beat run the same job.
            count = send_overdue_reminders.apply().get()
            self.stdout.write(f"Reminders sent for {count} overdue activities.")
