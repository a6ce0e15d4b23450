"""The use cases of the dashboards' reports: asking for a region's end-of-week report,
subscribing to it by mail, and the scheduled delivery."""

import logging
from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cyberweek.core import audit, outbox
from cyberweek.core.errors import InvalidTransition, NotFound
from cyberweek.core.permissions import acting_without_session, has_scope, require_scope
from cyberweek.core.transactions import service
from cyberweek.geo.models import Region

from . import mail, reports
from .actions import VIEW
from .models import Language, ReportBuild, ReportSubscription

logger = logging.getLogger(__name__)


def scope_of(region: Region) -> Region | None:
    """The region as core.permissions reads it (None: the whole country)."""
    return None if region.level == Region.Level.COUNTRY else region


def _language(language: str) -> str:
    if language not in Language.values:
        raise InvalidTransition(_("Reports are written in Chinese or English."))
    return language


@service
def request_report(*, actor, edition, region: Region, language: str) -> ReportBuild:
    """Have a region's end-of-week report built (in the background). An organiser whose
    roles cover the region may ask; asking while a build of the same report is queued or
    running returns that build, so two requests at once make one build."""
    require_scope(actor, action=VIEW, region=scope_of(region))
    language = _language(language)
    active = ReportBuild.objects.filter(
        edition=edition, region=region, language=language, status__in=ReportBuild.ACTIVE
    )
    running = active.select_for_update().first()
    if running is not None:
        return running
    try:
        with transaction.atomic():
            build = ReportBuild.objects.create(
                edition=edition, region=region, language=language, requested_by=actor
            )
    except IntegrityError:
        # Another request created it between our look and our insert (the unique
        # constraint on active builds): that build is this request's answer too, even if
        # it has finished meanwhile.
        return ReportBuild.objects.filter(edition=edition, region=region, language=language).latest(
            "created_at", "pk"
        )
    audit.record(actor, "insights.report_requested", build, region=region, language=language)
    transaction.on_commit(lambda: _start(build.pk))
    return build


def _start(build_id: int) -> None:
    # Imported here: tasks import this module (the task is the thin wrapper around
    # `reports.build`).
    from .tasks import build_report

    try:
        build_report.delay(build_id)
    except Exception:
        # The broker is down: say so on the build instead of leaving it queued for ever.
        logger.warning("report build %s could not be queued", build_id, exc_info=True)
        ReportBuild.objects.filter(pk=build_id, status=ReportBuild.Status.QUEUED).update(
            status=ReportBuild.Status.FAILED, error="queue unavailable"
        )


def report_for_download(*, actor, build_id: int) -> ReportBuild:
    """A finished report, for an organiser whose roles cover its region (audited)."""
    build = ReportBuild.objects.select_related("region", "edition").filter(pk=build_id).first()
    if build is None:
        raise NotFound(_("No such report."))
    require_scope(actor, action=VIEW, region=scope_of(build.region))
    if build.status != ReportBuild.Status.DONE:
        raise InvalidTransition(_("The report is not ready yet."))
    audit.record(actor, "insights.report_downloaded", build, region=build.region)
    return build


def build_status(*, actor, build_id: int) -> ReportBuild:
    build = ReportBuild.objects.select_related("region", "edition").filter(pk=build_id).first()
    if build is None:
        raise NotFound(_("No such report."))
    require_scope(actor, action=VIEW, region=scope_of(build.region))
    return build


@service
def subscribe(*, actor, region: Region, language: str, frequency: str) -> ReportSubscription:
    """Have a region's report mailed to oneself on a schedule (one subscription per region:
    subscribing again changes it)."""
    require_scope(actor, action=VIEW, region=scope_of(region))
    language = _language(language)
    if frequency not in ReportSubscription.Frequency.values:
        raise InvalidTransition(_("Choose how often the report is sent."))
    subscription, _created = ReportSubscription.objects.update_or_create(
        user=actor, region=region, defaults={"language": language, "frequency": frequency}
    )
    audit.record(actor, "insights.subscribed", subscription, region=region, frequency=frequency)
    return subscription


@service
def unsubscribe(*, actor, subscription_id: int) -> None:
    subscription = (
        ReportSubscription.objects.select_for_update()
        .filter(pk=subscription_id, user=actor)
        .select_related("region")
        .first()
    )
    if subscription is None:
        raise NotFound(_("No such subscription."))
    audit.record(actor, "insights.unsubscribed", subscription, region=subscription.region)
    subscription.delete()


def _due(subscription: ReportSubscription, edition, today: date) -> bool:
    if not edition.starts_on <= today <= edition.ends_on:
        return False
    if subscription.last_sent_on == today:
        return False
    if subscription.frequency == ReportSubscription.Frequency.END:
        return today == edition.ends_on
    return True


def deliver_reports(*, edition, today: date | None = None) -> int:
    """What beat runs each evening: build the report of every subscription due today and
    mail it through the outbox. Subscribers of the same region and language share one
    build (a national report takes seconds to draw). A subscriber whose roles no longer
    cover the region gets nothing. Returns how many mails were queued."""
    today = today or timezone.localdate()
    built: dict[tuple[int, str], ReportBuild | None] = {}
    sent = 0
    for subscription in ReportSubscription.objects.select_related("user", "region"):
        if not _due(subscription, edition, today):
            continue
        # A scheduled job has no browser session: the second factor cannot be asked.
        user = acting_without_session(subscription.user)
        if not user.is_active or not has_scope(
            user, action=VIEW, region=scope_of(subscription.region)
        ):
            continue
        wanted = (subscription.region_id, subscription.language)
        if wanted not in built:
            build = ReportBuild.objects.create(
                edition=edition,
                region=subscription.region,
                language=subscription.language,
                requested_by=user,
            )
            build = reports.build(build.pk)
            built[wanted] = build if build.status == ReportBuild.Status.DONE else None
        build = built[wanted]
        if build is None:
            continue
        with transaction.atomic():
            outbox.enqueue(mail.send_report, build_id=build.pk, user_id=user.pk)
            ReportSubscription.objects.filter(pk=subscription.pk).update(last_sent_on=today)
        sent += 1
    return sent
