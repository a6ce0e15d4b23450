"""Leaderboards give the same answers from Redis and from SQL, and survive losing Redis."""

import uuid
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cyberweek.quiz import leaderboards, services
from tests.quiz.factories import contest_with_paper, entry_for
from tests.quiz.test_services import right_answers

pytestmark = pytest.mark.django_db
REDIS_URL = "redis://127.0.0.1:6379/0"


def redis_available() -> bool:
    import redis

    try:
        return redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.exceptions.RedisError:
        return False


@pytest.fixture
def use_redis(settings):
    # The Redis path is tested against a real server; .ci/run starts one if it stopped.
    if not redis_available():
        pytest.fail("Redis is not running at 127.0.0.1:6379 (start it: see .ci/run)")
    settings.REDIS_URL = REDIS_URL
    prefix = f"test-{uuid.uuid4().hex}"
    settings.QUIZ_LEADERBOARD_PREFIX = prefix
    yield leaderboards.redis_client()
    client = leaderboards.redis_client()
    keys = list(client.scan_iter(match=f"{prefix}:*"))
    if keys:
        client.delete(*keys)


@pytest.fixture
def use_sql(settings):
    settings.REDIS_URL = ""


def finish(contest, right, seconds, region=None, **fields):
    entry = entry_for(contest, region=region, **fields)
    attempt, _new = services.start_attempt(actor=entry.user, contest_id=contest.pk)
    answers = right_answers(attempt)
    for position in list(answers)[:right]:
        services.save_answer(
            actor=entry.user, attempt_id=attempt.pk, position=position, chosen=answers[position]
        )
    services.submit_attempt(
        actor=entry.user, attempt_id=attempt.pk, now=attempt.started_at + timedelta(seconds=seconds)
    )
    entry.refresh_from_db()
    return entry


def play(region, capture):
    contest = contest_with_paper()
    with capture(execute=True):
        entries = [
            finish(contest, 3, 200, region("120101"), sector="school", school="一中"),
            finish(contest, 5, 300, region("110101"), sector="school", school="二中"),
            finish(contest, 5, 100, region("120102"), sector="family", show_name=True),
            finish(contest, 1, 50, region("120101"), track="youth", birth_year=2008),
        ]
    return contest, entries


@pytest.mark.parametrize("backend", ["use_sql", "use_redis"])
def test_both_backends_rank_by_points_then_time(
    backend, request, region, django_capture_on_commit_callbacks
):
    request.getfixturevalue(backend)
    contest, (a, b, c, d) = play(region, django_capture_on_commit_callbacks)
    top = leaderboards.top(contest, "all", limit=10)
    assert [r.entry_id for r in top] == [c.pk, b.pk, a.pk, d.pk]
    assert [r.score for r in top] == [50, 50, 30, 10]
    assert top[0].name == "李小明"
    assert top[1].name == "李**"
    assert [r.entry_id for r in leaderboards.top(contest, "region:120000")] == [c.pk, a.pk, d.pk]
    assert [r.entry_id for r in leaderboards.top(contest, "region:120101")] == [a.pk, d.pk]
    assert [r.entry_id for r in leaderboards.top(contest, "sector:school")] == [b.pk, a.pk]
    assert [r.entry_id for r in leaderboards.top(contest, "youth")] == [d.pk]
    assert [r.entry_id for r in leaderboards.top(contest, f"school:{a.school_index}")] == [a.pk]
    assert leaderboards.rank_of(a) == 3
    assert leaderboards.rank_of(a, "region:120000") == 2
    assert leaderboards.scope_size(contest, "all") == 4
    assert len(leaderboards.top(contest, "all", limit=2)) == 2


def test_a_better_second_attempt_replaces_the_first_on_redis(
    use_redis, region, django_capture_on_commit_callbacks
):
    contest = contest_with_paper()
    with django_capture_on_commit_callbacks(execute=True):
        entry = finish(contest, 1, 100)
        attempt, _new = services.start_attempt(actor=entry.user, contest_id=contest.pk)
        for position, keys in right_answers(attempt).items():
            services.save_answer(
                actor=entry.user, attempt_id=attempt.pk, position=position, chosen=keys
            )
        services.submit_attempt(actor=entry.user, attempt_id=attempt.pk)
    assert leaderboards.top(contest)[0].score == 50


def test_losing_redis_rebuilds_the_boards_from_the_database(
    use_redis, region, django_capture_on_commit_callbacks
):
    contest, _entries = play(region, django_capture_on_commit_callbacks)
    before = leaderboards.top(contest, "all")
    keys = list(use_redis.scan_iter(match=f"{leaderboards._prefix()}:*"))
    use_redis.delete(*keys)
    assert leaderboards.top(contest, "all") == before
    assert use_redis.exists(leaderboards._marker(contest.pk))


def test_the_rebuild_command(use_redis, region, django_capture_on_commit_callbacks):
    contest, _entries = play(region, django_capture_on_commit_callbacks)
    out = StringIO()
    call_command("quiz", "rebuild-leaderboards", "--contest", contest.slug, stdout=out)
    assert f"{contest.slug}: 4 entries" in out.getvalue()
    with pytest.raises(CommandError, match="No contest with the short name: nope"):
        call_command("quiz", "rebuild-leaderboards", "--contest", "nope")


def test_the_rebuild_command_without_redis(use_sql):
    out = StringIO()
    call_command("quiz", "rebuild-leaderboards", stdout=out)
    assert "REDIS_URL is not set" in out.getvalue()


@pytest.mark.parametrize(
    ("name", "masked"),
    [("李小明", "李**"), ("欧阳娜娜", "欧***"), ("王", "王**"), ("pat.lee", "pa***"), ("", "***")],
)
def test_names_are_masked(name, masked):
    assert leaderboards.mask_name(name) == masked


def test_the_score_encoding_orders_points_then_time():
    assert leaderboards.encode(50, 100) > leaderboards.encode(50, 200) > leaderboards.encode(40, 1)
    assert leaderboards.decode(leaderboards.encode(123, 45678)) == (123, 45678)


def test_without_redis_the_boards_read_the_database_and_submissions_still_count(
    settings, region, django_capture_on_commit_callbacks
):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    contest = contest_with_paper()
    with django_capture_on_commit_callbacks(execute=True):
        entry = finish(contest, 2, 60)
    assert [r.entry_id for r in leaderboards.top(contest)] == [entry.pk]
    assert leaderboards.rank_of(entry) == 1
