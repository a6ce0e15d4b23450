"""What the scenario needs, written by the application's own code into the production
database: an open event and contest, an organiser with an authenticator, and a verified
activity whose outcome photo lands in the S3 bucket. Prints what the check needs as JSON.

Run by `run.py` in the web nodes' environment; it borrows the test suite's factories.
"""

import hashlib
import io
import json
import os
import secrets
from datetime import timedelta

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cyberweek.settings")
django.setup()

from django.utils import timezone  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402
from PIL import Image  # noqa: E402

from cyberweek.accounts.models import OrganiserRole  # noqa: E402
from cyberweek.activities import services as activities  # noqa: E402
from cyberweek.activities.models import Activity  # noqa: E402
from cyberweek.core.permissions import acting_without_session  # noqa: E402
from cyberweek.tickets.models import Offering  # noqa: E402
from tests.accounts.factories import PASSWORD, organiser  # noqa: E402
from tests.activities.factories import ActivityFactory  # noqa: E402
from tests.programme.factories import EditionFactory  # noqa: E402
from tests.quiz.factories import contest_with_paper  # noqa: E402
from tests.tickets.factories import OfferingFactory  # noqa: E402

edition = EditionFactory()
offering = OfferingFactory(
    capacity=500, starts_at=timezone.now() + timedelta(days=3), source=Offering.Source.EVENT
)
contest = contest_with_paper(edition=edition, questions=5, attempts_allowed=3)

chief = organiser(OrganiserRole.Level.NATIONAL, email="prodcheck-organiser@example.org")
console = acting_without_session(chief)  # an operator at the server, as the demo loader is
totp_key = secrets.token_hex(20)
TOTPDevice.objects.create(user=chief, name="prod-check", key=totp_key, confirmed=True)

activity = ActivityFactory(edition=edition, status=Activity.Status.HELD)
local = acting_without_session(organiser(OrganiserRole.Level.COUNTY, activity.region.code))
photo = io.BytesIO()
Image.new("RGB", (64, 48), (30, 90, 160)).save(photo, format="JPEG")
activities.report_outcome(
    actor=local, activity_id=activity.pk, participants=120, online_reach=0,
    summary="讲解个人信息保护。", photos=[photo.getvalue()],
)  # fmt: skip
activities.verify_outcome(actor=console, activity_id=activity.pk)
stored = activity.photos.get()

print(
    json.dumps(
        {
            "offering": offering.pk,
            "contest": contest.slug,
            "contest_pk": contest.pk,
            "organiser": chief.email,
            "password": PASSWORD,
            "totp_key": totp_key,
            "photo_token": stored.token,
            "photo_name": stored.file.name,
            "photo_sha256": hashlib.sha256(photo.getvalue()).hexdigest(),
        }
    )
)
