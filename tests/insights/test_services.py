import threading
from datetime import date

import pytest
from django.core import mail
from django.db import connection

from cyberweek.core import outbox
from cyberweek.core.errors import InvalidTransition, NotFound, PermissionDenied
from cyberweek.core.models import AuditEvent
from cyberweek.geo.models import Region
from cyberweek.geo.queries import country
from cyberweek.insights import services, summaries
from cyberweek.insights.models import Refresh, ReportBuild, ReportSubscription

from .conftest import HEPING, HEXI, L, week_of_figures


def test_subscribers_get_the_report_by_mail_on_the_last_evening(national, edition):
    week_of_figures(edition)
    summaries.refresh(edition)
    services.subscribe(actor=national, region=country(), language="en", frequency="end")
    assert services.deliver_reports(edition=edition, today=date(2019, 9, 21)) == 0
    assert services.deliver_reports(edition=edition, today=date(2019, 9, 22)) == 1
    outbox.deliver_due()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [national.email]
    assert "China" in message.subject
    _name, content, kind = message.attachments[0]
    assert kind == "application/pdf"
    assert content.startswith(b"%PDF")
    # Sent once that day, however often the job runs.
    assert services.deliver_reports(edition=edition, today=date(2019, 9, 22)) == 0


def test_daily_subscribers_get_it_each_evening_of_the_week_only(heping, edition):
    services.subscribe(
        actor=heping,
        region=Region.objects.get(code=HEPING),
        language="zh-hans",
        frequency="daily",
    )
    assert services.deliver_reports(edition=edition, today=date(2019, 9, 16)) == 1
    assert services.deliver_reports(edition=edition, today=date(2019, 9, 17)) == 1
    assert services.deliver_reports(edition=edition, today=date(2019, 9, 23)) == 0


def test_subscribers_of_one_region_and_language_share_one_build(national, tianjin, edition):
    tianjin_region = Region.objects.get(code="120000")
    for person in (national, tianjin):
        services.subscribe(actor=person, region=tianjin_region, language="en", frequency="end")
    services.subscribe(actor=national, region=country(), language="en", frequency="end")
    assert services.deliver_reports(edition=edition, today=date(2019, 9, 22)) == 3
    assert ReportBuild.objects.filter(region=tianjin_region).count() == 1
    assert ReportBuild.objects.count() == 2
    outbox.deliver_due()
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [national.email, tianjin.email, national.email]
    )


def test_a_subscriber_who_lost_the_role_gets_nothing(heping, edition):
    services.subscribe(
        actor=heping, region=Region.objects.get(code=HEPING), language="en", frequency="daily"
    )
    heping.organiser_roles.all().delete()
    assert services.deliver_reports(edition=edition, today=date(2019, 9, 17)) == 0
    assert not ReportBuild.objects.exists()


def test_subscribing_outside_ones_roles_is_refused_and_recorded(heping, edition):
    with pytest.raises(PermissionDenied):
        services.subscribe(
            actor=heping, region=Region.objects.get(code=HEXI), language="en", frequency="end"
        )
    assert not ReportSubscription.objects.exists()
    assert AuditEvent.objects.filter(action="insights.view", outcome="denied").exists()


def test_bad_language_or_frequency_is_refused(heping, edition):
    region = Region.objects.get(code=HEPING)
    with pytest.raises(InvalidTransition):
        services.subscribe(actor=heping, region=region, language="fr", frequency="end")
    with pytest.raises(InvalidTransition):
        services.subscribe(actor=heping, region=region, language="en", frequency="hourly")
    with pytest.raises(InvalidTransition):
        services.request_report(actor=heping, edition=edition, region=region, language="fr")


def test_only_ones_own_subscription_can_be_ended(heping, tianjin, edition):
    subscription = services.subscribe(
        actor=heping, region=Region.objects.get(code=HEPING), language="en", frequency="end"
    )
    with pytest.raises(NotFound):
        services.unsubscribe(actor=tianjin, subscription_id=subscription.pk)
    services.unsubscribe(actor=heping, subscription_id=subscription.pk)
    assert not ReportSubscription.objects.exists()


def test_a_report_that_is_not_ready_cannot_be_downloaded(national, edition):
    build = ReportBuild.objects.create(edition=edition, region=country(), language="en")
    with pytest.raises(InvalidTransition):
        services.report_for_download(actor=national, build_id=build.pk)


def test_embedded_dashboards_refresh_stale_figures_and_production_ones_do_not(settings, edition):
    settings.INSIGHTS_REFRESH_ON_VIEW = False
    summaries.refresh_if_stale(edition)
    assert not Refresh.objects.exists()
    settings.INSIGHTS_REFRESH_ON_VIEW = True
    summaries.refresh_if_stale(edition)
    assert Refresh.objects.get().generation == 1
    summaries.refresh_if_stale(edition)  # fresh: left alone
    assert Refresh.objects.get().generation == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrency needs PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_a_report_requested_twice_at_once_is_built_once(regions, settings, tmp_path):
    from tests.accounts.factories import organiser
    from tests.programme.factories import EditionFactory

    settings.MEDIA_ROOT = tmp_path
    edition = EditionFactory()
    actors = [organiser(L.NATIONAL) for _ in range(4)]
    barrier = threading.Barrier(len(actors))
    answers = []

    def ask(actor):
        try:
            barrier.wait()
            build = services.request_report(
                actor=actor, edition=edition, region=country(), language="en"
            )
            answers.append(build.pk)
        finally:
            connection.close()

    threads = [threading.Thread(target=ask, args=(actor,)) for actor in actors]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(answers) == len(actors)
    assert len(set(answers)) == 1
    assert ReportBuild.objects.filter(edition=edition).count() == 1
