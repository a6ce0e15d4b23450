"""When the right answers of an attempt may be seen (the contest's review option), for every
caller of review data, and papers that avoid the questions a person has already seen."""

import json
from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone, translation

from cyberweek.accounts.models import OrganiserRole
from cyberweek.core.errors import InvalidTransition, ValidationFailed
from cyberweek.quiz import queries, services
from cyberweek.quiz.models import Attempt, Contest, PaperRule, Topic
from tests.accounts.factories import UserFactory, organiser
from tests.quiz.factories import ContestFactory, contest_with_paper, entry_for, make_question
from tests.quiz.test_services import right_answers

pytestmark = pytest.mark.django_db
Opens = Contest.ReviewOpens


def submitted(contest, user=None, *, right=True):
    """One attempt of the person (a new one unless `user` is given), answered and submitted."""
    user = user or entry_for(contest).user
    attempt, _new = services.start_attempt(actor=user, contest_id=contest.pk)
    if right:
        for position, keys in right_answers(attempt).items():
            services.save_answer(actor=user, attempt_id=attempt.pk, position=position, chosen=keys)
    return services.submit_attempt(actor=user, attempt_id=attempt.pk)


# --- The one rule ---------------------------------------------------------------------------
def test_a_new_contest_shows_the_right_answers_only_after_it_closes():
    contest = contest_with_paper()
    assert contest.review_opens == Opens.AFTER_CLOSE
    attempt = submitted(contest)
    state = queries.review_state(attempt)
    assert not state.answers_shown
    assert state.score_shown
    assert state.opens_at == contest.closes_at
    assert "when the contest closes" in state.message
    with pytest.raises(InvalidTransition, match="when the contest closes"):
        queries.paper(attempt, reveal=True)
    after = contest.closes_at + timedelta(seconds=1)
    assert queries.review_state(attempt, now=after).answers_shown
    assert all(q.correct for q in queries.paper(attempt, reveal=True, now=after))


def test_immediately_shows_the_right_answers_on_submission():
    attempt = submitted(contest_with_paper(review_opens=Opens.IMMEDIATELY))
    assert queries.review_state(attempt).answers_shown
    assert all(q.correct and q.explanation for q in queries.paper(attempt, reveal=True))


def test_after_the_last_attempt_waits_until_every_attempt_is_used():
    contest = contest_with_paper(review_opens=Opens.AFTER_LAST_ATTEMPT, attempts_allowed=2)
    first = submitted(contest)
    state = queries.review_state(first)
    assert not state.answers_shown
    assert "used all your attempts" in state.message
    with pytest.raises(InvalidTransition):
        queries.paper(first, reveal=True)
    # Another person's attempts do not open this person's review.
    submitted(contest)
    assert not queries.review_state(first).answers_shown
    second = submitted(contest, first.user)
    assert queries.review_state(first).answers_shown
    assert queries.review_state(second).answers_shown


def test_an_open_attempt_has_no_review_at_all():
    contest = contest_with_paper(review_opens=Opens.IMMEDIATELY)
    user = entry_for(contest).user
    attempt, _new = services.start_attempt(actor=user, contest_id=contest.pk)
    state = queries.review_state(attempt)
    assert (state.answers_shown, state.score_shown) == (False, False)
    with pytest.raises(InvalidTransition, match="after submission"):
        queries.paper(attempt, reveal=True)


def test_a_contest_may_hide_the_score_until_the_review_opens():
    contest = contest_with_paper(score_shown_at_once=False)
    attempt = submitted(contest)
    assert not queries.review_state(attempt).score_shown
    assert queries.review_state(attempt, now=contest.closes_at).score_shown


def test_the_service_refuses_an_unknown_review_option():
    contest = contest_with_paper()
    with pytest.raises(ValidationFailed) as refused:
        services.save_contest(
            actor=organiser(OrganiserRole.Level.NATIONAL),
            data={"review_opens": "whenever"},
            contest_id=contest.pk,
        )
    assert refused.value.field == "review_opens"


# --- Every caller -----------------------------------------------------------------------------
@pytest.fixture
def signed_in(client):
    user = UserFactory()
    client.force_login(user)
    return client, user


def test_the_review_page_shows_the_score_and_when_the_review_opens(signed_in):
    client, user = signed_in
    contest = contest_with_paper()
    attempt = submitted(contest, entry_for(contest, user).user)
    page = client.get(reverse("quiz:review", args=[attempt.pk])).content.decode()
    assert "Your score: 50 of 50" in page
    assert "The right answers are shown when the contest closes" in page
    item = attempt.items.select_related("version").first()
    assert "Explanation" not in page
    assert item.version.explanation not in page
    assert "✔" not in page


def test_the_review_page_after_close_shows_the_right_answers(signed_in):
    client, user = signed_in
    contest = contest_with_paper()
    attempt = submitted(contest, entry_for(contest, user).user)
    Contest.objects.filter(pk=contest.pk).update(
        opens_at=timezone.now() - timedelta(days=3), closes_at=timezone.now()
    )
    page = client.get(reverse("quiz:review", args=[attempt.pk])).content.decode()
    assert "Explanation" in page
    assert "✔" in page


