"""Demo local activities for the 2019 edition: a few hundred across provinces and sectors,
at every stage of the workflow, plus a handful in Heping District (Tianjin) for the demo
county and provincial organisers. Titles follow the kinds of activity the Week runs;
places are real divisions, every contact is fictional.

`load(national_user)` is called by `cyberweek load_demo`; it is repeatable and fast
(rows are written in bulk, with the history each stage implies). `load(national_user,
edition=...)` fills another edition the same way, with fewer activities: in one that is
running, what is held or reported lies before today and what awaits review after it.
"""

import random
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from cyberweek.core.screening import screen_text
from cyberweek.geo.models import Region, Sector
from cyberweek.programme.models import Edition

from .models import Activity, ActivityStep
from .services import search_text_for

TZ = ZoneInfo("Asia/Shanghai")
COUNT = 320

# sector: (Chinese title, English title, audience)
KINDS = {
    Sector.COMMUNITY: (
        "网络安全进社区：防范电信网络诈骗讲座",
        "Fraud prevention talk in the community",
        "社区居民",
    ),
    Sector.COUNTRYSIDE: (
        "网络安全进农村：守护农民钱袋子",
        "Keeping farmers' savings safe online",
        "村民",
    ),
    Sector.ENTERPRISE: (
        "企业数据安全与个人信息保护培训",
        "Data security training for companies",
        "企业员工",
    ),
    Sector.GOVERNMENT: (
        "机关干部网络安全知识讲座",
        "Cybersecurity lecture for civil servants",
        "机关干部",
    ),
    Sector.SCHOOL: (
        "网络安全进校园：主题班会",
        "Cybersecurity class meeting at school",
        "中小学生",
    ),
    Sector.MILITARY: (
        "网络安全进军营：安全上网教育",
        "Safe internet use for service members",
        "官兵",
    ),
    Sector.FAMILY: (
        "网络安全进家庭：亲子安全上网课",
        "Safe internet use for parents and children",
        "家庭",
    ),
    Sector.CONSTRUCTION: (
        "网络安全进工地：农民工防诈骗宣讲",
        "Fraud awareness on construction sites",
        "建筑工人",
    ),
    Sector.WEBSITE: (
        "网站专题：个人信息保护知识问答",
        "Online quiz on personal information",
        "网民",
    ),
}
STAGES = [
    (Activity.Status.VERIFIED, 4),
    (Activity.Status.REPORTED, 2),
    (Activity.Status.HELD, 2),
    (Activity.Status.APPROVED, 6),
    (Activity.Status.SUBMITTED, 2),
    (Activity.Status.RETURNED, 1),
    (Activity.Status.DRAFT, 1),
]
# Stages that come after the activity took place.
AFTER_THE_FACT = {Activity.Status.HELD, Activity.Status.REPORTED, Activity.Status.VERIFIED}
STEPS = {
    Activity.Status.DRAFT: [],
    Activity.Status.SUBMITTED: [ActivityStep.Action.SUBMITTED],
    Activity.Status.RETURNED: [ActivityStep.Action.SUBMITTED, ActivityStep.Action.RETURNED],
    Activity.Status.APPROVED: [ActivityStep.Action.SUBMITTED, ActivityStep.Action.APPROVED],
}
STEPS[Activity.Status.HELD] = [*STEPS[Activity.Status.APPROVED], ActivityStep.Action.HELD]
STEPS[Activity.Status.REPORTED] = [
    *STEPS[Activity.Status.HELD],
    ActivityStep.Action.OUTCOME_REPORTED,
]
STEPS[Activity.Status.VERIFIED] = [
    *STEPS[Activity.Status.REPORTED],
    ActivityStep.Action.VERIFIED,
]
REVIEW_STEPS = {ActivityStep.Action.APPROVED, ActivityStep.Action.VERIFIED}


def _days_for(status, days, today):
    """Held and reported activities took place before today; those still in review are
    ahead. An edition wholly past or ahead keeps all its days for every stage."""
    past = [d for d in days if d < today]
    ahead = [d for d in days if d >= today]
    if status in AFTER_THE_FACT:
        return past or days
    if status == Activity.Status.APPROVED:
        return days
    return ahead or days


