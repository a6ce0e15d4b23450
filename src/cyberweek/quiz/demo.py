"""Demo data for the knowledge contest: a bilingual question bank across the six topics
and a contest with a youth track, open "now" so a visitor can take it.

`load(national_user)` runs after the 2019 edition is loaded and gives it its contest;
`load(national_user, edition=current)` gives the current edition one. Idempotent (a rerun
finds the questions unchanged and the contest in place).
"""

from datetime import timedelta
from pathlib import Path

from django.utils import timezone

from cyberweek.accounts.models import User
from cyberweek.geo.models import Region
from cyberweek.programme.queries import published_editions

from . import services
from .models import Contest

DATA = Path(__file__).parent / "data" / "demo_questions.yaml"

PAPER = [
    {"topic": "personal_information", "count": 5, "points": 5},
    {"topic": "telecom_fraud", "count": 4, "points": 5},
    {"topic": "finance", "count": 3, "points": 5},
    {"topic": "campus", "count": 3, "points": 5},
    {"topic": "law", "count": 3, "points": 5},
    {"topic": "technology", "count": 2, "points": 5},
]


def load(national_user, *, edition=None) -> Contest | None:
    """The demo question bank and a contest of the edition (2019 unless given), open from
    yesterday for 30 days."""
    services.import_questions(actor=national_user, content=DATA.read_bytes(), fmt="yaml")
    edition = edition or published_editions().filter(year=2019).first()
    if edition is None:
        return None
    year = edition.year
    contest = Contest.objects.filter(slug=f"{year}-knowledge").first()
    if contest is None:
        now = timezone.now().replace(minute=0, second=0, microsecond=0)
        contest = services.save_contest(
            actor=national_user,
            data={
                "edition": edition,
                "slug": f"{year}-knowledge",
                "title": f"{year}年国家网络安全宣传周网络安全知识竞赛",
                "title_en": f"{year} National Cybersecurity Awareness Week knowledge contest",
                "description": "20道题，20分钟，60分及格。每次作答随机抽题、选项乱序；"
                "提交后可查看答案解析，及格可下载电子证书。设青少年组（6至18岁）。",
                "description_en": "20 questions in 20 minutes; 60 points to pass. Every attempt "
                "draws its own paper with shuffled options. After submitting, see the answers "
                "with explanations; a pass earns a certificate. Youth track for ages 6 to 18.",
                "opens_at": now - timedelta(days=1),
                "closes_at": now + timedelta(days=30),
                "time_limit_minutes": 20,
                "attempts_allowed": 3,
                "pass_mark": 60,
                "youth_track": True,
                "youth_min_age": 6,
                "youth_max_age": 18,
            },
        )
        services.set_paper(actor=national_user, contest_id=contest.pk, rules=PAPER)
        contest = services.save_contest(
            actor=national_user, contest_id=contest.pk, data={"is_published": True}
        )
        if year != 2019:
            _fast_attempt(contest)
    return contest


def _fast_attempt(contest: Contest) -> None:
    """One participant answers the whole paper right within seconds: the attempt passes
    and is flagged, for an organiser to clear or void (Organiser → contest → Flagged)."""
    user = User.objects.by_email("participant1@example.org").first()
    if user is None:
        user = User.objects.create_user("participant1@example.org")
        user.set_unusable_password()
        user.save(update_fields=["password"])
    region = Region.objects.filter(code="120101").first()
    services.enter_contest(actor=user, contest_id=contest.pk, display_name="王小明", region=region)
    attempt, _new = services.start_attempt(actor=user, contest_id=contest.pk)
    for item in attempt.items.select_related("version"):
        services.save_answer(
            actor=user,
            attempt_id=attempt.pk,
            position=item.position,
            chosen=list(item.version.correct),
        )
    services.submit_attempt(actor=user, attempt_id=attempt.pk)