def test_a_hidden_score_stays_off_every_page_until_the_review_opens(signed_in):
    client, user = signed_in
    contest = contest_with_paper(score_shown_at_once=False)
    attempt = submitted(contest, entry_for(contest, user).user)
    review = client.get(reverse("quiz:review", args=[attempt.pk])).content.decode()
    assert "50 of 50" not in review
    assert "Your score is shown when the review opens" in review
    assert "certificate" not in review.lower()
    detail = client.get(reverse("quiz:contest", args=[contest.slug])).content.decode()
    assert "50/50" not in detail
    assert client.get(reverse("quiz:certificate", args=[attempt.pk])).status_code == 404
    board_url = reverse("quiz:leaderboard", args=[contest.slug])
    assert board_url not in review
    assert board_url not in detail
    assert client.get(board_url).status_code == 404
    board = client.get(f"/api/quiz/contests/{contest.slug}/leaderboard")
    assert board.status_code == 404


def test_the_contest_page_shows_the_score_when_the_contest_does(signed_in):
    client, user = signed_in
    contest = contest_with_paper()
    submitted(contest, entry_for(contest, user).user)
    detail = client.get(reverse("quiz:contest", args=[contest.slug])).content.decode()
    assert "50/50" in detail


def test_the_api_review_is_refused_until_it_opens_and_says_when(signed_in):
    client, user = signed_in
    contest = contest_with_paper()
    entry_for(contest, user)
    started = client.post(f"/api/quiz/contests/{contest.slug}/attempts")
    attempt_id = started.json()["id"]
    result = client.post(f"/api/quiz/attempts/{attempt_id}/submit").json()
    assert result["review_available"] is False
    assert result["review_opens_at"] is not None
    assert result["score"] == 0
    refused = client.get(f"/api/quiz/attempts/{attempt_id}/review")
    assert refused.status_code == 409
    body = refused.json()
    with translation.override("zh-hans"):  # the API speaks the default language
        expected = queries.review_state(Attempt.objects.get(pk=attempt_id)).message
    assert body["detail"] == expected
    assert "竞赛结束时" in expected
    assert "correct" not in json.dumps(body)


def test_the_api_result_hides_a_hidden_score(signed_in):
    client, user = signed_in
    contest = contest_with_paper(score_shown_at_once=False)
    entry_for(contest, user)
    attempt_id = client.post(f"/api/quiz/contests/{contest.slug}/attempts").json()["id"]
    result = client.post(f"/api/quiz/attempts/{attempt_id}/submit").json()
    assert (result["score"], result["passed"], result["certificate"]) == (None, None, None)


def test_the_api_review_opens_with_the_contest_option(signed_in):
    client, user = signed_in
    contest = contest_with_paper(review_opens=Opens.AFTER_LAST_ATTEMPT, attempts_allowed=1)
    entry_for(contest, user)
    attempt_id = client.post(f"/api/quiz/contests/{contest.slug}/attempts").json()["id"]
    client.post(f"/api/quiz/attempts/{attempt_id}/submit")
    review = client.get(f"/api/quiz/attempts/{attempt_id}/review")
    assert review.status_code == 200
    assert all(q["correct"] for q in review.json()["questions"])


def test_the_certificate_is_there_when_the_score_is_shown(signed_in):
    client, user = signed_in
    contest = contest_with_paper()
    attempt = submitted(contest, entry_for(contest, user).user)
    assert client.get(reverse("quiz:certificate", args=[attempt.pk])).status_code == 200