def _activity(rng, edition, region, sector, status, days, today=None) -> Activity:
    title, title_en, audience = KINDS[sector]
    day = rng.choice(_days_for(status, days, today) if today else days)
    starts = datetime(day.year, day.month, day.day, rng.choice([9, 10, 14, 15, 19]), 0, tzinfo=TZ)
    online = sector == Sector.WEBSITE or rng.random() < 0.15
    fmt = (
        Activity.Format.ONLINE
        if online
        else rng.choice([Activity.Format.OFFLINE, Activity.Format.OFFLINE, Activity.Format.HYBRID])
    )
    place = region.display_name
    description = (
        f"{place}{title}。围绕“网络安全为人民，网络安全靠人民”主题，"
        "讲解常见网络诈骗手法、个人信息保护要点，并现场答疑。"
    )
    expected = rng.choice([50, 80, 120, 200, 300, 500, 1000, 5000])
    activity = Activity(
        edition=edition,
        themed_day=None,
        title=f"{place}{title}",
        title_en=f"{title_en} ({region.name_en or region.code})",
        description=description,
        public_description=screen_text(description).public_text,
        sector=sector,
        region=region,
        region_path=region.path,
        format=fmt,
        venue_address="" if fmt == Activity.Format.ONLINE else f"{place}文化活动中心",
        online_url="" if fmt == Activity.Format.OFFLINE else "https://example.org/live",
        audience=audience,
        starts_at=starts,
        ends_at=starts + timedelta(hours=rng.choice([1, 2, 3])),
        expected_reach=expected,
        public_registration=fmt != Activity.Format.ONLINE and rng.random() < 0.3,
        contact_name="示例联系人",
        contact_phone="+8613800000000",
        status=status,
        is_public=status in Activity.PUBLIC_STATUSES,
    )
    if activity.public_registration:
        activity.capacity = expected
    if status in {Activity.Status.REPORTED, Activity.Status.VERIFIED}:
        activity.participants = int(expected * rng.uniform(0.6, 1.3))
        activity.online_reach = rng.choice([0, 200, 1500, 12000])
        activity.outcome_summary = "活动按计划举行，群众反响良好，发放宣传资料若干份。"
        activity.public_outcome_summary = activity.outcome_summary
        activity.outcome_reported_at = min(activity.ends_at + timedelta(days=2), timezone.now())
    activity.search_text = search_text_for(activity)
    return activity


@transaction.atomic
def load(national_user, *, edition=None, count: int = COUNT) -> int:
    """Create the demo activities of the 2019 edition (or of `edition`); returns how many
    were created."""
    edition = edition or Edition.objects.filter(year=2019).first()
    if edition is None or Activity.objects.filter(edition=edition).exists():
        return 0
    rng = random.Random(edition.year)  # noqa: S311 - demo data, not security
    today = timezone.localdate()
    themed = {d.date: d for d in edition.themed_days.all()}
    days = edition.days
    counties = list(
        Region.objects.filter(level=Region.Level.COUNTY, is_active=True).select_related("parent")
    )
    regions = rng.sample(counties, count)
    heping = Region.objects.filter(code="120101").select_related("parent").first()
    stages = [s for s, weight in STAGES for _ in range(weight)]
    sectors = list(Sector.values)
    activities = []
    for index, region in enumerate(regions):
        activity = _activity(
            rng, edition, region, sectors[index % len(sectors)], rng.choice(stages), days, today
        )
        activity.themed_day = themed.get(activity.starts_at.date())
        activities.append(activity)
    if heping is not None:
        for sector, status in [
            (Sector.SCHOOL, Activity.Status.SUBMITTED),
            (Sector.COMMUNITY, Activity.Status.APPROVED),
            (Sector.FAMILY, Activity.Status.DRAFT),
            (Sector.ENTERPRISE, Activity.Status.VERIFIED),
            (Sector.GOVERNMENT, Activity.Status.RETURNED),
            (Sector.CONSTRUCTION, Activity.Status.HELD),
            (Sector.COUNTRYSIDE, Activity.Status.REPORTED),
        ]:
            activity = _activity(rng, edition, heping, sector, status, days, today)
            activity.themed_day = themed.get(activity.starts_at.date())
            activities.append(activity)
    Activity.objects.bulk_create(activities, batch_size=500)
    steps = []
    for activity in activities:
        steps.append(ActivityStep(activity=activity, action="created", to_status="draft"))
        status = Activity.Status.DRAFT
        for action in STEPS[activity.status]:
            target = {
                "submitted": "submitted",
                "returned": "returned",
                "approved": "approved",
                "held": "held",
                "outcome_reported": "reported",
                "verified": "verified",
            }[action]
            steps.append(
                ActivityStep(
                    activity=activity,
                    action=action,
                    from_status=status,
                    to_status=target,
                    actor=national_user if action in REVIEW_STEPS else None,
                )
            )
            status = target
    ActivityStep.objects.bulk_create(steps, batch_size=1000)
    _date_submissions(steps, edition)
    return len(activities)


def _date_submissions(steps, edition) -> None:
    """Submissions dated as organisers make them, mostly days before the Week and some
    late, so the reporting-discipline page has on-time and late reports to show. A
    generator of its own: the activities drawn above stay the same."""
    rng = random.Random(edition.year + 1)  # noqa: S311 - demo data, not security
    now = timezone.now()
    opens = datetime(
        edition.starts_on.year, edition.starts_on.month, edition.starts_on.day, tzinfo=TZ
    )
    submitted = [s for s in steps if s.action == ActivityStep.Action.SUBMITTED]
    for step in submitted:
        before = opens - timedelta(days=rng.randint(1, 20))
        late = min(step.activity.starts_at, opens + timedelta(days=2)) - timedelta(hours=1)
        step.created_at = min(now, late if rng.random() < 0.25 else before)
    ActivityStep.objects.bulk_update(submitted, ["created_at"], batch_size=1000)
