"""The mail a participant gets when an organiser decides on their flagged attempt: the
flag cleared, or the attempt voided, with the reason. Sent from the outbox after the
decision commits (see `core.outbox`)."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from cyberweek.core import outbox
from cyberweek.core.links import absolute_url

from .models import Attempt


@outbox.handler
def send_flag_decision(attempt_id: int, *, decision: str, language: str = "") -> bool:
    attempt = Attempt.objects.select_related("contest", "user").filter(pk=attempt_id).first()
    if attempt is None or attempt.user is None or not attempt.user.email:
        # Erased since, or signed up with a mobile number only: the contest page shows it.
        return False
    with translation.override(language or settings.LANGUAGE_CODE):
        context = {
            "attempt": attempt,
            "contest": attempt.contest,
            "voided": decision == "voided",
            "contest_url": absolute_url(reverse("quiz:contest", args=[attempt.contest.slug])),
        }
        subject = " ".join(render_to_string("quiz/mail/flag_decision_subject.txt", context).split())
        body = render_to_string("quiz/mail/flag_decision.txt", context)
    send_mail(subject, body, None, [attempt.user.email])
    return True
