import pytest

from cyberweek.accounts.models import OrganiserRole
from cyberweek.quiz import demo, services
from cyberweek.quiz.models import Question, Topic
from tests.accounts.factories import UserFactory, organiser
from tests.programme.factories import EditionFactory

pytestmark = pytest.mark.django_db


def test_the_demo_bank_and_contest_load_twice_and_can_be_taken():
    EditionFactory()
    national = organiser(OrganiserRole.Level.NATIONAL)
    contest = demo.load(national)
    assert demo.load(national).pk == contest.pk
    assert Question.objects.count() >= 60
    assert set(Question.objects.values_list("topic", flat=True)) == set(Topic.values)
    assert all(q.current.text_en for q in Question.objects.select_related("current"))
    user = UserFactory()
    services.enter_contest(actor=user, contest_id=contest.pk, display_name="访客")
    attempt, _new = services.start_attempt(actor=user, contest_id=contest.pk)
    assert attempt.items.count() == 20
    assert attempt.max_score == 100
