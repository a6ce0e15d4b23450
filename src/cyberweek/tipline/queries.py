"""Reads of the tip line: the triage queue, the public look-up, statistics, threats."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.core.cache import cache
from django.db.models import CharField, Count, F, Q, QuerySet, Value
from django.db.models.functions import Concat, TruncDate
from django.utils import timezone

from cyberweek.core.figures import daily_figures
from cyberweek.geo.models import Region

from .brands import brands, targeted_brands
from .models import Cluster, Report, ReportObservable, Volunteer
from .normalise import (
    NotNormalisable,
    canonical_phone,
    canonical_qq,
    canonical_url,
    canonical_wechat,
)
from .publication import PublicThreat, public_value, published
from .warninglists import is_benign


def triage_scope(actor) -> QuerySet[Report]:
    """Every report in the regions the actor volunteers for."""
    paths = list(
        Volunteer.objects.filter(user=actor, is_active=True).values_list("region__path", flat=True)
    )
    if not paths:
        return Report.objects.none()
    scope = Q()
    for path in paths:
        scope |= Q(region__path__startswith=path)
    return Report.objects.filter(scope)


def triage_queue(actor, *, status: str | None = None) -> QuerySet[Report]:
    """Reports in the regions the actor volunteers for, oldest open first."""
    qs = triage_scope(actor).select_related("region", "claimed_by", "confirmed_by")
    qs = qs.filter(status=status) if status else qs.filter(status__in=Report.OPEN)
    return qs.annotate(
        votes_is=Count("votes", filter=Q(votes__choice="is")),
        votes_is_not=Count("votes", filter=Q(votes__choice="is_not")),
    ).order_by("created_at", "pk")


def confirmed_threats() -> QuerySet[Cluster]:
    """What is published and exported: exact links, numbers and IDs two volunteers
    confirmed. Host+path and domain clusters group reports for volunteers; they are not
    indicators on their own (a shared host would condemn its neighbours)."""
    return Cluster.objects.filter(
        confirmed_at__isnull=False,
        kind__in=[Cluster.Kind.URL, Cluster.Kind.PHONE, Cluster.Kind.QQ, Cluster.Kind.WECHAT],
    ).order_by("-confirmed_at", "pk")


@dataclass(frozen=True)
class LookupAnswer:
    kind: str  # "url", "phone", "qq", "wechat" or "" when unreadable
    value: str  # as published: a link's personal data masked
    threat: PublicThreat | None  # a confirmed cluster, exact or host+path match
    benign: bool  # on a warning list: an official site or hotline
    error: str = ""


def _first_confirmed(kind: str, value: str) -> Cluster | None:
    return Cluster.objects.filter(
        key=Cluster.key_for(kind, value), confirmed_at__isnull=False
    ).first()


def look_up(text: str) -> LookupAnswer:
    """Whether a link, number or ID is a confirmed threat. Answers only from confirmed
    clusters: a report nobody checked yet never makes anything look dangerous."""
    text = (text or "").strip()[:2100]
    digits = text.replace(" ", "").replace("-", "")
    readers = []
    if digits.lstrip("+").isdigit():
        readers = [("phone", canonical_phone), ("qq", canonical_qq)]
    elif "." in text or "/" in text:
        readers = [("url", canonical_url)]
    else:
        readers = [("wechat", canonical_wechat)]
    answers = []
    for kind, reader in readers:
        try:
            value = reader(text)
        except NotNormalisable:
            continue
        if kind == "url":
            threat = _first_confirmed(Cluster.Kind.URL, value.url)
            if threat is None:
                host_path = _first_confirmed(Cluster.Kind.HOST_PATH, value.host_path)
                if host_path is not None:
                    # Answer with a confirmed link on that page, for its warning page.
                    threat = (
                        confirmed_threats()
                        .filter(links__report__observables__cluster=host_path)
                        .first()
                    )
            answers.append(
                LookupAnswer(
                    "url",
                    public_value("url", value.url),
                    published(threat) if threat else None,
                    is_benign("url", value.url),
                )
            )
        else:
            threat = _first_confirmed(kind, value)
            answers.append(
                LookupAnswer(
                    kind,
                    public_value(kind, value),
                    published(threat) if threat else None,
                    is_benign(kind, value),
                )
            )
    # Digits may be a phone number or a QQ number: a known answer wins, else the first.
    for answer in answers:
        if answer.threat or answer.benign:
            return answer
    if answers:
        return answers[0]
    # Unreadable text is not echoed: it may be anything the person pasted.
    return LookupAnswer("", "", None, False, error="unreadable")


TOP_BRANDS = 10


def top_brands(*, since, limit: int = TOP_BRANDS) -> list[dict]:
    """The brands most imitated by reports two volunteers confirmed since `since`, by
    their confirmed links' hosts and their masked descriptions (see `brands`)."""
    confirmed = Report.objects.filter(status=Report.Status.ESCALATED, closed_at__gte=since)
    hosts: dict[int, list[str]] = {}
    for report_id, url in ReportObservable.objects.filter(
        report__in=confirmed, cluster__kind=Cluster.Kind.URL, cluster__confirmed_at__isnull=False
    ).values_list("report_id", "cluster__value"):
        hosts.setdefault(report_id, []).append(urlsplit(url).hostname or "")
    counts: dict[str, int] = {}
    for report_id, text in confirmed.values_list("pk", "masked_text"):
        for brand_id in targeted_brands(hosts=hosts.get(report_id, ()), text=text):
            counts[brand_id] = counts.get(brand_id, 0) + 1
    by_id = {brand.id: brand for brand in brands()}
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:limit]
    return [
        {
            "id": brand_id,
            "name": by_id[brand_id].name_zh,
            "name_en": by_id[brand_id].name_en,
            "reports": n,
        }
        for brand_id, n in ranked
    ]


