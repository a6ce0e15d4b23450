"""Filing a report: no account is needed.

What a reporter writes passes the `pii` engine before it is stored where a volunteer can
read it; the original is kept encrypted and is shown only through the access-logged
reveal. Each report joins the clusters of the observables it names (the exact link, its
host and path, its registrable domain; a phone number, a QQ number, a WeChat ID) and
raises their counts.
"""

import base64
import json
from dataclasses import dataclass

from django.conf import settings
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from cyberweek.core import audit, rate_limits
from cyberweek.core.errors import LimitReached, ValidationFailed
from cyberweek.core.screening import Screening, screen_text
from cyberweek.core.transactions import service
from cyberweek.geo.models import Region

from .. import proof_of_work
from ..models import Cluster, Evidence, Report, ReportObservable, TriageStep
from .evidence import MAX_IMAGE_BYTES, MAX_IMAGES, reencoded_images
from .observables import Observables, Observed, observables_of
from .receipts import new_receipt, receipt_digest

MAX_TEXT_CHARS = 5000
# The largest report body a page or the API accepts: five screenshots and the fields.
MAX_REPORT_BODY = MAX_IMAGES * MAX_IMAGE_BYTES + 256 * 1024


def _join_clusters(report: Report, observed: list[Observed], now) -> list[Cluster]:
    clusters = []
    for item in observed:
        cluster, created = Cluster.objects.get_or_create(
            key=Cluster.key_for(item.kind, item.value),
            defaults={
                "kind": item.kind,
                "value": item.value,
                "display": item.display,
                "report_count": 1,
                "first_seen": now,
                "last_seen": now,
            },
        )
        if not created:
            # F() so that two reports at once both count.
            Cluster.objects.filter(pk=cluster.pk).update(
                report_count=F("report_count") + 1, last_seen=now
            )
        ReportObservable.objects.create(report=report, cluster=cluster)
        clusters.append(cluster)
    return clusters


@dataclass(frozen=True)
class FiledReport:
    report: Report
    receipt: str  # shown once to the reporter; only its digest is stored
    masked_text: str
    masked_types: tuple[str, ...]
    notes: tuple[str, ...]


def admit(*, address: str, challenge: str, nonce: str) -> None:
    """The anti-abuse gate in front of filing: the address's hourly limit, then a solved
    proof-of-work challenge (spent, so it files one report)."""
    verdict = rate_limits.hit(
        "tipline.report", address, limit=settings.TIPLINE_REPORTS_PER_HOUR, window=3600
    )
    if not verdict.allowed:
        raise LimitReached(
            _("Too many reports from your connection. Try again in %(minutes)s minutes.")
            % {"minutes": max(1, verdict.retry_after // 60)}
        )
    proof_of_work.spend(challenge, nonce)


def region_and_province(region_code: str) -> tuple[Region, str]:
    """The region a report is filed in (the country when none is given) and its province's
    code; `ValidationFailed` for a code that is not an active region."""
    region = None
    if region_code:
        region = Region.objects.filter(code=region_code, is_active=True).first()
        if region is None:
            raise ValidationFailed(_("Choose a region from the list."), field="region")
    if region is None:
        region = Region.objects.get(level=Region.Level.COUNTRY)
    codes = [c for c in region.path.split("/") if c]
    return region, (codes[0] if codes else region.code)


def prepared_report(
    *,
    kind: str,
    region: Region,
    province: str,
    link: str = "",
    phone: str = "",
    qq: str = "",
    wechat: str = "",
    text: str = "",
) -> tuple[Report, Observables, Screening]:
    """A report read, checked and masked, not yet saved, with the observables it names.
    `file_report` saves it; the benchmark seeds a million of them with `bulk_create`
    through this same function. Raises `ValidationFailed` naming the field."""
    if kind not in Report.Kind.values:
        raise ValidationFailed(_("Choose what kind of threat you are reporting."), field="kind")
    text = (text or "").strip()
    if len(text) > MAX_TEXT_CHARS:
        raise ValidationFailed(
            _("Describe it in at most %(n)s characters.") % {"n": MAX_TEXT_CHARS}, field="text"
        )
    if "\x00" in text:
        raise ValidationFailed(_("The description holds a NUL character."), field="text")
    observed = observables_of(kind=kind, link=link, phone=phone, qq=qq, wechat=wechat)
    if kind != Report.Kind.OTHER and not observed.items and not text:
        raise ValidationFailed(_("Describe what happened."), field="text")
    screening = screen_text(text)
    report = Report(
        kind=kind,
        region=region,
        province_code=province,
        reported_value=json.dumps(
            {
                k: v
                for k, v in {"link": link, "phone": phone, "qq": qq, "wechat": wechat}.items()
                if v
            },
            ensure_ascii=False,
        ),
        original_text=text,
        masked_text=screening.public_text,
        masked_types=list(screening.found_types),
    )
    return report, observed, screening


@service
def file_report(
    *,
    kind: str,
    region_code: str = "",
    link: str = "",
    phone: str = "",
    qq: str = "",
    wechat: str = "",
    text: str = "",
    images=(),
) -> FiledReport:
    """File an anonymous report. Callers admit the request first (`admit`). Everything is
    read and checked before anything is written, so a refusal writes nothing."""
    region, province = region_and_province(region_code)
    report, observed, screening = prepared_report(
        kind=kind,
        region=region,
        province=province,
        link=link,
        phone=phone,
        qq=qq,
        wechat=wechat,
        text=text,
    )
    pictures = reencoded_images(images)
    receipt = new_receipt()
    report.receipt_digest = receipt_digest(receipt)
    report.save(force_insert=True)
    for picture in pictures:
        Evidence.objects.create(
            report=report,
            content=base64.b64encode(picture.content).decode("ascii"),
            content_type=picture.content_type,
            width=picture.width,
            height=picture.height,
            size=len(picture.content),
        )
    _join_clusters(report, observed.items, timezone.now())
    TriageStep.objects.create(report=report, action=TriageStep.Action.FILED)
    audit.record(None, "tipline.report_filed", report, region=region, kind=kind)
    return FiledReport(
        report=report,
        receipt=receipt,
        masked_text=screening.public_text,
        masked_types=screening.found_types,
        notes=tuple(observed.notes),
    )
