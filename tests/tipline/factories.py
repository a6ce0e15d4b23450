import io

from PIL import Image

from cyberweek.geo.models import Region
from cyberweek.tipline.models import Volunteer
from cyberweek.tipline.services.intake import file_report
from cyberweek.tipline.services.triage import claim_report, confirm_report, escalate_report, vote
from tests.accounts.factories import UserFactory

BEIJING = "110000"
DONGCHENG = "110101"
SHANGHAI = "310000"


def volunteer(region_code: str = BEIJING, **user_fields):
    user = UserFactory(**user_fields)
    Volunteer.objects.create(user=user, region=Region.objects.get(code=region_code))
    return user


def png(width=40, height=30, *, exif=False, fmt="PNG") -> bytes:
    image = Image.new("RGB", (width, height), (200, 30, 30))
    out = io.BytesIO()
    if exif:
        data = Image.Exif()
        data[0x010E] = "张三的手机 GPS 39.9,116.4"  # ImageDescription
        image.save(out, format="JPEG", exif=data)
    else:
        image.save(out, format=fmt)
    return out.getvalue()


def phishing(link="http://icbc-secure.example.net/login", region=DONGCHENG, **kwargs):
    kwargs.setdefault("text", "收到短信说我的工商银行账户冻结，让我点链接登录。")
    return file_report(kind="phishing", region_code=region, link=link, **kwargs)


def escalated(link="http://icbc-secure.example.net/login", **kwargs):
    """A report two volunteers confirmed: a published, exported threat."""
    filed = phishing(link=link, **kwargs)
    first, second = volunteer(), volunteer()
    claim_report(actor=first, report_id=filed.report.pk)
    confirm_report(actor=first, report_id=filed.report.pk)
    escalate_report(actor=second, report_id=filed.report.pk)
    return filed


def tipline_volunteer(user, *, recruited_by=None):
    """`user` volunteers in Beijing and has claimed, voted on and confirmed a report."""
    Volunteer.objects.create(
        user=user, region=Region.objects.get(code=BEIJING), recruited_by=recruited_by
    )
    report = phishing().report
    claim_report(actor=user, report_id=report.pk)
    vote(actor=user, report_id=report.pk, choice="is")
    confirm_report(actor=user, report_id=report.pk, comment="仿冒银行")
    escalate_report(actor=volunteer(), report_id=report.pk)
    return report
