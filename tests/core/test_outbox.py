"""Side effects after a commit: written with the change, delivered after it, never lost."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cyberweek.accounts.models import OrganiserRole
from cyberweek.celery import app as celery_app
from cyberweek.core import outbox
from cyberweek.core.errors import PermissionDenied
from cyberweek.core.models import AuditEvent, OutboxMessage
from tests.accounts.factories import UserFactory, organiser
from tests.ports import unused_port
from tests.tickets.factories import OfferingFactory

pytestmark = pytest.mark.django_db
Status = OutboxMessage.Status
delivered = []


@outbox.handler
def remember(n, private=""):
    delivered.append((n, private))


@outbox.handler
def nothing_left():
    return False


@outbox.handler
def refused(user_id):
    raise ConnectionRefusedError("550 <wang.jianguo@example.cn>: mailbox unavailable")


def not_a_handler(n):
    delivered.append(("called", n))


@pytest.fixture(autouse=True)
def _forget():
    delivered.clear()


@pytest.fixture
def broker_down():
    """Celery as in production (not inline), with its broker on a port nothing listens on."""
    port = unused_port()
    saved = celery_app.conf.task_always_eager, celery_app.conf.broker_url
    celery_app.conf.task_always_eager = False
    celery_app.conf.broker_url = f"redis://127.0.0.1:{port}/0"
    celery_app.conf.task_publish_retry_policy = {"max_retries": 1, "interval_start": 0}
    yield
    celery_app.conf.task_always_eager, celery_app.conf.broker_url = saved
    # Celery takes a producer from its pool even inline: forget the one for the dead broker.
    celery_app.amqp._producer_pool = None
    celery_app._pool = None


def test_a_message_is_delivered_after_the_commit_and_not_before(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        message = outbox.enqueue(remember, n=1, private="only for the handler")
        assert delivered == []
    assert delivered == [(1, "only for the handler")]
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Status.SENT, 1)
    assert message.private_payload == ""  # blanked once delivered
    assert message.finished_at is not None


@transaction.atomic
def failing_change():
    outbox.enqueue(remember, n=2)
    raise RuntimeError("the change failed")


def test_a_rolled_back_change_leaves_no_message(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        failing_change()
    assert not OutboxMessage.objects.exists()
    assert delivered == []


def test_only_declared_handlers_can_be_queued_or_delivered():
    with pytest.raises(ValueError, match="not an outbox handler"):
        outbox.enqueue(not_a_handler, n=1)
    forged = OutboxMessage.objects.create(kind=f"{__name__}.not_a_handler", payload={"n": 1})
    assert outbox.deliver(forged.pk) == Status.PENDING
    assert delivered == []
    forged.refresh_from_db()
    assert "not an outbox handler" in forged.last_error


def test_a_message_is_delivered_once_however_many_workers_try(django_capture_on_commit_callbacks):
    message = outbox.enqueue(remember, n=3)
    assert outbox.deliver(message.pk) == Status.SENT
    assert outbox.deliver(message.pk) is None
    assert outbox.deliver_due() == 0
    assert delivered == [(3, "")]


def test_a_failed_try_backs_off_and_keeps_no_address(django_capture_on_commit_callbacks):
    message = outbox.enqueue(refused, user_id=7)
    before = timezone.now()
    assert outbox.deliver(message.pk) == Status.PENDING
    message.refresh_from_db()
    assert message.attempts == 1
    assert message.next_attempt_at >= before + outbox.FIRST_BACKOFF
    assert "ConnectionRefusedError" in message.last_error
    assert "wang.jianguo@example.cn" not in message.last_error
    assert outbox.deliver_due() == 0  # not due yet


def test_after_the_last_try_a_message_fails_and_a_national_organiser_retries_it():
    message = outbox.enqueue(refused, user_id=7)
    for _ in range(outbox.MAX_ATTEMPTS):
        OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
        outbox.deliver(message.pk)
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Status.FAILED, outbox.MAX_ATTEMPTS)

    provincial = organiser(OrganiserRole.Level.PROVINCIAL, "120000")
    with pytest.raises(PermissionDenied):
        outbox.retry(actor=provincial, message_id=message.pk)
    national = organiser(OrganiserRole.Level.NATIONAL)
    outbox.retry(actor=national, message_id=message.pk)
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Status.PENDING, 0)
    assert AuditEvent.objects.filter(action="outbox.retried", actor=national).exists()


def test_nothing_left_to_deliver_is_recorded_as_skipped():
    message = outbox.enqueue(nothing_left)
    assert outbox.deliver(message.pk) == Status.SKIPPED


def test_with_the_broker_down_a_registration_succeeds_and_its_mail_waits_for_the_sweep(
    client, broker_down, django_capture_on_commit_callbacks
):
    person = UserFactory(email="li.na@example.cn")
    offering = OfferingFactory()
    client.force_login(person)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/api/tickets/offerings/{offering.pk}/registrations", {}, "application/json"
        )
    assert response.status_code == 201
    message = OutboxMessage.objects.get()
    assert message.status == Status.PENDING
    assert mail.outbox == []
    assert outbox.deliver_due() == 1  # what beat runs every minute
    assert [m.to for m in mail.outbox] == [["li.na@example.cn"]]


def test_finished_messages_are_purged_after_the_keeping_period(settings):
    settings.RETENTION_DAYS = {"delivery": 30}
    old = outbox.enqueue(remember, n=4)
    outbox.deliver(old.pk)
    OutboxMessage.objects.filter(pk=old.pk).update(finished_at=timezone.now() - timedelta(days=31))
    waiting = outbox.enqueue(refused, user_id=1)
    assert outbox.purge_finished() == 1
    assert list(OutboxMessage.objects.values_list("pk", flat=True)) == [waiting.pk]


def test_the_outbox_page_shows_failed_messages_to_national_organisers_only(client):
    message = outbox.enqueue(refused, user_id=7)
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=Status.FAILED, last_error="ConnectionRefusedError: 550"
    )
    client.force_login(organiser(OrganiserRole.Level.PROVINCIAL, "120000"))
    assert client.get(reverse("organiser:outbox")).status_code == 403
    client.force_login(organiser(OrganiserRole.Level.NATIONAL))
    page = client.get(reverse("organiser:outbox")).content.decode()
    assert "ConnectionRefusedError: 550" in page
    response = client.post(reverse("organiser:outbox"), {"message": message.pk})
    assert response.status_code == 302
    message.refresh_from_db()
    assert message.status == Status.PENDING


def test_the_outbox_command_reports_and_delivers(capsys):
    outbox.enqueue(remember, n=5)
    call_command("outbox", "status")
    assert "pending: 1" in capsys.readouterr().out
    call_command("outbox", "deliver")
    assert "tried: 1" in capsys.readouterr().out
    assert delivered == [(5, "")]
