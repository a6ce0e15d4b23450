"""Every main page, in Chinese and English, on a 360 px phone and a 1280 px screen, as a
visitor, as a participant in a contest and as an organiser: the page answers 200, is no
wider than the window, shows no text of the other language outside what people wrote,
and axe-core finds no WCAG 2.1 A or AA violation.

A new app joins by adding its pages to VISITOR, PARTICIPANT or ORGANISER below (with a
`{placeholder}` the `site` fixture fills, when the URL needs an object of its own).
One browser and one live server serve every page; each role is one test that walks all of
its pages and reports every problem at once.
"""

import re

import pytest

from cyberweek.accounts.models import OrganiserRole
from cyberweek.activities.models import Activity
from cyberweek.core.permissions import acting_without_session
from cyberweek.demo import consent_notices, edition_2019
from cyberweek.quiz import services as quiz
from cyberweek.quiz.models import Contest
from cyberweek.tickets import services as tickets
from tests.accounts.factories import PASSWORD, UserFactory, organiser
from tests.activities.factories import ActivityFactory
from tests.browser.conftest import accessibility_violations, enable_axe
from tests.quiz.factories import contest_with_paper, entry_for
from tests.quiz.test_services import right_answers
from tests.tickets.factories import OfferingFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Pages by who reaches them; English pages are the same paths under /en.
VISITOR = [
    "/",
    "/editions/",
    "/editions/2019/",
    "/editions/2019/events/{event}/",
    "/activities/",
    "/activities/map/",
    "/activities/{activity}/",
    "/quiz/",
    "/quiz/{contest}/",
    "/quiz/{contest}/leaderboard/",
    "/quiz/certificates/{certificate}/",
    "/privacy/check/",
    "/accounts/login/",
    "/accounts/signup/",
]
PARTICIPANT = [
    "/quiz/{contest}/",
    "/quiz/attempts/{attempt}/",
    "/quiz/attempts/{submitted}/review/",
    "/tickets/",
    "/tickets/{ticket}/",
    "/tickets/register/{offering}/",
    "/privacy/",
    "/privacy/account/",
    "/privacy/delete/",
]
ORGANISER = [
    "/organiser/",
    "/organiser/editions/",
    "/organiser/editions/{edition}/",
    "/organiser/editions/{edition}/edit/",
    "/organiser/editions/{edition}/events/new/",
    "/organiser/activities/",
    "/organiser/activities/coverage/",
    "/organiser/activities/{activity}/",
    "/organiser/quiz/questions/",
    "/organiser/quiz/questions/import/",
    "/organiser/quiz/contests/",
    "/organiser/quiz/contests/new/",
    "/organiser/quiz/contests/{contest_id}/",
    "/organiser/quiz/participation/",
    "/organiser/quiz/contests/{contest_id}/stats/",
    "/organiser/quiz/contests/{contest_id}/flagged/",
    "/organiser/tickets/",
    "/organiser/tickets/events/",
    "/organiser/tickets/{offering}/",
    "/organiser/tickets/{offering}/check-in/",
    "/organiser/privacy/requests/",
    "/organiser/privacy/requests/new/",
    "/organiser/privacy/notices/",
    "/organiser/privacy/access-log/",
    "/organiser/organisers/",
    "/organiser/organisers/appoint/",
    "/organiser/outbox/",
    "/privacy/",
]
# Pages only a local organiser has: registering activities is done where they happen.
LOCAL_ORGANISER = [
    "/organiser/",
    "/organiser/activities/",
    "/organiser/activities/new/",
    "/organiser/activities/import/",
    "/organiser/activities/{activity}/",
]
PAGES = {
    "visitor": VISITOR,
    "participant": PARTICIPANT,
    "organiser": ORGANISER,
    "local organiser": LOCAL_ORGANISER,
}
WIDTHS = [360, 1280]

# What people wrote, shown as written in either language: the fixture's Chinese-only
# names and texts, and (added by `site`) the names organisers gave things. Page chrome
# never belongs here.
USER_TEXT = {
    "国家组织者",
    "李小明",
    "讲解防范电信网络诈骗。",
    "示例地址",
    "学生",
    "李老师",
    "李",  # 李小明 as leaderboards mask it
}
# Latin words a Chinese page may show: names of formats and standards, and the site's
# own data codes.
LATIN_ALLOWED = {"API", "JSON", "PDF", "QR", "CSV", "XLSX", "YAML", "ID", "SMS", "TOTP", "MB"}
LATIN_ALLOWED |= {"iCal", "App"}

