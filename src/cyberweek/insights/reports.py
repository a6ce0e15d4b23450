"""The end-of-week report of a region: a PDF (WeasyPrint, Noto Sans CJK) with the same
figures as the region's dashboard (it reads them through `queries.dashboard`), its charts
drawn by `charts.py`. Built in the background with its progress written as it goes."""

import logging

from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from . import catalogue, charts, queries
from .models import ReportBuild

logger = logging.getLogger(__name__)
Status = ReportBuild.Status
TOP_REGIONS = 20


def chart_set(payload: dict) -> list:
    """The report's charts, each from the dashboard's figures."""
    labels = {m["code"]: m["label"] for m in payload["metrics"]}
    by_day = [
        (f"{row['day'][5:]} {row['themed_day']}".strip(), row["values"])
        for row in payload["by_day"]
    ]
    sectors = [(row["label"], row["values"]) for row in payload["by_sector"]]
    regions = sorted(
        payload["children"], key=lambda row: row["values"]["activities"], reverse=True
    )[:TOP_REGIONS]
    tips = [(labels[code], payload["totals"][code]) for code in catalogue.TIP_CODES]
    return [
        charts.bar_chart(
            title=_("Activities by day"), bars=[(d, v["activities"]) for d, v in by_day]
        ),
        charts.bar_chart(
            title=_("Activities by sector"), bars=[(s, v["activities"]) for s, v in sectors]
        ),
        charts.bar_chart(
            title=_("Contest attempts by day"),
            bars=[(d, v["quiz_attempts"]) for d, v in by_day],
            colour=1,
        ),
        *(
            [
                charts.bar_chart(
                    title=_("Activities by region"),
                    bars=[(r["name"], r["values"]["activities"]) for r in regions],
                )
            ]
            if regions
            else []
        ),
        charts.bar_chart(title=_("Tip-line reports by kind"), bars=tips, colour=1),
    ]


def render_html(edition, region, language: str) -> str:
    with translation.override(language):
        first, last = queries.day_range(edition, None, None)
        payload = queries.dashboard(edition=edition, region=region, first=first, last=last)
        groups = {}
        for metric in payload["metrics"]:
            groups.setdefault(metric["group"], []).append(
                (metric["label"], payload["totals"][metric["code"]])
            )
        return render_to_string(
            "insights/pdf_report.html",
            {
                "edition": edition,
                "region": region,
                "payload": payload,
                "groups": groups,
                "rates": [
                    (catalogue.RATE_LABELS[code], value) for code, value in payload["rates"].items()
                ],
                "charts": chart_set(payload),
                "generated_at": timezone.localtime(),
                "language": language,
            },
        )


def _progress(build: ReportBuild, progress: int, status: str = Status.BUILDING) -> None:
    # Each step commits on its own, so the progress page sees it while the build runs.
    ReportBuild.objects.filter(pk=build.pk).update(status=status, progress=progress)


def build(build_id: int) -> ReportBuild:
    """Build a queued report. Only the one build claimed here runs: a second worker given
    the same build finds it no longer queued and leaves it."""
    claimed = ReportBuild.objects.filter(pk=build_id, status=Status.QUEUED).update(
        status=Status.BUILDING, progress=5
    )
    build = ReportBuild.objects.select_related("edition", "region").get(pk=build_id)
    if not claimed:
        return build
    try:
        from weasyprint import HTML

        _progress(build, 20)
        html = render_html(build.edition, build.region, build.language)
        _progress(build, 60)
        pdf = HTML(string=html).write_pdf()
        _progress(build, 90)
        with transaction.atomic():
            build.file.save(f"{build.region.code}.pdf", ContentFile(pdf), save=False)
            build.status, build.progress = Status.DONE, 100
            build.finished_at = timezone.now()
            build.save(update_fields=["file", "status", "progress", "finished_at"])
    except Exception as error:
        logger.exception("report build %s failed", build_id)
        ReportBuild.objects.filter(pk=build_id).update(
            status=Status.FAILED, error=type(error).__name__[:300], finished_at=timezone.now()
        )
        build.refresh_from_db()
    return build
