"""Demo tip-line data: a few dozen reports from Tianjin of every kind, duplicates written
in varied notations (so clusters show counts), and triage in every state, with the
Tianjin and Heping organisers as the two volunteers; one report withdrawn by its
reporter. `load(national_user)` is called by `cyberweek load_demo`; it adds nothing when
reports are already there.

Links use the reserved example domains (RFC 2606), so the demo accuses no real site.
"""

from django.db import transaction

from cyberweek.accounts.models import User
from cyberweek.core.permissions import acting_without_session

from .models import Cluster, Report, Volunteer
from .services.intake import FiledReport, file_report
from .services.triage import (
    claim_report,
    confirm_report,
    escalate_report,
    mark_duplicate,
    mark_taken_down,
    reject_report,
    vote,
)
from .services.volunteers import recruit_volunteer
from .services.withdrawal import withdraw_report

TIANJIN = "120000"
DISTRICTS = ["120101", "120102", "120103", "120104", "120105", "120106"]

PHISHING = [
    ("http://icbc-verify.example.com/login", "短信称工商银行账户异常，要求点击链接验证身份。"),
    ("HTTP://ICBC-VERIFY.EXAMPLE.COM./login#top", "又收到同样的银行验证短信，链接看起来一样。"),
    ("icbc-verify.example.com/%6Cogin", "朋友转发给我的链接，说是银行升级。"),
    (
        "http://etc-refund.example.net/apply",
        "ETC 卡失效需要重新认证，页面要求输入银行卡号和验证码。",
    ),
    (
        "http://etc-refund.example.net:80//apply",
        "高速 ETC 退费的短信，我手机号13912345678也收到了。",
    ),
    ("https://www.alipay.com.account-check.example.org/", "冒充支付宝的账户冻结通知。"),
    ("http://3232235777/pay", "链接是一串数字，打开是仿冒的缴费页面。"),
    ("http://аpple-id.example.com/unlock", "苹果 ID 被锁定的邮件，网址里的字母有点奇怪。"),
    ("http://www.10086.cn@points-exchange.example.net/", "移动积分兑换现金，链接开头像 10086。"),
    ("http://points-exchange.example.net/", "积分兑换的钓鱼网站，要求填写身份证号。"),
]
PHONES = [
    ("+86 170 1234 5678", "", "", "自称公安局民警，说我涉嫌洗钱，要求转账到安全账户。"),
    ("170-1234-5678", "", "", "同一个号码又打来，说要冻结我的银行卡。"),
    ("0086 17012345678", "", "", "冒充公检法，我母亲差点转账。"),
    ("138 0013 8000", "", "", "自称快递客服，说包裹丢失要理赔，让我开屏幕共享。"),
    ("", "2876543210", "", "QQ 上有人冒充我同学借钱。"),
    ("", "QQ: 2876 543 210", "", "同一个 QQ 号在班级群里冒充老师收资料费。"),
    ("", "", "wx: Refund_Service88", "微信上自称电商客服，说订单异常要退款。"),
    ("", "", "refund_service88", "加了这个微信号后被拉进刷单群。"),
    ("95566", "", "", "来电显示 95566，但对方让我下载会议软件，我挂断了。"),
]
FAKE_APPS = [
    ("http://download-gov-app.example.com/anti-fraud.apk", "假冒国家反诈中心 App 的下载链接。"),
    ("http://loan-fast.example.org/app", "贷款 App 要求先交保证金，扫码下载的。"),
    ("http://qr-parking.example.net/pay", "停车场二维码被贴了一张假的，扫码付款到个人账户。"),
]
LEAKS = [
    ("http://paste.example.org/x7k2", "网上公开了一份小区业主名单，含姓名、电话和门牌号。"),
    ("", "某培训机构的学员信息被卖，有人打电话报出了我孩子的姓名和学校。"),
    ("", "快递面单信息泄露，收到冒充快递的电话能说出我的地址。"),
]
OTHER = [
    "网上兼职刷单，先返小额佣金，后来要求大额垫付。",
    "婚恋网站认识的人推荐投资平台，无法提现。",
    "游戏账号交易，付款后卖家拉黑。",
]


