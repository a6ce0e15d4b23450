"""`cyberweek insights refresh|deliver-reports`: the dashboards' scheduled jobs, for a
scheduler (cron) where Celery beat does not run, such as the embedded runtime."""

from django.core.management.base import BaseCommand

from cyberweek.insights.tasks import deliver_reports, refresh_figures


class Command(BaseCommand):
    help = "Jobs of the dashboards: roll up the figures; mail the reports subscribed to."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        refresh = sub.add_parser(
            "refresh", help="Roll up the figures of the running edition (or of --year)."
        )
        refresh.add_argument("--year", type=int, default=None)
        refresh.add_argument("--full", action="store_true", help="every day, not the recent")
        sub.add_parser(
            "deliver-reports", help="Build and mail the reports due today (what beat runs)."
        )

    def handle(self, *args, subcommand, year=None, full=False, **options):
        # Through the tasks, so the command and Celery beat run the same jobs.
        if subcommand == "refresh":
            count = refresh_figures.apply(kwargs={"year": year, "full": full}).get()
            self.stdout.write(f"Figures refreshed for {count} edition(s).")
        else:
            count = deliver_reports.apply().get()
            self.stdout.write(f"Reports mailed: {count}.")
