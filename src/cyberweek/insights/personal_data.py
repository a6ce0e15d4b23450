"""What the dashboards hold about people (see core/personal_data.py): which organiser asked
for an end-of-week report, and who has the report mailed to them. The reports themselves
hold aggregate figures only (suppressed below k, the same for everyone who may see them).

Kept `Retention.ORGANISER`: a build loses its requester after that period from its
edition's end; a subscription that has not been sent since then is deleted. Erasing the
person does both at once (their subscriptions go: nobody else could receive them).
"""

from django.db.models import Q
from django.db.models.functions import Coalesce, TruncDate
from django.utils.translation import gettext_lazy as _

from cyberweek.core.personal_data import PersonalDataSource, Retention, field_label, iso

from .models import ReportBuild, ReportSubscription

YOU = "You."
AGGREGATE = "The report's figures are aggregates, the same for every organiser of the region."


def _export(user) -> list[dict]:
    def b(name):
        return field_label(ReportBuild, name)

    def s(name):
        return field_label(ReportSubscription, name)

    builds = ReportBuild.objects.filter(requested_by=user).select_related("edition", "region")
    records = [
        {
            b("edition"): str(build.edition),
            b("region"): str(build.region),
            b("language"): build.get_language_display(),
            b("status"): build.get_status_display(),
            b("progress"): build.progress,
            b("error"): build.error,
            b("created_at"): iso(build.created_at),
            b("finished_at"): iso(build.finished_at),
        }
        for build in builds.order_by("pk")
    ]
    subscriptions = ReportSubscription.objects.filter(user=user).select_related("region")
    records += [
        {
            s("region"): str(subscription.region),
            s("language"): subscription.get_language_display(),
            s("frequency"): subscription.get_frequency_display(),
            s("last_sent_on"): iso(subscription.last_sent_on),
            s("created_at"): iso(subscription.created_at),
        }
        for subscription in subscriptions.order_by("pk")
    ]
    return records


def _erase(user) -> int:
    changed = ReportBuild.objects.filter(requested_by=user).update(requested_by=None)
    return changed + ReportSubscription.objects.filter(user=user).delete()[0]


def _purge(*, today, dry_run: bool) -> int:
    cutoff = Retention.cutoff(Retention.ORGANISER, today)
    if cutoff is None:
        return 0
    builds = ReportBuild.objects.filter(edition__ends_on__lt=cutoff, requested_by__isnull=False)
    # A subscription counts from its last mail, or from when it was made if none went out.
    idle = ReportSubscription.objects.annotate(
        last_used=Coalesce("last_sent_on", TruncDate("created_at"))
    ).filter(Q(last_used__lt=cutoff))
    if dry_run:
        return builds.count() + idle.count()
    return builds.update(requested_by=None) + idle.delete()[0]


SOURCES = [
    PersonalDataSource(
        key="insights.reports",
        label=_("End-of-week reports you asked for or have mailed to you"),
        origin=_(
            "Recorded when you asked for a region's end-of-week report or subscribed to "
            "receive it by mail."
        ),
        retention=Retention.ORGANISER,
        models=("insights.reportbuild", "insights.reportsubscription"),
        export=_export,
        erase=_erase,
        purge=_purge,
        purpose=_("Building the reports you ask for and mailing them to you."),
        exempt_fields={
            "insights.reportbuild.requested_by": YOU,
            "insights.reportbuild.file": AGGREGATE,
            "insights.reportsubscription.user": YOU,
        },
    ),
]
