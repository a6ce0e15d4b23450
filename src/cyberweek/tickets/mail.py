"""The mails a participant gets: the confirmation (with the QR ticket as a PNG attachment,
when a seat is confirmed) and the notice that a seat came free for them. Both are sent from
the outbox after the registration commits (see `core.outbox`)."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from cyberweek.core import outbox
from cyberweek.core.links import absolute_url

from .models import Registration
from .qr import ticket_png
from .signing import sign_ticket


def _send(registration_id: int, *, language: str, template: str) -> bool:
    registration = (
        Registration.objects.select_related("offering").filter(pk=registration_id).first()
    )
    if registration is None or registration.status == Registration.Status.CANCELLED:
        return False
    user = get_user_model().objects.get(pk=registration.user_id)
    if not user.email:
        # Signed up with a mobile number only: the ticket is on "My tickets".
        return False
    with translation.override(language or settings.LANGUAGE_CODE):
        context = {
            "registration": registration,
            "offering": registration.offering,
            "ticket_url": absolute_url(reverse("tickets:ticket", args=[registration.pk])),
        }
        subject = " ".join(
            render_to_string(f"tickets/mail/{template}_subject.txt", context).split()
        )
        body = render_to_string(f"tickets/mail/{template}.txt", context)
    message = EmailMultiAlternatives(subject, body, to=[user.email])
    if registration.status == Registration.Status.CONFIRMED:
        payload = sign_ticket(
            code=registration.code,
            offering_id=registration.offering_id,
            seats=registration.seats,
        )
        message.attach(f"ticket-{registration.code}.png", ticket_png(payload), "image/png")
    message.send()
    return True


@outbox.handler
def send_registration(registration_id: int, *, language: str = "") -> bool:
    return _send(registration_id, language=language, template="registered")


@outbox.handler
def send_promotion(registration_id: int, *, language: str = "") -> bool:
    return _send(registration_id, language=language, template="promoted")
