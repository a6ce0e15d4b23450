"""The consent notices a new platform starts with, one per purpose."""

from cyberweek.privacy import services
from cyberweek.privacy.models import Purpose

NOTICES = {
    Purpose.LEADERBOARD_DISPLAY: (
        "在知识竞赛排行榜上显示您选择的显示名称。不同意时，排行榜只显示打码后的名称。",
        "Show the display name you chose on contest leaderboards. Without it, leaderboards "
        "show a masked name.",
    ),
    Purpose.NEWSLETTER: (
        "通过电子邮件或短信向您发送宣传周的活动资讯，每月不超过两次，可随时退订。",
        "Send you news of the Week by e-mail or text message, at most twice a month; "
        "unsubscribe at any time.",
    ),
    Purpose.RESEARCH_STATISTICS: (
        "将您的竞赛作答以匿名方式用于网络安全意识研究统计，结果中不会出现可识别您的信息。",
        "Use your contest answers, anonymised, in research on cybersecurity awareness; "
        "nothing in the results identifies you.",
    ),
}


def load(actor) -> None:
    for purpose, (text, text_en) in NOTICES.items():
        if services.current_notice(purpose) is None:
            services.publish_notice(actor=actor, purpose=purpose, text=text, text_en=text_en)
