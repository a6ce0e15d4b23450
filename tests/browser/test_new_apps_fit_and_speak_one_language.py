"""The CTF, the tip line, the micro-video contest, campaigns and the dashboards, with their
demo data, pass the same checks as the other apps' pages (test_pages_fit_and_speak_one_language):
200, no wider than a 360 px phone or a 1280 px screen, one language, no axe-core violation."""

import pytest

from cyberweek.accounts.models import OrganiserRole
from cyberweek.activities import demo as activities_demo
from cyberweek.activities.models import Activity
from cyberweek.campaigns import demo as campaigns_demo
from cyberweek.campaigns.models import Campaign
from cyberweek.core.certificates import new_code
from cyberweek.core.permissions import acting_without_session
from cyberweek.ctf import demo as ctf_demo
from cyberweek.ctf import services as ctf_services
from cyberweek.demo import edition_2019
from cyberweek.showcase import demo as showcase_demo
from cyberweek.showcase import queries as showcase_queries
from cyberweek.showcase import reports as showcase_reports
from cyberweek.showcase import services as showcase_services
from cyberweek.showcase.models import Certificate, Entry
from cyberweek.tipline import demo as tipline_demo
from tests.accounts.factories import UserFactory, organiser
from tests.browser.conftest import enable_axe
from tests.browser.test_pages_fit_and_speak_one_language import (
    LATIN_ALLOWED,
    USER_TEXT,
    check_page,
    sign_in,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VISITOR = [
    "/ctf/",
    "/ctf/{ctf}/",
    "/ctf/{ctf}/board/",
    "/ctf/{ctf}/board/?sector=website",
    "/ctf/{ctf}/write-ups/",
    "/tipline/",
    "/tipline/report/phishing/",
    "/tipline/report/fraud_phone/",
    "/tipline/receipt/",
    "/tipline/lookup/",
    "/tipline/statistics/",
    "/showcase/",
    "/showcase/{showcase}/",
    "/showcase/entries/{showcase_entry}/",
    "/showcase/certificates/{showcase_certificate}/",
    "/campaigns/",
    "/campaigns/2019/university/",
    "/open-data/",
]
ORGANISER = [
    "/organiser/ctf/",
    "/organiser/ctf/{ctf_id}/",
    "/organiser/ctf/new/",
    "/organiser/ctf/{ctf_id}/edit/",
    "/organiser/ctf/{ctf_id}/divisions/new/",
    "/organiser/ctf/{ctf_id}/challenges/{ctf_challenge}/",
    "/organiser/tipline/volunteers/",
    "/organiser/showcase/",
    "/organiser/showcase/{showcase_id}/screening/",
    "/organiser/showcase/{showcase_id}/progress/",
    "/organiser/showcase/{showcase_id}/fraud/",
    "/organiser/showcase/new/",
    "/organiser/showcase/{showcase_id}/edit/",
    "/organiser/showcase/{showcase_id}/setup/",
    "/organiser/campaigns/",
    "/organiser/campaigns/new/",
    "/organiser/campaigns/{campaign_id}/",
    "/organiser/campaigns/{campaign_id}/edit/",
    "/organiser/activities/reporting/?region=120000",
    "/organiser/insights/",
    "/organiser/insights/?region=120101",
]
COMPETITOR = [
    "/ctf/{ctf}/my-team/",
    "/ctf/{ctf}/challenges/{ctf_challenge}/",
    "/ctf/{ctf}/challenges/{ctf_challenge}/write-up/",
]
PAGES = {"visitor": VISITOR, "organiser": ORGANISER, "competitor": COMPETITOR}
# Names of competitions, services, formats and a challenge category, the same in Chinese.
LATIN_ALLOWED |= {"CTF", "CTFd", "CTFtime", "Web", "flag", "CERT", "QQ", "GIF", "JPEG", "PNG"}
LATIN_ALLOWED |= {"WebP", "Markdown", "Pwn", "Flag"}
LATIN_ALLOWED |= {"mp4", "mkv", "mov", "webm", "MP4", "WebVTT"}
LATIN_ALLOWED |= {"GB", "T", "ISO", "null"}


@pytest.fixture
def apps(regions):
    national = acting_without_session(
        organiser(OrganiserRole.Level.NATIONAL, email="national@example.org")
    )
    edition = edition_2019.load(national)
    competition = ctf_demo.load(national)
    # A competitor who signs in: a second member of the first demo team.
    first_team = competition.teams.order_by("pk").first()
    ctf_services.join_team(
        actor=UserFactory(email="player@example.org"), invite_token=first_team.invite_token
    )
    tipline_demo.load(national)
    contest = showcase_demo.load(national)
    # One entry accepted, reported and awarded, so its page, the screening page's reports
    # and a certificate's verification page have something to show.
    shown = contest.entries.filter(status=Entry.Status.SCREENING).first()
    showcase_services.screen_entry(actor=national, entry_id=shown.pk, decision="accept")
    showcase_reports.report_entry(
        actor=national, entry_ref=shown.ref, reason="copyright", details="疑似抄袭", address="::1"
    )
    certificate = Certificate.objects.create(entry=shown, rank=1, code=new_code())
    activities_demo.load(national)
    campaigns_demo.load(national, edition)
    # Names organisers and entrants gave things, shown as written in either language.
    USER_TEXT.update(
        [competition.title, competition.description, competition.description_en, contest.title]
        # The organiser's challenge form shows what organisers wrote in both languages.
        + [
            text
            for challenge in competition.challenges.all()
            for text in (
                challenge.title,
                challenge.title_en,
                challenge.description,
                challenge.description_en,
            )
        ]
        + [team.name for team in competition.teams.all()]
        + [entry.title for entry in contest.entries.all()]
        + [entry.description for entry in contest.entries.all()]
        + [showcase_queries.public_name(entry) for entry in contest.entries.all()]
        + [report.details for report in shown.reports.all()]
        + contest.theme_list()
        + [line for line in contest.rules.splitlines() if line.strip()]
        # Campaign summaries, and activity titles (the loader writes place names in the
        # language active when it runs: English under the tests).
        + [c.summary for c in Campaign.objects.all()]
        + [a.title for a in Activity.objects.all()]
    )
    return {
        "ctf": competition.slug,
        "ctf_id": competition.pk,
        "ctf_challenge": competition.challenges.order_by("pk").first().pk,
        "showcase": contest.slug,
        "showcase_id": contest.pk,
        "showcase_entry": shown.ref,
        "showcase_certificate": certificate.code,
        "campaign_id": Campaign.objects.get(slug="university").pk,
    }


@pytest.mark.parametrize("role", list(PAGES))
def test_new_apps_fit_and_speak_one_language(role, page, apps):
    enable_axe(page.context)
    if role == "organiser":
        sign_in(page, "national@example.org")
    elif role == "competitor":
        sign_in(page, "player@example.org")
    problems = []
    for pattern in PAGES[role]:
        path = pattern.format(**apps)
        for prefix in ("", "/en"):
            problems += check_page(page, prefix + path)
    assert not problems, "\n".join(problems)