# --- The organiser chooses; existing contests -------------------------------------------------
def test_the_data_download_withholds_what_the_review_does_not_show_yet():
    from cyberweek.quiz.personal_data import SOURCES

    contest = contest_with_paper(score_shown_at_once=False)
    attempt = submitted(contest)
    [source] = [s for s in SOURCES if s.key == "quiz.entries"]
    records = source.export(attempt.user)
    answers = [r for r in records if r["what"] == "Answer"]
    attempts = [r for r in records if r["what"] == "Contest attempt"]
    assert answers
    assert all(r["correct"] == "shown when the review opens" for r in answers)
    assert all(r["score"] == "shown when the review opens" for r in attempts)
    Contest.objects.filter(pk=contest.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    records = source.export(attempt.user)
    assert all(r["correct"] is True for r in records if r["what"] == "Answer")


def test_the_contest_form_saves_the_review_option(client):
    edition = ContestFactory().edition
    client.force_login(organiser(OrganiserRole.Level.NATIONAL))
    form = client.get(reverse("organiser:quiz_contest_new")).content.decode()
    assert 'name="review_opens"' in form
    assert 'value="after_close" selected' in form
    response = client.post(
        reverse("organiser:quiz_contest_new"),
        {
            "edition": edition.pk,
            "title": "知识竞赛",
            "slug": "review-choice",
            "opens_at": "2019-09-16T09:00",
            "closes_at": "2019-09-22T18:00",
            "time_limit_minutes": "15",
            "attempts_allowed": "3",
            "pass_mark": "60",
            "review_opens": "after_last_attempt",
            "youth_min_age": "6",
            "youth_max_age": "18",
        },
    )
    assert response.status_code == 302
    saved = Contest.objects.get(slug="review-choice")
    assert (saved.review_opens, saved.score_shown_at_once) == ("after_last_attempt", False)


@pytest.mark.django_db(transaction=True)
def test_the_migration_gives_existing_contests_the_review_after_close():
    executor = MigrationExecutor(connection)
    before = [("quiz", "0002_answer_attempt_uses_the_unique_index")]
    after = [("quiz", "0003_contest_review_options")]
    executor.migrate(before)
    old_apps = executor.loader.project_state(before).apps
    edition = ContestFactory.build().edition
    edition.save()
    now = timezone.now()
    old_apps.get_model("quiz", "Contest").objects.create(
        edition_id=edition.pk,
        slug="before-options",
        title="旧竞赛",
        opens_at=now,
        closes_at=now + timedelta(days=1),
        created_at=now,
        updated_at=now,
    )
    executor = MigrationExecutor(connection)
    executor.migrate(after)
    new_apps = executor.loader.project_state(after).apps
    contest = new_apps.get_model("quiz", "Contest").objects.get(slug="before-options")
    assert (contest.review_opens, contest.score_shown_at_once) == ("after_close", True)
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


# --- Papers avoid what the person has seen ----------------------------------------------------
def bank_contest(bank: dict[tuple[str, int | None], int], rules, attempts_allowed=5):
    """A contest over an explicit bank: {(topic, difficulty): how many questions}; rules as
    (topic, difficulty or None, count)."""
    contest = ContestFactory(attempts_allowed=attempts_allowed)
    for (topic, difficulty), n in bank.items():
        for _ in range(n):
            make_question(topic=topic, difficulty=difficulty)
    for topic, difficulty, count in rules:
        PaperRule.objects.create(contest=contest, topic=topic, difficulty=difficulty, count=count)
    return contest


def questions_of(attempt) -> set[int]:
    return set(attempt.items.values_list("question_id", flat=True))


PI, FRAUD = Topic.PERSONAL_INFORMATION, Topic.TELECOM_FRAUD


@pytest.mark.parametrize(
    ("bank", "rules"),
    [
        ({(PI, 1): 20}, [(PI, None, 10)]),
        ({(PI, 1): 8, (PI, 2): 8, (FRAUD, 3): 6}, [(PI, 1, 4), (PI, None, 4), (FRAUD, 3, 3)]),
        ({(PI, 1): 30}, [(PI, 1, 10)]),
    ],
)
def test_with_a_large_enough_bank_two_attempts_share_no_question(bank, rules):
    contest = bank_contest(bank, rules)
    user = entry_for(contest).user
    first = submitted(contest, user, right=False)
    second = submitted(contest, user, right=False)
    assert questions_of(first).isdisjoint(questions_of(second))


@pytest.mark.parametrize(("bank_size", "paper"), [(15, 10), (12, 10), (10, 10), (19, 10)])
def test_with_a_small_bank_the_overlap_is_the_least_possible(bank_size, paper):
    contest = bank_contest({(PI, 1): bank_size}, [(PI, None, paper)])
    user = entry_for(contest).user
    first = submitted(contest, user, right=False)
    second = submitted(contest, user, right=False)
    assert len(questions_of(first) & questions_of(second)) == max(0, 2 * paper - bank_size)


def test_a_rule_with_a_difficulty_keeps_the_overlap_least_too():
    # Easy: 6 for a rule of 4 (2 unseen left for the second attempt); any difficulty: the
    # other 4 from 6 medium questions and whatever easy ones remain.
    contest = bank_contest({(PI, 1): 6, (PI, 2): 6}, [(PI, 1, 4), (PI, None, 4)])
    user = entry_for(contest).user
    first = submitted(contest, user, right=False)
    second = submitted(contest, user, right=False)
    assert len(questions_of(first) & questions_of(second)) == 4  # 8 drawn twice from 12


def test_once_every_question_is_seen_the_least_recently_seen_come_first():
    contest = bank_contest({(PI, 1): 15}, [(PI, None, 10)])
    user = entry_for(contest).user
    first = submitted(contest, user, right=False)
    second = submitted(contest, user, right=False)
    third = submitted(contest, user, right=False)
    only_in_first = questions_of(first) - questions_of(second)
    assert len(only_in_first) == 5
    assert only_in_first <= questions_of(third)


def test_another_persons_papers_do_not_count_as_seen():
    contest = bank_contest({(PI, 1): 10}, [(PI, None, 10)])
    someone = submitted(contest, right=False)
    mine = submitted(contest, right=False)
    assert questions_of(someone) == questions_of(mine)
