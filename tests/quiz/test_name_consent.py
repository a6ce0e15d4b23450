"""The consent to show one's name on leaderboards, given or withdrawn in the privacy centre,
decides what both leaderboards (Redis and SQL) show."""

import os
import uuid

import pytest
from django.urls import reverse

from cyberweek.accounts.models import OrganiserRole
from cyberweek.privacy import services as privacy
from cyberweek.privacy.models import Purpose
from cyberweek.quiz import leaderboards
from tests.accounts.factories import UserFactory, organiser
from tests.quiz.factories import contest_with_paper
from tests.quiz.test_leaderboards import finish

pytestmark = pytest.mark.django_db
PURPOSE = Purpose.LEADERBOARD_DISPLAY


@pytest.fixture(params=["sql", "redis"])
def backend(request, settings):
    if request.param == "sql":
        settings.REDIS_URL = ""
        yield
        return
    settings.REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/5"
    prefix = f"test-{uuid.uuid4().hex}"
    settings.QUIZ_LEADERBOARD_PREFIX = prefix
    client = leaderboards.redis_client()
    try:
        client.ping()
    except Exception:
        pytest.fail("Redis is not running at REDIS_URL")
    yield
    keys = list(client.scan_iter(match=f"{prefix}:*"))
    if keys:
        client.delete(*keys)


def board(client, contest) -> str:
    return client.get(reverse("quiz:leaderboard", args=[contest.slug])).content.decode()


def test_consent_in_the_privacy_centre_shows_the_name_and_withdrawing_masks_it(
    backend, client, django_capture_on_commit_callbacks
):
    privacy.publish_notice(
        actor=organiser(OrganiserRole.Level.NATIONAL), purpose=PURPOSE, text="在排行榜显示姓名"
    )
    contest = contest_with_paper()
    with django_capture_on_commit_callbacks(execute=True):
        entry = finish(contest, 5, 100, display_name="王小红")
    assert "王小红" not in board(client, contest)

    client.force_login(entry.user)
    response = client.post(reverse("privacy:consent", args=[PURPOSE, "give"]))
    assert response.status_code == 302
    client.force_login(UserFactory())  # what anyone else sees
    assert "王小红" in board(client, contest)
    assert leaderboards.top(contest)[0].name == "王小红"

    client.force_login(entry.user)
    client.post(reverse("privacy:consent", args=[PURPOSE, "withdraw"]))
    client.force_login(UserFactory())
    page = board(client, contest)
    assert "王小红" not in page
    assert "王**" in page
