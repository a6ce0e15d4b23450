"""`cyberweek outbox status | deliver | purge`: the operator's view of side effects."""

from django.core.management.base import BaseCommand
from django.db.models import Count

from cyberweek.core import outbox
from cyberweek.core.models import OutboxMessage


class Command(BaseCommand):
    help = "Mails and other side effects waiting, delivered or failed."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        sub.add_parser("status", help="Count messages by status.")
        sub.add_parser("deliver", help="Deliver every due message now (what beat does).")
        sub.add_parser("purge", help="Delete delivered messages past their retention period.")

    def handle(self, *args, subcommand, **options):
        if subcommand == "status":
            counts = dict(
                OutboxMessage.objects.values_list("status").annotate(n=Count("pk")).order_by()
            )
            for status in OutboxMessage.Status:
                self.stdout.write(f"{status.value}: {counts.get(status.value, 0)}")
        elif subcommand == "deliver":
            self.stdout.write(f"tried: {outbox.deliver_due()}")
        else:
            self.stdout.write(f"purged: {outbox.purge_finished()}")
