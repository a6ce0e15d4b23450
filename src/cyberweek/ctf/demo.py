"""Demo data for the CTF: the 2019 innovation competition, open from yesterday for a
week with a freeze on its last day, four divisions, challenges of every scoring formula
and flag kind, and a few teams that have solved some of them, so the board has movement.

`load(national_user)` runs after the 2019 edition is loaded; it is idempotent (a rerun
finds the competition in place). Demo loaders may write directly (see the README).
"""

from datetime import timedelta

from django.utils import timezone

from cyberweek.accounts.models import User
from cyberweek.geo.models import Region
from cyberweek.programme.queries import published_editions

from . import services
from .flags import team_flag
from .models import Competition, Division

SLUG = "2019-ctf"
CHALLENGES = [
    {
        "title": "签到",
        "title_en": "Sign-in",
        "category": "misc",
        "description": "欢迎参赛！flag 就是 `flag{welcome_to_cyberweek}`。",
        "description_en": "Welcome! The flag is `flag{welcome_to_cyberweek}`.",
        "scoring": "static",
        "initial_value": 100,
        "minimum_value": 100,
        "flag": "flag{welcome_to_cyberweek}",
    },
    {
        "title": "泄露的备份",
        "title_en": "Leaked backup",
        "category": "web",
        "description": "某网站把数据库备份放在了网站根目录。找到它，flag 就在里面。",
        "description_en": "A site left its database backup in the web root. Find it.",
        "scoring": "linear",
        "initial_value": 500,
        "minimum_value": 100,
        "decay": 20,
        "flag": "flag{never_backup_to_webroot}",
        "case_insensitive": True,
    },
    {
        "title": "弱口令",
        "title_en": "Weak password",
        "category": "crypto",
        "description": "哈希 `5f4dcc3b5aa765d61d8327deb882cf99` 的原文，格式 `flag{原文}`。",
        "description_en": "The plaintext of `5f4dcc3b5aa765d61d8327deb882cf99` as `flag{…}`.",
        "scoring": "parabolic",
        "initial_value": 500,
        "minimum_value": 100,
        "decay": 30,
        "flag": "flag{password}",
    },
    {
        "title": "电信诈骗短信",
        "title_en": "Fraud text",
        "category": "forensics",
        "description": "分析诈骗短信里的短链接。flag 格式 `flag{四位数字}`。",
        "description_en": "Analyse the short link in the fraud text. The flag is `flag{4 digits}`.",
        "scoring": "exponential",
        "initial_value": 800,
        "minimum_value": 200,
        "decay": 15,
        "flag_kind": "regex",
        "flag": r"flag\{(2019|0916)\}",
    },
    {
        "title": "个人信息保护",
        "title_en": "Personal information protection",
        "category": "reverse",
        "description": "每支队伍拿到的程序不同，flag 也不同：不要分享！",
        "description_en": "Each team gets its own binary and its own flag: do not share!",
        "scoring": "linear",
        "initial_value": 600,
        "minimum_value": 150,
        "decay": 25,
        "flag_kind": "per_team",
        "flag": "cw2019",
    },
]
TEAMS = ["渤海之滨", "白帽子联盟", "津门安全", "Null Pointer", "零日小队"]


def load(national_user) -> Competition | None:
    edition = published_editions().filter(year=2019).first()
    if edition is None:
        return None
    competition = Competition.objects.filter(slug=SLUG).first()
    if competition is not None:
        return competition
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    competition = Competition.objects.create(
        edition=edition,
        slug=SLUG,
        title="2019年网络安全技术创新大赛（CTF）",
        title_en="2019 cybersecurity innovation competition (CTF)",
        description="解题夺旗赛：高校、企业、公开和青少年四个组别，动态分值，一二三血奖励。",
        description_en="A jeopardy CTF with university, enterprise, open and youth divisions, "
        "dynamic values and first, second and third blood bonuses.",
        starts_at=now - timedelta(days=1),
        ends_at=now + timedelta(days=7),
        freeze_at=now + timedelta(days=6),
        is_published=True,
        team_size=4,
    )
    for kind, name in [
        (Division.Kind.UNIVERSITY, "高校组"),
        (Division.Kind.ENTERPRISE, "企业组"),
        (Division.Kind.OPEN, "公开组"),
        (Division.Kind.YOUTH, "青少年组"),
    ]:
        Division.objects.create(
            competition=competition,
            kind=kind,
            name=name,
            name_en=Division.Kind(kind).label.capitalize(),
            email_domains="tju.edu.cn\nnankai.edu.cn" if kind == Division.Kind.UNIVERSITY else "",
        )
    challenges = [
        services.save_challenge(actor=national_user, competition_id=competition.pk, data=data)
        for data in CHALLENGES
    ]
    services.save_hint(
        actor=national_user,
        challenge_id=challenges[1].pk,
        text="常见的备份文件名有 backup.sql、www.zip。",
        text_en="Common backup names are backup.sql and www.zip.",
        cost=50,
    )
    _play(competition, challenges)
    return competition


def _play(competition, challenges):
    """Demo teams (accounts without a password, so no one signs in as them) and solves."""
    open_division = competition.divisions.get(kind=Division.Kind.OPEN)
    tianjin = (
        Region.objects.filter(code="120000").first()
        or Region.objects.filter(level=Region.Level.PROVINCE).first()
    )
    for i, name in enumerate(TEAMS):
        email = f"ctf-demo-{i + 1}@example.org"
        user = User.objects.by_email(email).first() or User.objects.create_user(email=email)
        team = services.register_team(
            actor=user,
            competition_id=competition.pk,
            name=name,
            division_id=open_division.pk,
            region=tianjin,
            sector="website",
        )
        for challenge in challenges[: len(TEAMS) - i]:
            flag = challenge.flag
            if challenge.flag_kind == "regex":
                flag = "flag{2019}"
            elif challenge.flag_kind == "per_team":
                flag = team_flag(challenge, team.pk)
            services.submit_flag(actor=user, challenge_id=challenge.pk, text=flag)
