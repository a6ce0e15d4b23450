import pytest

from cyberweek.accounts.models import OrganiserRole
from cyberweek.core.permissions import acting_without_session
from cyberweek.ctf import demo, queries, services
from cyberweek.ctf.models import Team
from tests.accounts.factories import organiser
from tests.programme.factories import EditionFactory

from .factories import team

pytestmark = pytest.mark.django_db


def test_the_demo_competition_loads_twice_is_open_and_has_a_moving_board():
    EditionFactory()
    national = acting_without_session(organiser(OrganiserRole.Level.NATIONAL))
    competition = demo.load(national)
    assert demo.load(national).pk == competition.pk
    assert competition.divisions.count() == 4
    assert Team.objects.filter(competition=competition).count() == len(demo.TEAMS)
    page = queries.board_page(competition, None, team=None)
    scores = [row.score for row in page.rows]
    assert scores == sorted(scores, reverse=True)
    assert scores[0] > scores[-1] > 0
    newcomer = team(competition)
    sign_in = competition.challenges.get(title_en="Sign-in")
    outcome = services.submit_flag(
        actor=newcomer.captain, challenge_id=sign_in.pk, text="flag{welcome_to_cyberweek}"
    )
    assert outcome.correct
