"""The mail an organiser gets when an activity's outcome report is overdue, sent from the
outbox after the reminder is recorded (see `core.outbox`)."""

from datetime import date

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import override

from cyberweek.core import outbox
from cyberweek.core.links import absolute_url

from .models import Activity


@outbox.handler
def send_overdue_reminder(activity_id: int, user_id: int, due: str) -> bool:
    activity = Activity.objects.select_related("region").filter(pk=activity_id).first()
    person = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if activity is None or person is None or not person.email:
        return False
    with override(settings.LANGUAGE_CODE):
        subject = _("Outcome report overdue: %(title)s") % {"title": activity.title}
        body = _(
            "The outcome of “%(title)s” (%(region)s) was due on %(due)s. "
            "Please report it in the organiser area: %(url)s"
        ) % {
            "title": activity.title,
            "region": activity.region,
            "due": date.fromisoformat(due),
            "url": absolute_url(reverse("organiser:activities_outcome", args=[activity.pk])),
        }
    send_mail(subject, body, None, [person.email], fail_silently=False)
    return True
