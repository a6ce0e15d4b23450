"""A participant signs up, consents, uses the platform, exports, deletes: afterwards nothing
in the database identifies them and the aggregate figures are unchanged.

Apps that hold personal data extend `use_the_platform` as they plug into the registry.
"""

import json

import pytest
from django.apps import apps
from django.db import connection
from django.urls import reverse

from cyberweek.accounts.models import OrganiserRole, User
from cyberweek.activities.models import Activity
from cyberweek.activities.services import register_activity
from cyberweek.core.crypto import key_ring
from cyberweek.core.fields import EncryptedTextField
from cyberweek.geo.models import Region
from cyberweek.privacy import services
from cyberweek.privacy.checkpoints import checkpoint_head
from cyberweek.privacy.models import Purpose
from cyberweek.quiz import services as quiz_services
from cyberweek.quiz.models import Attempt
from cyberweek.tickets import services as ticket_services
from cyberweek.tickets.models import Offering, Registration
from tests.accounts.factories import organiser
from tests.activities.factories import activity_data
from tests.programme.factories import EditionFactory
from tests.quiz.factories import contest_with_paper
from tests.tickets.factories import OfferingFactory

pytestmark = pytest.mark.django_db

EMAIL = "wang.fang.e2e@example.org"
MOBILE_TYPED, MOBILE = "139 8765 4321", "+8613987654321"
# A name as people write it, so the pii engine masks it in public copies of free text.
NAME = "王芳"
PASSWORD = "river mountain 2019!"


def identifiers() -> list[str]:
    ring = key_ring()
    return [
        EMAIL,
        MOBILE,
        MOBILE[3:],
        NAME,
        ring.blind_index(EMAIL, purpose="accounts.user.email"),
        ring.blind_index(MOBILE, purpose="accounts.user.mobile"),
    ]


def everything_stored() -> str:
    """Every value of every table, raw, plus every encrypted column decrypted."""
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            chunks.extend(str(value) for row in cursor.fetchall() for value in row)
    for model in apps.get_models():
        fields = [
            f.attname for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)
        ]
        if fields:
            for row in model._default_manager.values_list(*fields):
                chunks.extend(str(value) for value in row)
    return "\n".join(chunks)


def aggregates() -> dict:
    return {
        "accounts": User.objects.count(),
        "activities": Activity.objects.count(),
        "contest attempts": list(Attempt.objects.values_list("score", flat=True)),
        "tickets": list(
            Offering.objects.values_list("confirmed_seats", "checked_in_seats", "waitlisted_seats")
        ),
        "registrations": Registration.objects.count(),
    }


def use_the_platform(client, user):
    """What a participant does. Apps add their steps here."""
    client.post(reverse("privacy:self_check"), {"text": f"我的手机是{MOBILE_TYPED}"})
    client.post(reverse("privacy:consent", args=[Purpose.LEADERBOARD_DISPLAY, "give"]))
    client.post(
        reverse("privacy:correct"), {"display_name": NAME, "email": EMAIL, "mobile": MOBILE_TYPED}
    )
    staff = organiser(OrganiserRole.Level.NATIONAL)
    # Staff type the caller's name and number into the reason, as the review found they do.
    services.log_access(
        actor=staff, subject=user, what="account", why=f"联系人：{NAME}，手机 {MOBILE_TYPED}，来电"
    )
    # The checkpoint the first entry queues after its commit (never reached inside a test).
    checkpoint_head()
    services.open_request(
        actor=staff,
        kind="access",
        requester_contact=EMAIL,
        details=f"{NAME} asked by phone",
        subject_identifier=EMAIL,
    )
    # As a county organiser, registers a local activity with themself as the contact.
    OrganiserRole.objects.create(
        user=user, level="county", region=Region.objects.get(code="120101")
    )
    register_activity(
        actor=User.objects.get(pk=user.pk),  # a fresh object: roles are cached on the user
        data=activity_data(
            contact_name=NAME,
            contact_phone=MOBILE_TYPED,
            description=f"联系人{NAME}，电话{MOBILE_TYPED}",
        ),
        edition=EditionFactory(),
    )
    # Takes the knowledge contest under their own name, with their school, and submits.
    contest = contest_with_paper(questions=3)
    quiz_services.enter_contest(
        actor=user,
        contest_id=contest.pk,
        display_name=NAME,
        show_name=True,
        school=f"{NAME}的学校",
    )
    attempt, _new = quiz_services.start_attempt(actor=user, contest_id=contest.pk)
    quiz_services.submit_attempt(actor=user, attempt_id=attempt.pk)
    # Registers for an event that asks for a name and a mobile number; checked in at the door.
    offering = OfferingFactory(asks_name=True, asks_phone=True)
    client.post(
        reverse("tickets:register", args=[offering.pk]), {"name": NAME, "phone": MOBILE_TYPED}
    )
    registration = Registration.objects.get(offering=offering, user=user)
    ticket_services.check_in(
        actor=staff, offering_id=offering.pk, tickets=[(registration.code, None)]
    )


def test_a_participant_leaves_no_trace_and_the_totals_stay(client):
    services.publish_notice(
        actor=organiser(OrganiserRole.Level.NATIONAL),
        purpose=Purpose.LEADERBOARD_DISPLAY,
        text="显示姓名",
    )
    response = client.post(reverse("accounts:signup"), {"identifier": EMAIL, "password": PASSWORD})
    assert response.status_code == 302
    user = User.objects.by_email(EMAIL).get()
    use_the_platform(client, user)

    exported = json.loads(client.get(reverse("privacy:export")).content)
    as_text = json.dumps(exported, ensure_ascii=False)
    for identifier in (EMAIL, NAME, MOBILE):
        assert identifier in as_text
    # The scan sees through encryption: before deletion it finds the person everywhere.
    stored = everything_stored()
    assert all(identifier in stored for identifier in identifiers())
    before = aggregates()

    response = client.post(reverse("privacy:delete"), {"password": PASSWORD, "confirm": "on"})
    assert response.status_code == 200

    stored = everything_stored()
    for identifier in identifiers():
        assert identifier not in stored, f"{identifier!r} is still stored"
    assert aggregates() == before
    assert services.verify_access_log().ok
