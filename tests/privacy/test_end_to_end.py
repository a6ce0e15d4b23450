"""A participant signs up, consents, uses the platform, exports, deletes: afterwards nothing
in the database identifies them and the aggregate figures are unchanged.

Apps that hold personal data extend `use_the_platform` as they plug into the registry.
"""

import json
from datetime import date, timedelta

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
from cyberweek.privacy.models import DataSubjectRequest, Purpose
from cyberweek.quiz import services as quiz_services
from cyberweek.quiz.models import Attempt
from cyberweek.tickets import services as ticket_services
from cyberweek.tickets.models import Offering, Registration
from tests.accounts.factories import organiser
from tests.accounts.test_sign_up import last_mail_code
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


def tables_holding(wanted: list[str]) -> set[str]:
    """The tables (by model, for encrypted columns) where any of `wanted` is stored."""
    found = set()
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            text = "\n".join(str(value) for row in cursor.fetchall() for value in row)
            if any(w in text for w in wanted):
                found.add(table)
    for model in apps.get_models():
        fields = [
            f.attname for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)
        ]
        if fields:
            values = model._default_manager.values_list(*fields)
            text = "\n".join(str(value) for row in values for value in row)
            if any(w in text for w in wanted):
                found.add(model._meta.db_table)
    return found


def sign_up(client, capture) -> User:
    """As a person does: the address and a password, then the code that came by mail."""
    with capture(execute=True):
        client.post(reverse("accounts:signup"), {"identifier": EMAIL, "password": PASSWORD})
    response = client.post(reverse("accounts:signup_confirm"), {"code": last_mail_code()})
    assert response.status_code == 302
    return User.objects.by_email(EMAIL).get()


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


def test_a_participant_leaves_no_trace_and_the_totals_stay(
    client, django_capture_on_commit_callbacks
):
    services.publish_notice(
        actor=organiser(OrganiserRole.Level.NATIONAL),
        purpose=Purpose.LEADERBOARD_DISPLAY,
        text="显示姓名",
    )
    user = sign_up(client, django_capture_on_commit_callbacks)
    use_the_platform(client, user)

    exported = json.loads(client.get(reverse("privacy:export")).content)
    as_text = json.dumps(exported, ensure_ascii=False)
    for identifier in (EMAIL, NAME, MOBILE):
        assert identifier in as_text
    # The scan sees through encryption: before deletion it finds the person everywhere.
    stored = everything_stored()
    assert all(identifier in stored for identifier in identifiers())
    before = aggregates()

    # The notice to the erased address goes out after the commit, and leaves nothing behind.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("privacy:delete"), {"password": PASSWORD, "confirm": "on"})
    assert response.status_code == 200

    stored = everything_stored()
    for identifier in identifiers():
        assert identifier not in stored, f"{identifier!r} is still stored"
    assert aggregates() == before
    assert services.verify_access_log().ok


def test_a_deletion_carried_out_by_staff_leaves_no_trace_and_spares_other_requests(
    client, django_capture_on_commit_callbacks
):
    """Someone who cannot sign in writes in; staff verify and carry out the deletion. The
    request itself must not keep who it was about, and nobody else's request changes."""
    user = sign_up(client, django_capture_on_commit_callbacks)
    use_the_platform(client, user)
    staff = organiser(OrganiserRole.Level.NATIONAL)
    deletion = services.open_request(
        actor=staff,
        kind="delete",
        requester_contact=f"{NAME}, {MOBILE_TYPED}, {EMAIL}",
        details=f"{NAME} lost the phone; verified by letter",
        subject_identifier=MOBILE_TYPED,
    )
    someone_else = User.objects.create_user("zhao.lei@example.org", "pw-zhao-lei-2019")
    unrelated_fields = {
        "kind": "export",
        "requester_contact": "赵磊 13700001111",
        "details": "wants a copy of his data",
    }
    unrelated = services.open_request(
        actor=staff, subject_identifier="zhao.lei@example.org", **unrelated_fields
    )
    anonymous = services.open_request(
        actor=staff, kind="access", requester_contact="孙丽 13600002222", details="by phone"
    )
    before = {
        r.pk: (r.subject_id, r.requester_contact, r.details, r.status)
        for r in DataSubjectRequest.objects.filter(pk__in=[unrelated.pk, anonymous.pk])
    }

    with django_capture_on_commit_callbacks(execute=True):
        done = services.delete_account_for_request(actor=staff, request_id=deletion.pk)
    assert done.status == "completed"

    stored = everything_stored()
    for identifier in identifiers():
        assert identifier not in stored, f"{identifier!r} is still stored"
    deletion.refresh_from_db()
    assert (deletion.subject_id, deletion.requester_contact, deletion.details) == (None, "", "")
    assert "receipt" in deletion.resolution
    after = {
        r.pk: (r.subject_id, r.requester_contact, r.details, r.status)
        for r in DataSubjectRequest.objects.filter(pk__in=[unrelated.pk, anonymous.pk])
    }
    assert after == before
    assert after[unrelated.pk][0] == someone_else.pk
    assert User.objects.get(pk=user.pk).erased_at is not None


def test_after_every_retention_period_only_the_account_is_left_and_deletion_reaches_the_rest(
    client, django_capture_on_commit_callbacks
):
    """Purging keeps nothing that names the person beyond their account (kept until they
    delete it), and what it keeps stays reachable: deleting the account afterwards leaves
    no trace either."""
    user = sign_up(client, django_capture_on_commit_callbacks)
    use_the_platform(client, user)
    staff = organiser(OrganiserRole.Level.NATIONAL)
    for request in DataSubjectRequest.objects.filter(subject=user):
        services.update_request(actor=staff, request_id=request.pk, status="completed")
    assert len(tables_holding(identifiers())) > 3

    far = date.today() + timedelta(days=10 * 365)
    report = services.purge_expired(today=far, dry_run=False)
    assert report.total > 0
    assert tables_holding(identifiers()) == {User._meta.db_table}
    # What an operator checks: a dry run right after the purge finds nothing more due.
    assert services.purge_expired(today=far, dry_run=True).total == 0

    with django_capture_on_commit_callbacks(execute=True):
        services.delete_account(user=User.objects.get(pk=user.pk), password=PASSWORD)
    assert tables_holding(identifiers()) == set()