# Visible text and the accessible names people hear, without code, and without elements
# marked as another language (the language switch's own names carry lang=…).
TEXT_OF_PAGE = """
(lang) => {
  // A datalist is not shown as text: it is what the region picker searches (names in both
  // languages and pinyin), offered as one types.
  const skip = (el) => el.closest("script, style, code, pre, noscript, template, datalist") ||
    [...ancestors(el)].some((a) => a.hasAttribute("lang") && a !== document.documentElement &&
      !a.getAttribute("lang").toLowerCase().startsWith(lang));
  function* ancestors(el) { for (let a = el; a; a = a.parentElement) yield a; }
  const parts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!skip(node.parentElement)) parts.push(node.textContent);
  }
  for (const el of document.querySelectorAll("[title], [aria-label], [placeholder], [alt]")) {
    if (skip(el)) continue;
    for (const name of ["title", "aria-label", "placeholder", "alt"]) {
      if (el.hasAttribute(name)) parts.push(el.getAttribute(name));
    }
  }
  parts.push(document.title);
  return parts.join("\\n");
}
"""
AFTER_RESIZE = """
() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(() =>
  done(document.documentElement.scrollWidth))))
"""
CJK = re.compile(r"[\u3400-\u9fff\u3000-\u303f\uff01-\uff5e]+")
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
# Addresses, links, file names and codes are not words of a language.
NOT_WORDS = re.compile(r"\S*[@/.:_#\d]\S*")


def other_language(text: str, english: bool) -> list[str]:
    for allowed in sorted(USER_TEXT, key=len, reverse=True):
        text = text.replace(allowed, " ")
    if english:
        return sorted(set(CJK.findall(text)))
    text = NOT_WORDS.sub(" ", text)
    words = [w for w in LATIN_WORD.findall(text) if w not in LATIN_ALLOWED and len(w) > 1]
    return sorted(set(words))


@pytest.fixture
def site(regions):
    """The objects the pages show, bilingual where the platform asks for both languages."""
    national = acting_without_session(
        organiser(OrganiserRole.Level.NATIONAL, email="national@example.org")
    )
    national.display_name = "国家组织者"
    national.save(update_fields=["display_name"])
    edition = edition_2019.load(national)
    organiser(OrganiserRole.Level.COUNTY, "120101", email="heping@example.org")
    consent_notices.load(national)
    activity = ActivityFactory(edition=edition, status=Activity.Status.APPROVED)
    participant = UserFactory(email="pupil@example.org")
    contest = contest_with_paper(edition=edition, review_opens=Contest.ReviewOpens.IMMEDIATELY)
    entry_for(contest, participant)
    done, _new = quiz.start_attempt(actor=participant, contest_id=contest.pk)
    for position, keys in right_answers(done).items():
        quiz.save_answer(actor=participant, attempt_id=done.pk, position=position, chosen=keys)
    quiz.submit_attempt(actor=participant, attempt_id=done.pk)
    attempt, _new = quiz.start_attempt(actor=participant, contest_id=contest.pk)
    offering = OfferingFactory(capacity=5)
    ticket = tickets.register(actor=participant, offering_id=offering.pk)
    # Names and texts organisers wrote, which lists, forms and the privacy centre show as
    # written (an English version is optional).
    USER_TEXT.update(
        [contest.title, offering.title, offering.venue, activity.title, edition.theme]
        + [e.title for e in edition.events.all()]
        + [e.description for e in edition.events.filter(description_en="")]
        + [f"{r.venue} {r.name}" for r in edition.rooms.all()]
        + [r.venue for r in edition.rooms.all()]
        + [r.name for r in edition.rooms.all()]
        + [s.name for s in edition.speakers.all()]
    )
    return {
        "event": edition.events.order_by("starts_at").first().slug,
        "activity": activity.pk,
        "contest": contest.slug,
        "contest_id": contest.pk,
        "certificate": done.certificate.code,
        "attempt": attempt.pk,
        "submitted": done.pk,
        "ticket": ticket.pk,
        "offering": offering.pk,
        "edition": edition.pk,
    }


def sign_in(page, email):
    page.goto("/en/accounts/login/")
    page.get_by_label("Email address or mobile number").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def check_page(page, path: str) -> list[str]:
    """Load one page and name what is wrong with it, at every width (resizing the window
    re-lays the page out without loading it again)."""
    page.set_viewport_size({"width": WIDTHS[-1], "height": 800})
    response = page.goto(path)
    if response is None or response.status != 200:
        return [f"{path}: answered {response and response.status}"]
    problems = []
    english = path.startswith("/en/")
    foreign = other_language(page.evaluate(TEXT_OF_PAGE, "en" if english else "zh"), english)
    if foreign:
        problems.append(f"{path}: text of the other language: {foreign}")
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})
        # Pages that size things from script (the map) do it on the resize event: let it run.
        wide = page.evaluate(AFTER_RESIZE)
        if wide > width:
            problems.append(f"{path} @{width}: {wide} px wide, scrolls sideways")
        # axe-core takes most of the time: it checks each language at one width, Chinese
        # with the full navigation bar, English on the phone (collapsed menu, scrolling
        # tables); the templates are the same, so each kind of problem is met once.
        if width == (WIDTHS[0] if english else WIDTHS[-1]):
            problems += [f"{path} @{width}: {v}" for v in accessibility_violations(page)]
    return problems


@pytest.mark.parametrize("role", list(PAGES))
def test_pages_fit_and_speak_one_language(role, page, site):
    emails = {
        "participant": "pupil@example.org",
        "organiser": "national@example.org",
        "local organiser": "heping@example.org",
    }
    enable_axe(page.context)
    if role in emails:
        sign_in(page, emails[role])
    problems = []
    for pattern in PAGES[role]:
        path = pattern.format(**site)
        for prefix in ("", "/en"):
            problems += check_page(page, prefix + path)
    assert not problems, "\n".join(problems)
