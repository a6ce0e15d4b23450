"""The report mail, delivered by core's outbox after the commit."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.utils.translation import gettext as _
from django.utils.translation import override

from cyberweek.core import outbox

from .models import ReportBuild


@outbox.handler
def send_report(build_id: int, user_id: int) -> bool:
    build = ReportBuild.objects.select_related("region", "edition").filter(pk=build_id).first()
    person = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if build is None or person is None or not person.email or not build.file:
        return False
    with override(build.language or settings.LANGUAGE_CODE):
        subject = _("Cybersecurity Week %(year)s: the report of %(region)s") % {
            "year": build.edition.year,
            "region": build.region.display_name,
        }
        body = _(
            "The figures of %(region)s for the %(year)s Week are in the attached PDF. You "
            "receive it because you subscribed on the dashboard; unsubscribe there."
        ) % {"region": build.region.display_name, "year": build.edition.year}
    message = EmailMessage(subject, body, None, [person.email])
    with build.file.open("rb") as handle:
        message.attach(
            f"cyberweek-{build.edition.year}-{build.region.code}.pdf",
            handle.read(),
            "application/pdf",
        )
    message.send(fail_silently=False)
    return True
