"""`cyberweek load_demo`: realistic demo data for the embedded runtime, with sign-ins printed."""

import secrets

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from cyberweek.accounts.models import OrganiserRole, User
from cyberweek.accounts.services import bootstrap_national_organiser, grant_role
from cyberweek.activities import demo as activities_demo
from cyberweek.campaigns import demo as campaigns_demo
from cyberweek.core.permissions import acting_without_session
from cyberweek.ctf import demo as ctf_demo
from cyberweek.demo import consent_notices, edition_2019, edition_current
from cyberweek.geo.models import Region
from cyberweek.geo.regions_data import read_rows
from cyberweek.geo.services import sync_regions
from cyberweek.insights import demo as insights_demo
from cyberweek.quiz import demo as quiz_demo
from cyberweek.showcase import demo as showcase_demo
from cyberweek.tickets import demo as tickets_demo
from cyberweek.tipline import demo as tipline_demo

DEMO_PEOPLE = [
    # email, display name, role level, region code
    ("national@example.org", "国家组织者（演示）", OrganiserRole.Level.NATIONAL, None),
    ("tianjin@example.org", "天津市组织者（演示）", OrganiserRole.Level.PROVINCIAL, "120000"),
    ("heping@example.org", "和平区组织者（演示）", OrganiserRole.Level.COUNTY, "120101"),
    ("visitor@example.org", "", None, None),
]


# The current edition needs enough to fill the map and lists, not the 2019 archive's count.
CURRENT_ACTIVITIES = 160


def _password() -> str:
    return secrets.token_urlsafe(9)


class Command(BaseCommand):
    help = (
        "Load demo data (the 2019 edition, a current edition around today, organisers, "
        "a participant) and print how to sign in."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="allow outside the embedded runtime"
        )
        parser.add_argument(
            "--opens-in",
            type=int,
            default=None,
            metavar="DAYS",
            help="place the current edition DAYS ahead (the home page counts down) "
            "instead of running today; only when it is first made",
        )

    def handle(self, *args, force=False, opens_in=None, **options):
        if settings.PRODUCTION and not force:
            raise CommandError("Refusing to load demo accounts into production (use --force).")
        if not Region.objects.exists():
            sync_regions(read_rows())
        credentials = []
        with transaction.atomic():
            users = {}
            for email, display_name, level, _region in DEMO_PEOPLE:
                user = User.objects.by_email(email).first() or User.objects.create_user(
                    email, display_name=display_name
                )
                # New passwords on every run: nothing to guess from the repository.
                password = _password()
                user.set_password(password)
                # Demo accounts sign in at once: their addresses are the demo's own.
                user.verified_at = user.verified_at or timezone.now()
                user.save(update_fields=["password", "verified_at"])
                # The loader acts from the console, where there is no session to ask a
                # second factor of (core.permissions.acting_without_session).
                users[email] = acting_without_session(user)
                credentials.append((email, password, level.label if level else "participant"))
            national = users["national@example.org"]
            bootstrap_national_organiser(user=national)
            for email, _name, level, region_code in DEMO_PEOPLE:
                if level in {None, OrganiserRole.Level.NATIONAL}:
                    continue
                region = Region.objects.get(code=region_code)
                if not OrganiserRole.objects.filter(
                    user=users[email], level=level, region=region
                ).exists():
                    actor = (
                        national
                        if level == OrganiserRole.Level.PROVINCIAL
                        else users["tianjin@example.org"]
                    )
                    grant_role(actor=actor, user=users[email], level=level, region=region)
            archive = edition_2019.load(national)
            consent_notices.load(national)
            activities_demo.load(national)
            quiz_demo.load(national)
            tickets_demo.load(national)
            current = edition_current.load(national, opens_in=opens_in)
            activities_demo.load(national, edition=current, count=CURRENT_ACTIVITIES)
            quiz_demo.load(national, edition=current)
            tickets_demo.load_current(national, current)
            ctf_demo.load(national)
            tipline_demo.load(national)
            showcase_demo.load(national)
            campaigns_demo.load(national, current)
            insights_demo.load(national, editions=[archive, current])

        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data loaded: the {current.year} edition "
                f"({current.starts_on:%Y-%m-%d} to {current.ends_on:%Y-%m-%d}) "
                "and the 2019 edition as the archive."
            )
        )
        # SITE_URL is where the server listens (`make demo` sets it from HOST and PORT).
        self.stdout.write(f"Sign in at {settings.SITE_URL}/accounts/login/ with:")
        for email, password, role in credentials:
            self.stdout.write(f"  {email:<24} {password:<16} {role}")
        if not settings.ORGANISER_2FA_REQUIRED:
            self.stdout.write(
                "Two-factor sign-in for organisers is relaxed in this demo "
                "(ORGANISER_2FA_REQUIRED=false); production always requires it."
            )