def _volunteers(national) -> tuple[User, User]:
    people = []
    for email in ("tianjin@example.org", "heping@example.org"):
        user = User.objects.by_email(email).first() or User.objects.create_user(email)
        if not Volunteer.objects.filter(user=user, region__code=TIANJIN).exists():
            recruit_volunteer(actor=national, email=email, region_code=TIANJIN)
        people.append(acting_without_session(user))
    return people[0], people[1]


def _file_all() -> list[FiledReport]:
    filed = []
    district = iter(DISTRICTS * 10)
    for link, text in PHISHING:
        filed.append(file_report(kind="phishing", region_code=next(district), link=link, text=text))
    for phone, qq, wechat, text in PHONES:
        filed.append(
            file_report(
                kind="fraud_phone",
                region_code=next(district),
                phone=phone,
                qq=qq,
                wechat=wechat,
                text=text,
            )
        )
    for link, text in FAKE_APPS:
        filed.append(file_report(kind="fake_app", region_code=next(district), link=link, text=text))
    for link, text in LEAKS:
        filed.append(
            file_report(kind="data_leak", region_code=next(district), link=link, text=text)
        )
    for text in OTHER:
        filed.append(file_report(kind="other", region_code=next(district), text=text))
    return filed


def _triage(reports: list[Report], first: User, second: User) -> None:
    def confirm(report, *, escalate=True):
        claim_report(actor=first, report_id=report.pk)
        confirm_report(actor=first, report_id=report.pk, comment="仿冒页面，已核实")
        if escalate:
            escalate_report(actor=second, report_id=report.pk, comment="复核无误")

    phishing, phones = reports[:10], reports[10:19]
    fake_apps, leaks, other = reports[19:22], reports[22:25], reports[25:]
    confirm(phishing[0])
    for duplicate in phishing[1:3]:
        mark_duplicate(actor=second, report_id=duplicate.pk, original_id=phishing[0].pk)
    confirm(phishing[3])
    confirm(phishing[5])
    confirm(phishing[6], escalate=False)  # waits for a second volunteer
    confirm(phishing[7])
    claim_report(actor=second, report_id=phishing[8].pk)
    confirm(phones[0])
    mark_duplicate(actor=first, report_id=phones[1].pk, original_id=phones[0].pk)
    confirm(phones[3])
    confirm(phones[4])
    confirm(phones[6])
    claim_report(actor=first, report_id=phones[8].pk)
    reject_report(actor=first, report_id=phones[8].pk, comment="官方客服号码，未发现诈骗")
    confirm(fake_apps[0])
    confirm(fake_apps[2])
    claim_report(actor=second, report_id=other[0].pk)
    reject_report(actor=second, report_id=other[0].pk, comment="信息不足，无法核实")
    # Votes on reports still open, as PhishTank's community votes before a decision.
    for report, choices in [
        (phishing[6], ("is", "is")),
        (phishing[9], ("is", "dont_know")),
        (phones[2], ("is", "is")),
        (leaks[0], ("is", "is_not")),
    ]:
        for volunteer, choice in zip((first, second), choices, strict=True):
            vote(actor=volunteer, report_id=report.pk, choice=choice)
    taken_down = Cluster.objects.get(kind="url", value="http://etc-refund.example.net/apply")
    mark_taken_down(actor=first, cluster_id=taken_down.pk)


@transaction.atomic
def load(national_user) -> int:
    first, second = _volunteers(national_user)
    if Report.objects.exists():
        return 0
    filed = _file_all()
    _triage([f.report for f in filed], first, second)
    # The reporter of the last one takes it back with the receipt.
    withdraw_report(code=filed[-1].receipt, address="127.0.0.1")
    return len(filed)