def statistics(*, days: int = 30) -> dict:
    """Public counts: reports by kind, by province, and per day, confirmed threats, and
    the brands confirmed reports imitated."""
    since = timezone.now() - timedelta(days=days)
    # A withdrawn report was taken back by its reporter: it counts nowhere.
    recent = Report.objects.filter(created_at__gte=since).exclude(status=Report.Status.WITHDRAWN)
    by_kind = dict(recent.values_list("kind").annotate(n=Count("pk")).order_by())
    by_province = dict(recent.values_list("province_code").annotate(n=Count("pk")).order_by())
    names = dict(Region.objects.filter(code__in=by_province).values_list("code", "name"))
    names_en = dict(Region.objects.filter(code__in=by_province).values_list("code", "name_en"))
    by_day = list(
        recent.annotate(day=TruncDate("created_at"))
        .values("day")
        .annotate(reports=Count("pk"), escalated=Count("pk", filter=Q(status="escalated")))
        .order_by("day")
    )
    return {
        "days": days,
        "total": sum(by_kind.values()),
        "by_kind": [
            {"kind": kind, "label": label, "reports": by_kind.get(kind, 0)}
            for kind, label in Report.Kind.choices
        ],
        "by_province": sorted(
            (
                {
                    "code": code,
                    "name": names.get(code, code),
                    "name_en": names_en.get(code, ""),
                    "reports": n,
                }
                for code, n in by_province.items()
            ),
            key=lambda row: (-row["reports"], row["code"]),
        ),
        "by_day": by_day,
        "confirmed_threats": confirmed_threats().count(),
        "top_brands": top_brands(since=since),
    }


STATISTICS_KEY = "tipline:statistics"
STATISTICS_SECONDS = 60


def public_statistics() -> dict:
    """`statistics()` as the public page and API serve it: the same for every visitor, so
    computed at most once a minute (on the shared cache) instead of on every view. With a
    million reports it is several grouped scans of the month plus a pass over its confirmed
    reports for the brands, too much for a public page during the Week."""
    stats = cache.get(STATISTICS_KEY)
    if stats is None:
        stats = statistics()
        cache.set(STATISTICS_KEY, stats, STATISTICS_SECONDS)
    return stats


def volunteers_for(actor) -> list[Volunteer]:
    """The volunteers of the regions the organiser may recruit for."""
    from cyberweek.core.permissions import roles_of

    from .actions import LEVELS, RECRUIT

    paths = [r.region.path for r in roles_of(actor) if r.level in LEVELS[RECRUIT]]
    if not paths:
        return []
    scope = Q()
    for path in paths:
        scope |= Q(region__path__startswith=path)
    return list(
        Volunteer.objects.filter(scope).select_related("user", "region").order_by("region__path")
    )


def insight_figures(*, start: datetime, end: datetime) -> list[QuerySet]:
    """Reports received during [start, end) per day, region and kind (`tip_<kind>`)."""
    return [
        daily_figures(
            Report.objects.filter(created_at__gte=start, created_at__lt=end),
            at="created_at",
            metric=Concat(Value("tip_"), F("kind"), output_field=CharField()),
            region_path=F("region__path"),
        )
    ]


def report_kinds() -> list[tuple[str, str]]:
    """The kinds of report, code and label: the dashboards count each separately."""
    return list(Report.Kind.choices)
