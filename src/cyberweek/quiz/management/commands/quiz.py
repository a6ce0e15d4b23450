"""`cyberweek quiz rebuild-leaderboards [--contest SLUG]`: write the Redis leaderboards
afresh from the database (after Redis was flushed or replaced)."""

from django.core.management.base import BaseCommand, CommandError
from redis.exceptions import RedisError

from cyberweek.quiz import leaderboards, services
from cyberweek.quiz.models import Contest


class Command(BaseCommand):
    help = "Knowledge contest maintenance."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        rebuild = sub.add_parser(
            "rebuild-leaderboards", help="rebuild the Redis leaderboards from the database"
        )
        rebuild.add_argument("--contest", action="append", default=[], metavar="SLUG")

    def handle(self, *args, action, contest=(), **options):
        if not leaderboards.uses_redis():
            self.stdout.write(
                "REDIS_URL is not set: leaderboards are read from the database; nothing to do."
            )
            return
        ids = None
        if contest:
            found = dict(Contest.objects.filter(slug__in=contest).values_list("slug", "pk"))
            missing = sorted(set(contest) - set(found))
            if missing:
                raise CommandError(f"No contest with the short name: {', '.join(missing)}")
            ids = list(found.values())
        try:
            counts = services.rebuild_leaderboards(contest_ids=ids)
        except RedisError as error:
            raise CommandError(f"Redis is not reachable: {error}") from error
        for slug, count in counts.items():
            self.stdout.write(f"{slug}: {count} entries on the leaderboards")
