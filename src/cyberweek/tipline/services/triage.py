"""Triage: a volunteer claims a report, then confirms, rejects or marks it a duplicate. A
confirmed report is published and exported only when a second volunteer confirms it
again, which escalates it (the two-person rule). Every step is a `TriageStep` and an
audit record."""

from django.utils import timezone
from django.utils.translation import gettext as _

from cyberweek.core import audit
from cyberweek.core.errors import InvalidTransition, NotFound, ValidationFailed
from cyberweek.core.screening import screen_text
from cyberweek.core.transactions import service
from cyberweek.geo.models import Region

from ..models import Cluster, Report, TriageStep, Vote
from ..warninglists import is_benign
from .volunteers import require_volunteer


def _locked_report(report_id: int) -> Report:
    report = (
        Report.objects.select_for_update().select_related("region").filter(pk=report_id).first()
    )
    if report is None:
        raise NotFound(_("No such report."))
    return report


def _step(report, actor, action, comment="", **details) -> None:
    comment = screen_text((comment or "").strip()[:1000]).public_text
    TriageStep.objects.create(report=report, actor=actor, action=action, comment=comment)
    audit.record(actor, f"tipline.{action}", report, region=report.region, **details)


def close(report: Report, status: str, **fields) -> None:
    """Not a use case: the one way a report is closed, by a service that holds its row
    lock and has decided that it may (a triage decision, the reporter's withdrawal)."""
    report.status = status
    report.closed_at = timezone.now()
    for name, value in fields.items():
        setattr(report, name, value)
    report.save(update_fields=["status", "closed_at", "updated_at", *fields])


@service
def claim_report(*, actor, report_id: int) -> Report:
    """A volunteer takes a new report, so two do not check the same one."""
    report = _locked_report(report_id)
    require_volunteer(actor, region=report.region, action="tipline.claim")
    if report.status != Report.Status.NEW:
        if report.status == Report.Status.CLAIMED and report.claimed_by_id == actor.pk:
            return report
        raise InvalidTransition(_("Only a new report can be claimed; someone took this one."))
    report.status = Report.Status.CLAIMED
    report.claimed_by = actor
    report.save(update_fields=["status", "claimed_by", "updated_at"])
    _step(report, actor, TriageStep.Action.CLAIMED)
    return report


def _require_claimant(report, actor) -> None:
    if report.status != Report.Status.CLAIMED:
        raise InvalidTransition(_("Claim the report first."))
    if report.claimed_by_id != actor.pk:
        raise InvalidTransition(_("Another volunteer claimed this report."))


@service
def confirm_report(*, actor, report_id: int, comment: str = "") -> Report:
    """The claimant finds it is a threat. It waits for a second volunteer (`escalate_report`)
    before it is published or exported."""
    report = _locked_report(report_id)
    require_volunteer(actor, region=report.region, action="tipline.confirm")
    _require_claimant(report, actor)
    report.status = Report.Status.CONFIRMED
    report.confirmed_by = actor
    report.save(update_fields=["status", "confirmed_by", "updated_at"])
    _step(report, actor, TriageStep.Action.CONFIRMED, comment)
    return report


@service
def escalate_report(*, actor, report_id: int, comment: str = "") -> Report:
    """A second volunteer confirms a confirmed report: it is published (look-up, warning
    pages, statistics) and passed on in the exports. Observables on a warning list
    (official sites and hotlines) are never marked as threats."""
    report = _locked_report(report_id)
    require_volunteer(actor, region=report.region, action="tipline.escalate")
    if report.status != Report.Status.CONFIRMED:
        raise InvalidTransition(_("Only a confirmed report can be escalated."))
    if report.confirmed_by_id == actor.pk:
        raise InvalidTransition(
            _("A second volunteer must confirm this report: you confirmed it already.")
        )
    close(report, Report.Status.ESCALATED, escalated_by=actor)
    now = timezone.now()
    held_back = []
    for cluster in Cluster.objects.select_for_update().filter(links__report=report):
        if is_benign(cluster.kind, cluster.value):
            held_back.append(cluster.kind)
            continue
        if cluster.confirmed_at is None:
            cluster.confirmed_at = now
            cluster.save(update_fields=["confirmed_at"])
    _step(report, actor, TriageStep.Action.ESCALATED, comment, held_back=held_back)
    return report


