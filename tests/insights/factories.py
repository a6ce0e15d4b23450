from datetime import date

from django.utils import timezone

from cyberweek.geo.models import Region
from cyberweek.insights.models import ReportBuild, ReportSubscription
from tests.programme.factories import EditionFactory


def use_insights(user, *, edition=None, region_code: str = "120000"):
    """`user` asked for a region's report (it failed once) and has it mailed to them (for
    the privacy export's completeness test and the registry's own tests)."""
    region = Region.objects.get(code=region_code)
    build = ReportBuild.objects.create(
        edition=edition or EditionFactory(),
        region=region,
        language="zh-hans",
        status=ReportBuild.Status.FAILED,
        progress=40,
        requested_by=user,
        error="字体缺失",
        finished_at=timezone.now(),
    )
    subscription = ReportSubscription.objects.create(
        user=user, region=region, language="en", frequency="end", last_sent_on=date(2019, 9, 22)
    )
    return build, subscription
