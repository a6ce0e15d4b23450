"""A captain registers a team in Chromium, solves a challenge, sees the board move, and
sees it stop at the freeze."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cyberweek.accounts.models import OrganiserRole
from cyberweek.core.permissions import acting_without_session
from cyberweek.ctf import services
from cyberweek.ctf.models import Solve
from tests.accounts.factories import PASSWORD, UserFactory, organiser
from tests.ctf.factories import ChallengeFactory, division, team

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, email):
    page.goto("/en/accounts/login/")
    page.get_by_label("Email address or mobile number").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_a_team_registers_solves_moves_up_and_the_board_stops_at_the_freeze(page, regions):
    first = ChallengeFactory(title_en="Leaked backup", flag="flag{backup}")
    competition = first.competition
    second = ChallengeFactory(competition=competition, title_en="Weak password", flag="flag{pw}")
    division(competition)
    rival = team(competition, name="Rivals")
    services.submit_flag(actor=rival.captain, challenge_id=first.pk, text=first.flag)
    user = UserFactory(email="captain@example.org")
    sign_in(page, user.email)

    page.goto(f"/en/ctf/{competition.slug}/")
    page.get_by_role("link", name="Register a team").click()
    page.get_by_label("Team name").fill("Green Hats")
    page.get_by_label("Province").select_option(label="Tianjin")
    page.get_by_role("button", name="Register").click()
    expect(page.locator("#my-team")).to_have_text("Green Hats")

    page.get_by_label("Flag").first.fill("flag{guess}")
    page.get_by_role("button", name="Submit").first.click()
    expect(page.locator(f"#result-{first.pk}")).to_contain_text("Wrong flag.")
    page.get_by_label("Flag").first.fill("flag{backup}")
    page.get_by_role("button", name="Submit").first.click()
    expect(page.locator(f"#result-{first.pk}")).to_contain_text("Correct!")

    page.goto(f"/en/ctf/{competition.slug}/board/")
    expect(page.locator("#board-table tbody tr").first).to_contain_text("Rivals")
    expect(page.locator("#my-rank")).to_contain_text("Green Hats is ranked 2.")

    # The board moves when the team solves the next one…
    page.goto(f"/en/ctf/{competition.slug}/")
    page.get_by_label("Flag").last.fill("flag{pw}")
    page.get_by_role("button", name="Submit").last.click()
    expect(page.locator(f"#result-{second.pk}")).to_contain_text("Correct!")
    page.goto(f"/en/ctf/{competition.slug}/board/")
    expect(page.locator("#board-table tbody tr").first).to_contain_text("Green Hats")
    expect(page.locator("#my-rank")).to_contain_text("ranked 1.")

    # …and stops at the freeze: the rivals' later solve does not show.
    Solve.objects.update(solved_at=timezone.now() - timedelta(minutes=10))
    organiser_ = acting_without_session(organiser(OrganiserRole.Level.NATIONAL))
    services.save_competition(
        actor=organiser_,
        competition_id=competition.pk,
        data={"freeze_at": timezone.now() - timedelta(minutes=5)},
    )
    services.submit_flag(actor=rival.captain, challenge_id=second.pk, text=second.flag)
    page.reload()
    expect(page.locator("#frozen-note")).to_be_visible()
    rows = page.locator("#board-table tbody tr")
    expect(rows.first).to_contain_text("Green Hats")
    expect(rows.nth(1)).to_contain_text("Rivals")
    expect(rows.nth(1)).to_contain_text("525")