@service
def reject_report(*, actor, report_id: int, comment: str = "") -> Report:
    """Not a threat: by the claimant, or by a second volunteer who disagrees with a
    confirmation."""
    report = _locked_report(report_id)
    require_volunteer(actor, region=report.region, action="tipline.reject")
    if report.status == Report.Status.CONFIRMED:
        if report.confirmed_by_id == actor.pk:
            raise InvalidTransition(_("A second volunteer decides on a confirmed report."))
    else:
        _require_claimant(report, actor)
    close(report, Report.Status.REJECTED)
    _step(report, actor, TriageStep.Action.REJECTED, comment)
    return report


@service
def mark_duplicate(*, actor, report_id: int, original_id: int) -> Report:
    """The same threat, already reported: the report closes and points at the original
    (followed to the first report, so duplicates never chain)."""
    report = _locked_report(report_id)
    require_volunteer(actor, region=report.region, action="tipline.duplicate")
    if report.status not in (Report.Status.NEW, Report.Status.CLAIMED):
        raise InvalidTransition(_("Only a new or claimed report can be marked as a duplicate."))
    if report.status == Report.Status.CLAIMED and report.claimed_by_id != actor.pk:
        raise InvalidTransition(_("Another volunteer claimed this report."))
    original = Report.objects.filter(pk=original_id).first()
    if original is None:
        raise NotFound(_("No report has this number."), field="original")
    if original.duplicate_of_id:
        original = Report.objects.get(pk=original.duplicate_of_id)
    if original.pk == report.pk:
        raise ValidationFailed(_("A report cannot duplicate itself."), field="original")
    close(report, Report.Status.DUPLICATE, duplicate_of=original)
    _step(report, actor, TriageStep.Action.DUPLICATE, original=original.pk)
    return report


@service
def vote(*, actor, report_id: int, choice: str) -> Vote:
    """A volunteer's vote on an open report; a second vote replaces the first."""
    report = _locked_report(report_id)
    require_volunteer(actor, region=report.region, action="tipline.vote")
    if choice not in Vote.Choice.values:
        raise ValidationFailed(_("Vote is, is not, or don't know."), field="choice")
    if not report.is_open:
        raise InvalidTransition(_("This report is closed."))
    cast, _created = Vote.objects.update_or_create(
        report=report, volunteer=actor, defaults={"choice": choice}
    )
    audit.record(actor, "tipline.voted", report, region=report.region, choice=choice)
    return cast


@service
def mark_taken_down(*, actor, cluster_id: int) -> Cluster:
    """A confirmed link is offline (the host or registrar took it down): the feed says so.
    A volunteer for the region of a report that confirmed it may say so; once those
    reports are purged after their retention period (the confirmed threat stays), only a
    volunteer for the whole country may."""
    cluster = Cluster.objects.select_for_update().filter(pk=cluster_id).first()
    if cluster is None or cluster.confirmed_at is None:
        raise NotFound(_("No confirmed threat has this number."))
    report = (
        Report.objects.filter(observables__cluster=cluster, status=Report.Status.ESCALATED)
        .select_related("region")
        .first()
    )
    region = report.region if report else Region.objects.get(level=Region.Level.COUNTRY)
    require_volunteer(actor, region=region, action="tipline.taken_down")
    if cluster.taken_down_at is not None:
        raise InvalidTransition(_("This threat is already marked as taken down."))
    cluster.taken_down_at = timezone.now()
    cluster.save(update_fields=["taken_down_at"])
    if report:
        TriageStep.objects.create(report=report, actor=actor, action=TriageStep.Action.TAKEN_DOWN)
    audit.record(actor, "tipline.taken_down", cluster, region=region)
    return cluster
