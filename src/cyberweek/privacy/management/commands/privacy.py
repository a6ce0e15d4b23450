"""`cyberweek privacy new-keys | rotate-key | verify-log | checkpoint-log | purge`."""

import json

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cyberweek.core.crypto import KEY_SIZES, new_key_ring_spec
from cyberweek.privacy.checkpoints import CheckpointError, checkpoint_head
from cyberweek.privacy.rotation import rotate_keys
from cyberweek.privacy.services import purge_expired, verify_access_log


class Command(BaseCommand):
    help = "Keys, the access log and retention of personal information."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        keys = sub.add_parser("new-keys", help="Print a fresh key ring (JSON) to store safely.")
        keys.add_argument("--algorithm", choices=sorted(KEY_SIZES), default="aes-256-gcm")
        rotate = sub.add_parser(
            "rotate-key", help="Re-encrypt everything under the key ring's active key."
        )
        rotate.add_argument("--batch-size", type=int, default=500)
        rotate.add_argument(
            "--reindex", action="store_true", help="also recompute every blind index"
        )
        sub.add_parser(
            "verify-log", help="Check the access log's keyed chain against every checkpoint."
        )
        sub.add_parser(
            "checkpoint-log",
            help="Sign the access log's head to the checkpoint file (and mail, webhook).",
        )
        purge = sub.add_parser("purge", help="Delete or anonymise what is past its retention.")
        purge.add_argument("--dry-run", action="store_true", help="only report what is due")

    def handle(self, *args, subcommand, **options):
        getattr(self, subcommand.replace("-", "_"))(**options)

    def new_keys(self, *, algorithm, **options):
        self.stdout.write(json.dumps(new_key_ring_spec(algorithm=algorithm), indent=2))

    def rotate_key(self, *, batch_size, reindex, **options):
        if not 1 <= batch_size <= 10_000:
            raise CommandError("--batch-size must be between 1 and 10000.")
        report = rotate_keys(batch_size=batch_size, reindex=reindex)
        for label, count in sorted(report.rewritten.items()):
            self.stdout.write(f"  {label}: {count} rows rewritten")
        self.stdout.write(f"active key {report.active_key}: {report.total} rows rewritten")
        if report.remaining:
            raise CommandError(
                f"{report.remaining} rows are still under an old key (written by a node that "
                "has not loaded the new key ring yet); run the command again."
            )

    def verify_log(self, **options):
        check = verify_access_log()
        if not check.ok:
            where = f"entry {check.bad_entry_id}" if check.bad_entry_id else "the log as a whole"
            raise CommandError(
                f"access log NOT intact, at {where}: {check.reason} "
                f"({check.checked} entries fine before it, {check.checkpoints} checkpoints read)"
            )
        self.stdout.write(
            f"access log intact: {check.checked} entries, "
            f"{check.checkpoints} checkpoints agree ({settings.ACCESS_LOG_CHECKPOINT_FILE})"
        )

    def checkpoint_log(self, **options):
        try:
            written = checkpoint_head()
        except CheckpointError as error:
            raise CommandError(str(error)) from error
        checkpoint = written.checkpoint
        places = ", ".join([str(written.path), *written.sent_to])
        self.stdout.write(
            f"checkpoint {checkpoint.number}: entry {checkpoint.head_seq} "
            f"({checkpoint.count} entries) signed with key {checkpoint.key}, written to {places}"
        )
        if written.failures:
            raise CommandError("not sent: " + "; ".join(written.failures))

    def purge(self, *, dry_run, **options):
        report = purge_expired(dry_run=dry_run)
        verb = "due" if dry_run else "purged"
        for key, count in report.counts.items():
            self.stdout.write(f"  {key}: {count} {verb}")
        self.stdout.write(f"{report.total} records {verb} on {report.today}"
                          + (" (dry run: nothing changed)" if dry_run else ""))  # fmt: skip
