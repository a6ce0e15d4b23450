"""The reporter takes a report back with its receipt, while volunteers are still deciding."""

from django.db.models import F
from django.utils.translation import gettext as _

from cyberweek.core import audit
from cyberweek.core.errors import InvalidTransition
from cyberweek.core.transactions import service

from ..models import Cluster, Report, ReportObservable, TriageStep
from .receipts import report_by_receipt
from .triage import close


@service
def withdraw_report(*, code: str, address: str) -> Report:
    """The reporter takes a report back with its receipt, while volunteers are still
    deciding (received, being checked, or confirmed and waiting for a second volunteer);
    a decided report stays as decided. What the reporter sent (the description, masked and
    as written, the link or number as written, the screenshots) is erased at once; the
    report's kind, region and dates stay, so the receipt still answers "withdrawn". Each
    cluster it joined counts one report fewer, and a cluster no one else reported and no
    one confirmed is deleted with its canonical link. Limited per address, as look-ups."""
    report = report_by_receipt(
        code=code, address=address, reports=Report.objects.select_for_update()
    )
    if not report.is_open:
        raise InvalidTransition(
            _("This report is already decided (%(status)s) and can no longer be withdrawn.")
            % {"status": report.get_status_display()},
            field="code",
        )
    clusters = list(Cluster.objects.select_for_update().filter(links__report=report))
    ReportObservable.objects.filter(report=report).delete()
    for cluster in clusters:
        Cluster.objects.filter(pk=cluster.pk).update(report_count=F("report_count") - 1)
    Cluster.objects.filter(
        pk__in=[c.pk for c in clusters], report_count__lte=0, confirmed_at__isnull=True
    ).delete()
    report.evidence.all().delete()
    close(
        report,
        Report.Status.WITHDRAWN,
        original_text="",
        reported_value="",
        masked_text="",
        masked_types=[],
    )
    TriageStep.objects.create(report=report, action=TriageStep.Action.WITHDRAWN)
    audit.record(
        None, "tipline.report_withdrawn", report, region=report.region, clusters=len(clusters)
    )
    return report
