"""The CTF, the tip line, the micro-video contest and the dashboards, with their demo data,
pass the same checks as the other apps' pages (test_pages_fit_and_speak_one_language): 200,
no wider than a 360 px phone or a 1280 px screen, one language, no axe-core violation."""

import pytest

from cyberweek.accounts.models import OrganiserRole
from cyberweek.core.permissions import acting_without_session
from cyberweek.ctf import demo as ctf_demo
from cyberweek.demo import edition_2019
from cyberweek.showcase import demo as showcase_demo
from cyberweek.tipline import demo as tipline_demo
from tests.accounts.factories import organiser
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
    "/tipline/",
    "/tipline/report/phishing/",
    "/tipline/report/fraud_phone/",
    "/tipline/receipt/",
    "/tipline/lookup/",
    "/tipline/statistics/",
    "/showcase/",
    "/showcase/{showcase}/",
    "/open-data/",
]
ORGANISER = [
    "/organiser/ctf/",
    "/organiser/ctf/{ctf_id}/",
    "/organiser/tipline/volunteers/",
    "/organiser/showcase/",
    "/organiser/showcase/{showcase_id}/screening/",
    "/organiser/showcase/{showcase_id}/progress/",
    "/organiser/showcase/{showcase_id}/fraud/",
    "/organiser/insights/",
    "/organiser/insights/?region=120101",
]
PAGES = {"visitor": VISITOR, "organiser": ORGANISER}
# Names of competitions, services, formats and a challenge category, the same in Chinese.
LATIN_ALLOWED |= {"CTF", "CTFd", "CTFtime", "Web", "flag", "CERT", "QQ", "GIF", "JPEG", "PNG"}
LATIN_ALLOWED |= {"WebP"}
LATIN_ALLOWED |= {"mp4", "mkv", "mov", "webm", "MP4", "WebVTT"}
LATIN_ALLOWED |= {"GB", "T", "ISO", "null"}


@pytest.fixture
def apps(regions):
    national = acting_without_session(
        organiser(OrganiserRole.Level.NATIONAL, email="national@example.org")
    )
    edition_2019.load(national)
    competition = ctf_demo.load(national)
    tipline_demo.load(national)
    contest = showcase_demo.load(national)
    # Names organisers and entrants gave things, shown as written in either language.
    USER_TEXT.update(
        [competition.title, contest.title]
        + [team.name for team in competition.teams.all()]
        + [entry.title for entry in contest.entries.all()]
        + [entry.description for entry in contest.entries.all()]
        + contest.theme_list()
        + [line for line in contest.rules.splitlines() if line.strip()]
    )
    return {
        "ctf": competition.slug,
        "ctf_id": competition.pk,
        "showcase": contest.slug,
        "showcase_id": contest.pk,
    }


@pytest.mark.parametrize("role", list(PAGES))
def test_new_apps_fit_and_speak_one_language(role, page, apps):
    enable_axe(page.context)
    if role == "organiser":
        sign_in(page, "national@example.org")
    problems = []
    for pattern in PAGES[role]:
        path = pattern.format(**apps)
        for prefix in ("", "/en"):
            problems += check_page(page, prefix + path)
    assert not problems, "\n".join(problems)
