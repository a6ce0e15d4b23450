"""The mail a person gets when an organiser invites them to volunteer for a campaign, sent
from the outbox after the invitation is recorded (see `core.outbox`)."""

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import override

from cyberweek.core import outbox
from cyberweek.core.links import absolute_url

from .models import Volunteer


@outbox.handler
def send_invitation(volunteer_id: int) -> bool:
    volunteer = Volunteer.objects.select_related("campaign", "user").filter(pk=volunteer_id).first()
    if volunteer is None or volunteer.status != Volunteer.Status.INVITED:
        return False
    person = volunteer.user
    if not person.is_active or not person.email:
        return False
    with override(settings.LANGUAGE_CODE):
        subject = _("You are invited to volunteer: %(title)s") % {"title": volunteer.campaign.title}
        body = _(
            "An organiser invites you to volunteer for “%(title)s”. Accept or decline, and "
            "later record your tasks and hours, on your volunteering page: %(url)s"
        ) % {
            "title": volunteer.campaign.title,
            "url": absolute_url(reverse("campaigns:volunteering")),
        }
    send_mail(subject, body, None, [person.email], fail_silently=False)
    return True
