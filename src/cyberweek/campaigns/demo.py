"""Demo campaigns for the current edition: the university education campaign (national,
schools), the "Ship Cybersecurity" maritime industry launch (Tianjin, enterprises) and a
finance campaign (national, enterprises and communities), each joined to activities of
the demo edition so their progress shows; the visitor volunteers for the maritime launch
with confirmed and pending hours. `load(national_user, edition)` is called by
`cyberweek load_demo`; it adds nothing when the edition has campaigns already.

Rows are written through the services (the loader acts from the console)."""

from datetime import timedelta

from django.db import transaction

from cyberweek.accounts.models import User
from cyberweek.activities.services import activity_window
from cyberweek.core.permissions import acting_without_session
from cyberweek.geo.models import Region, Sector

from . import services
from .models import Campaign

CAMPAIGNS = [
    # slug, title, English title, kind, region, sectors, goals (activities, people, counties),
    # summary, English summary
    (
        "university",
        "网络安全进高校专题活动",
        "Cybersecurity at university",
        Campaign.Kind.EDUCATION,
        "000000",
        [Sector.SCHOOL],
        (20, 40000, 20),
        "面向高校师生开展个人信息保护、防范网络诈骗主题宣讲和知识竞赛。",
        (
            "Talks and a knowledge contest for university students and staff on protecting "
            "personal information and avoiding online fraud."
        ),
    ),
    (
        "ship-cybersecurity",
        "“船舶网络安全”行业发布活动",
        "Ship Cybersecurity industry launch",
        Campaign.Kind.INDUSTRY,
        "120000",
        [Sector.ENTERPRISE, Sector.COMMUNITY, Sector.GOVERNMENT],
        (3, 1500, 3),
        "在天津港发布船舶网络安全指南，面向航运企业和港区社区开展宣传。",
        (
            "The ship cybersecurity guidelines launched at the Port of Tianjin, with "
            "publicity for shipping companies and the port's communities."
        ),
    ),
    (
        "finance",
        "金融网络安全专题活动",
        "Finance cybersecurity campaign",
        Campaign.Kind.INDUSTRY,
        "000000",
        [Sector.ENTERPRISE, Sector.COMMUNITY],
        (30, 80000, 25),
        "银行、证券、保险机构走进社区，讲解防范金融诈骗与个人信息保护。",
        (
            "Banks, brokers and insurers visit communities to explain how to avoid financial "
            "fraud and protect personal information."
        ),
    ),
]


def _region(code):
    if code == "000000":
        return Region.objects.get(level=Region.Level.COUNTRY)
    return Region.objects.get(code=code)


@transaction.atomic
def load(national_user, edition) -> int:
    if edition is None or Campaign.objects.filter(edition=edition).exists():
        return 0
    from cyberweek.activities import queries as activity_queries

    national = acting_without_session(national_user)
    first, last = activity_window(edition)
    made = 0
    for slug, title, title_en, kind, code, sectors, goals, summary, summary_en in CAMPAIGNS:
        region = _region(code)
        campaign = services.create_campaign(
            actor=national,
            edition=edition,
            data={
                "slug": slug,
                "title": title,
                "title_en": title_en,
                "summary": summary,
                "summary_en": summary_en,
                "kind": kind,
                "sectors": [str(s) for s in sectors],
                "region": region,
                "starts_on": max(first, edition.starts_on - timedelta(days=7)),
                "ends_on": min(last, edition.ends_on + timedelta(days=7)),
                "goal_activities": goals[0],
                "goal_participants": goals[1],
                "goal_regions": goals[2],
                "is_published": True,
            },
        )
        candidates = activity_queries.organiser_activities(
            national,
            edition=edition,
            filters=activity_queries.ActivityFilter(region=region),
        ).filter(sector__in=sectors)
        for activity in candidates[: goals[0] + 2]:
            services.add_activity(actor=national, campaign_id=campaign.pk, activity_id=activity.pk)
        made += 1
    _volunteer(national, Campaign.objects.get(edition=edition, slug="ship-cybersecurity"))
    return made


def _volunteer(national, campaign) -> None:
    visitor = User.objects.by_email("visitor@example.org").first()
    if visitor is None:
        return
    visitor = acting_without_session(visitor)
    volunteer = services.invite_volunteer(
        actor=national, campaign_id=campaign.pk, email="visitor@example.org"
    )
    services.respond_to_invitation(actor=visitor, volunteer_id=volunteer.pk, accept=True)
    day = campaign.starts_on
    tasks = [
        ("在港区社区发放船舶网络安全宣传册", day, "3"),
        ("协助航运企业讲座签到和现场引导", day + timedelta(days=1), "4.5"),
        ("整理活动照片和参与人数", day + timedelta(days=2), "2"),
    ]
    made = []
    for text, worked_on, hours in tasks:
        made.append(
            services.record_task(
                actor=visitor,
                volunteer_id=volunteer.pk,
                description=text,
                worked_on=worked_on,
                hours=hours,
                today=max(worked_on, day + timedelta(days=2)),
            )
        )
    for task in made[:2]:
        services.decide_task(actor=national, task_id=task.pk, confirm=True)
