from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cyberweek.accounts.models import OrganiserRole
from cyberweek.core.errors import (
    InvalidTransition,
    LimitReached,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from cyberweek.core.models import AuditEvent
from cyberweek.quiz import answer_store, leaderboards, queries, services
from cyberweek.quiz.models import (
    Answer,
    Attempt,
    Certificate,
    Contest,
    Entry,
    PaperItem,
    Question,
    Topic,
)
from cyberweek.quiz.question_files import QuestionData
from tests.accounts.factories import UserFactory, organiser
from tests.quiz.factories import ContestFactory, contest_with_paper, entry_for, make_question

pytestmark = pytest.mark.django_db
L = OrganiserRole.Level


def right_answers(attempt):
    return {
        item.position: list(item.version.correct)
        for item in attempt.items.select_related("version")
    }


def wrong_answer(attempt, position):
    item = attempt.items.select_related("version").get(position=position)
    return [next(k for k in item.option_order if k not in item.version.correct)]


def started(contest=None, user=None, **entry_fields):
    contest = contest or contest_with_paper()
    entry = entry_for(contest, user, **entry_fields)
    attempt, _new = services.start_attempt(actor=entry.user, contest_id=contest.pk)
    return attempt


# --- Starting and resuming -----------------------------------------------------------------
def test_each_attempt_draws_its_own_paper_from_the_rules():
    contest = contest_with_paper(questions=5)
    first, second = started(contest), started(contest)
    assert first.items.count() == second.items.count() == 5
    assert first.max_score == 50
    assert all(item.question.topic == Topic.PERSONAL_INFORMATION for item in first.items.all())
    papers = {tuple(a.items.values_list("question_id", flat=True)) for a in (first, second)}
    orders = {tuple(i.option_order) for i in PaperItem.objects.all()}
    # 10 questions of which 5 are drawn, options shuffled: two identical papers are unlikely.
    assert len(papers) == 2 or len(orders) > 1


def test_starting_again_resumes_the_open_attempt():
    attempt = started()
    again, new = services.start_attempt(actor=attempt.user, contest_id=attempt.contest_id)
    assert (again.pk, new) == (attempt.pk, False)
    assert Attempt.objects.count() == 1


def test_the_deadline_is_the_time_limit_but_never_after_the_contest_closes():
    contest = contest_with_paper(closes_at=timezone.now() + timedelta(minutes=5))
    attempt = started(contest)
    assert attempt.deadline_at == contest.closes_at
    contest = contest_with_paper()
    attempt = started(contest)
    assert attempt.deadline_at - attempt.started_at == timedelta(minutes=20)


def test_a_contest_that_is_not_open_cannot_be_started():
    contest = contest_with_paper(opens_at=timezone.now() + timedelta(days=1))
    entry = entry_for(contest)
    with pytest.raises(InvalidTransition, match="not opened yet"):
        services.start_attempt(actor=entry.user, contest_id=contest.pk)
    hidden = contest_with_paper(is_published=False)
    with pytest.raises(NotFound):
        services.start_attempt(actor=entry.user, contest_id=hidden.pk)


def test_starting_needs_an_entry_first():
    contest = contest_with_paper()
    with pytest.raises(InvalidTransition, match="Enter the contest first"):
        services.start_attempt(actor=UserFactory(), contest_id=contest.pk)


def test_attempts_are_limited_per_person():
    contest = contest_with_paper(attempts_allowed=1)
    attempt = started(contest)
    services.submit_attempt(actor=attempt.user, attempt_id=attempt.pk)
    with pytest.raises(LimitReached, match="used all 1 attempts"):
        services.start_attempt(actor=attempt.user, contest_id=contest.pk)


def test_an_expired_open_attempt_is_scored_when_the_person_starts_again():
    attempt = started()
    later = attempt.deadline_at + timedelta(minutes=1)
    second, new = services.start_attempt(
        actor=attempt.user, contest_id=attempt.contest_id, now=later
    )
    attempt.refresh_from_db()
    assert new
    assert second.number == 2
    assert attempt.status == Attempt.Status.SUBMITTED
    assert attempt.auto_submitted


# --- Entering ------------------------------------------------------------------------------
def test_entering_keeps_the_name_choice_with_its_time(region):
    contest = contest_with_paper()
    user = UserFactory()
    entry = services.enter_contest(
        actor=user,
        contest_id=contest.pk,
        display_name="  王 小红 ",
        show_name=True,
        region=region("120101"),
        sector="school",
        school="天津市第一中学",
    )
    assert entry.display_name == "王 小红"
    assert entry.show_name
    assert entry.show_name_chosen_at is not None
    assert entry.school_index
    again = services.enter_contest(actor=user, contest_id=contest.pk, display_name="王小红")
    assert again.pk == entry.pk
    assert not again.show_name


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"display_name": ""}, "display_name", "Enter the name"),
        ({"display_name": "x" * 31}, "display_name", "at most 30"),
        ({"display_name": "a\x07b"}, "display_name", "control characters"),
        ({"sector": "moon"}, "sector", "Unknown sector"),
        ({"track": "youth"}, "birth_year", "year of birth"),
        ({"track": "youth", "birth_year": 1980}, "birth_year", "ages 6 to 18"),
        ({"track": "elders"}, "track", "Unknown track"),
    ],
)
def test_bad_entry_details_are_refused_by_field(fields, field, message):
    contest = contest_with_paper()
    data = {"display_name": "李雷", **fields}
    with pytest.raises(ValidationFailed, match=message) as error:
        services.enter_contest(actor=UserFactory(), contest_id=contest.pk, **data)
    assert error.value.field == field
    assert not Entry.objects.exists()


def test_the_youth_track_takes_the_age_band_and_keeps_only_the_year():
    contest = contest_with_paper()
    year = contest.opens_at.year - 12
    entry = services.enter_contest(
        actor=UserFactory(),
        contest_id=contest.pk,
        display_name="小明",
        track="youth",
        birth_year=year,
    )
    assert (entry.track, entry.birth_year) == ("youth", year)
    general = services.enter_contest(
        actor=UserFactory(), contest_id=contest.pk, display_name="老王", birth_year=1970
    )
    assert general.birth_year is None


# --- Answering -----------------------------------------------------------------------------
def test_an_answer_is_saved_and_the_last_save_wins():
    attempt = started()
    services.save_answer(actor=attempt.user, attempt_id=attempt.pk, position=1, chosen=["A"])
    services.save_answer(actor=attempt.user, attempt_id=attempt.pk, position=1, chosen=["B"])
    answer = Answer.objects.get()
    assert answer.chosen == ["B"]
    assert answer.version_id == attempt.items.get(position=1).version_id


@pytest.mark.parametrize(
    ("chosen", "message"),
    [
        ([], "at least one"),
        (["Z"], "not an option"),
        (["A", "B"], "exactly one"),
        ("A", "list of option letters"),
        ([1], "list of option letters"),
    ],
)
def test_malformed_answers_are_refused(chosen, message):
    attempt = started()
    with pytest.raises(ValidationFailed, match=message):
        services.save_answer(actor=attempt.user, attempt_id=attempt.pk, position=1, chosen=chosen)
    assert not Answer.objects.exists()


def test_an_answer_for_a_question_not_on_the_paper_is_refused():
    attempt = started()
    with pytest.raises(NotFound, match="not on your paper"):
        services.save_answer(actor=attempt.user, attempt_id=attempt.pk, position=99, chosen=["A"])


def test_another_persons_attempt_is_not_found():
    attempt = started()
    stranger = UserFactory()
    with pytest.raises(NotFound):
        services.save_answer(actor=stranger, attempt_id=attempt.pk, position=1, chosen=["A"])
    with pytest.raises(NotFound):
        services.submit_attempt(actor=stranger, attempt_id=attempt.pk)
    with pytest.raises(NotFound):
        services.current_attempt(actor=stranger, attempt_id=attempt.pk)


def test_answers_are_accepted_within_the_grace_and_refused_after_the_deadline():
    attempt = started()
    services.save_answer(
        actor=attempt.user,
        attempt_id=attempt.pk,
        position=1,
        chosen=["A"],
        now=attempt.deadline_at + timedelta(seconds=1),
    )
    with pytest.raises(InvalidTransition, match="time for this attempt is up"):
        services.save_answer(
            actor=attempt.user,
            attempt_id=attempt.pk,
            position=2,
            chosen=["A"],
            now=attempt.deadline_at + timedelta(seconds=3),
        )
    assert Answer.objects.count() == 1


def test_answers_after_submission_are_refused():
    attempt = started()
    services.submit_attempt(actor=attempt.user, attempt_id=attempt.pk)
    with pytest.raises(InvalidTransition, match="has been submitted"):
        services.save_answer(actor=attempt.user, attempt_id=attempt.pk, position=1, chosen=["A"])


def test_multiple_choice_needs_every_right_option():
    contest = ContestFactory()
    for _ in range(2):
        make_question(kind=Question.Kind.MULTIPLE, correct=("A", "C"))
    contest.paper_rules.create(topic=Topic.PERSONAL_INFORMATION, count=2, points=10)
    attempt = started(contest)
    services.save_answer(actor=attempt.user, attempt_id=attempt.pk, position=1, chosen=["C", "A"])
    services.save_answer(actor=attempt.user, attempt_id=attempt.pk, position=2, chosen=["A"])
    attempt = services.submit_attempt(actor=attempt.user, attempt_id=attempt.pk)
    assert attempt.score == 10


# --- Submitting and reviewing -----------------------------------------------------------
def test_submitting_scores_passes_and_issues_a_certificate():
    attempt = started()
    answers = right_answers(attempt)
    for position in (1, 2, 3, 4):
        services.save_answer(
            actor=attempt.user, attempt_id=attempt.pk, position=position, chosen=answers[position]
        )
    services.save_answer(
        actor=attempt.user, attempt_id=attempt.pk, position=5, chosen=wrong_answer(attempt, 5)
    )
    attempt = services.submit_attempt(actor=attempt.user, attempt_id=attempt.pk)
    assert (attempt.status, attempt.score, attempt.max_score) == ("submitted", 40, 50)
    assert attempt.passed
    certificate = Certificate.objects.get(attempt=attempt)
    assert certificate.holder_name == "李小明"
    assert len(certificate.code) >= 20
    entry = attempt.entry
    entry.refresh_from_db()
    assert entry.best_score == 40


def test_a_fail_issues_no_certificate():
    attempt = started()
    attempt = services.submit_attempt(actor=attempt.user, attempt_id=attempt.pk)
    assert (attempt.score, attempt.passed) == (0, False)
    assert not Certificate.objects.exists()


def test_submitting_twice_is_refused():
    attempt = started()
    services.submit_attempt(actor=attempt.user, attempt_id=attempt.pk)
    with pytest.raises(InvalidTransition, match="already been submitted"):
        services.submit_attempt(actor=attempt.user, attempt_id=attempt.pk)


def test_submitting_after_the_deadline_is_refused_and_scores_what_was_saved_in_time():
    attempt = started()
    answers = right_answers(attempt)
    services.save_answer(actor=attempt.user, attempt_id=attempt.pk, position=1, chosen=answers[1])
    with pytest.raises(InvalidTransition, match="time was up"):
        services.submit_attempt(
            actor=attempt.user,
            attempt_id=attempt.pk,
            now=attempt.deadline_at + timedelta(minutes=1),
        )
    attempt.refresh_from_db()
    assert attempt.status == "submitted"
    assert attempt.auto_submitted
    assert attempt.score == 10
    assert attempt.duration_ms == 20 * 60 * 1000


def test_the_paper_hides_the_right_answers_until_submission():
    attempt = started(contest_with_paper(review_opens=Contest.ReviewOpens.IMMEDIATELY))
    questions = queries.paper(attempt)
    assert all(q.correct is None and q.explanation == "" for q in questions)
    with pytest.raises(InvalidTransition):
        queries.paper(attempt, reveal=True)
    services.submit_attempt(actor=attempt.user, attempt_id=attempt.pk)
    attempt.refresh_from_db()
    review = queries.paper(attempt, reveal=True)
    assert all(q.correct and q.explanation.startswith("解析") for q in review)


def test_a_revised_question_does_not_change_an_attempt_already_drawn():
    attempt = started()
    item = attempt.items.select_related("question", "version").get(position=1)
    national = organiser(L.NATIONAL)
    data = QuestionData(
        row=0,
        code=item.question.code,
        kind=item.question.kind,
        topic=item.question.topic,
        difficulty=item.question.difficulty,
        text="修订后的题目：个人信息处理应遵循什么原则？",
        options=item.version.options,
        correct=["B"],
    )
    services.revise_question(actor=national, question_id=item.question_id, data=data)
    item.question.refresh_from_db()
    assert item.question.current.number == 2
    assert queries.paper(attempt)[0].text == item.version.text
    services.save_answer(actor=attempt.user, attempt_id=attempt.pk, position=1, chosen=["A"])
    attempt = services.submit_attempt(actor=attempt.user, attempt_id=attempt.pk)
    assert attempt.score == 10  # scored against version 1, whose answer was A


def test_answers_faster_than_a_person_reads_are_flagged():
    attempt = started()
    answers = right_answers(attempt)
    t = attempt.started_at
    for position in range(1, 6):
        services.save_answer(
            actor=attempt.user,
            attempt_id=attempt.pk,
            position=position,
            chosen=answers[position],
            now=t + timedelta(milliseconds=300 * position),
        )
    attempt = services.submit_attempt(
        actor=attempt.user, attempt_id=attempt.pk, now=t + timedelta(seconds=3)
    )
    assert set(attempt.flags) == {"answers_too_fast", "paper_too_fast"}
    assert list(queries.flagged_attempts(attempt.contest)) == [attempt]


def test_a_person_answering_at_a_reading_pace_is_not_flagged():
    attempt = started()
    t = attempt.started_at
    for position in range(1, 6):
        services.save_answer(
            actor=attempt.user,
            attempt_id=attempt.pk,
            position=position,
            chosen=["A"],
            now=t + timedelta(seconds=8 * position),
        )
    attempt = services.submit_attempt(
        actor=attempt.user, attempt_id=attempt.pk, now=t + timedelta(seconds=45)
    )
    assert attempt.flags == []
    assert not attempt.is_flagged


# --- Leaderboards (SQL) --------------------------------------------------------------------
def _finish_with(contest, score_positions, seconds, **entry_fields):
    attempt = started(contest, **entry_fields)
    answers = right_answers(attempt)
    for position in score_positions:
        services.save_answer(
            actor=attempt.user, attempt_id=attempt.pk, position=position, chosen=answers[position]
        )
    return services.submit_attempt(
        actor=attempt.user,
        attempt_id=attempt.pk,
        now=attempt.started_at + timedelta(seconds=seconds),
    )


def test_the_sql_leaderboard_ranks_by_score_then_time(settings):
    settings.REDIS_URL = ""
    contest = contest_with_paper()
    slow = _finish_with(contest, [1, 2, 3], 300, display_name="张三丰")
    fast = _finish_with(contest, [1, 2, 3], 100, display_name="Alice", show_name=True)
    best = _finish_with(contest, [1, 2, 3, 4], 500, display_name="李四")
    rows = leaderboards.top(contest, "all", limit=10)
    assert [r.entry_id for r in rows] == [best.entry_id, fast.entry_id, slow.entry_id]
    assert [r.name for r in rows] == ["李**", "Alice", "张**"]
    slow.entry.refresh_from_db()
    assert leaderboards.rank_of(slow.entry) == 3


# --- Question bank and contests -------------------------------------------------------------
def test_only_national_organisers_manage_the_bank(region):
    provincial = organiser(L.PROVINCIAL, "120000")
    with pytest.raises(PermissionDenied):
        services.import_questions(actor=provincial, content=b"text,answer\n", fmt="csv")
    assert AuditEvent.objects.filter(action="quiz.manage", outcome="denied").exists()


def test_a_paper_needs_enough_questions_in_the_bank():
    national = organiser(L.NATIONAL)
    contest = ContestFactory(is_published=False)
    make_question(topic=Topic.FINANCE)
    with pytest.raises(ValidationFailed, match="has 1 questions in use"):
        services.set_paper(
            actor=national, contest_id=contest.pk, rules=[{"topic": "finance", "count": 2}]
        )
    services.set_paper(
        actor=national, contest_id=contest.pk, rules=[{"topic": "finance", "count": 1}]
    )
    assert contest.paper_rules.count() == 1


def test_the_paper_is_fixed_once_someone_started():
    attempt = started()
    national = organiser(L.NATIONAL)
    with pytest.raises(InvalidTransition, match="paper is fixed"):
        services.set_paper(
            actor=national,
            contest_id=attempt.contest_id,
            rules=[{"topic": "personal_information", "count": 1}],
        )


def test_a_contest_must_close_after_it_opens():
    national = organiser(L.NATIONAL)
    contest = ContestFactory()
    with pytest.raises(ValidationFailed, match="close after it opens") as error:
        services.save_contest(
            actor=national, contest_id=contest.pk, data={"closes_at": contest.opens_at}
        )
    assert error.value.field == "closes_at"


# --- The one-statement answer path --------------------------------------------------------
def test_an_answer_is_one_statement_even_in_a_process_that_never_saw_the_paper():
    """On PostgreSQL; SQLite takes the checked path, a read and an upsert (in the service's
    transaction, which a test's own transaction turns into a savepoint)."""
    attempt = started()
    with CaptureQueriesContext(connection) as queries:
        answer = services.save_answer(
            actor=attempt.user, attempt_id=attempt.pk, position=2, chosen=["B", "B"]
        )
    statements = [q["sql"] for q in queries if "SAVEPOINT" not in q["sql"]]
    assert len(statements) == (1 if answer_store.available() else 2)
    item = attempt.items.get(position=2)
    assert (answer.question_id, answer.version_id, answer.chosen) == (
        item.question_id,
        item.version_id,
        ["B"],
    )
    stored = Answer.objects.get(attempt=attempt)
    assert (stored.question_id, stored.chosen) == (item.question_id, ["B"])


def test_the_one_statement_refuses_what_the_checked_path_explains():
    """A choice that is not an option, or two choices on a single-choice question, stores
    nothing; the checked path then says why."""
    attempt = started()
    single = attempt.items.exclude(question__kind=Question.Kind.MULTIPLE).first()
    with pytest.raises(ValidationFailed, match="not an option"):
        services.save_answer(
            actor=attempt.user, attempt_id=attempt.pk, position=single.position, chosen=["Z"]
        )
    with pytest.raises(ValidationFailed, match="exactly one"):
        services.save_answer(
            actor=attempt.user,
            attempt_id=attempt.pk,
            position=single.position,
            chosen=["A", "B"],
        )
    assert not Answer.objects.filter(attempt=attempt).exists()


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's"
)
def test_the_answer_statement_is_prepared_once_per_connection():
    attempt = started()
    for position, chosen in ((1, ["A"]), (2, ["B"]), (1, ["B"])):
        services.save_answer(
            actor=attempt.user, attempt_id=attempt.pk, position=position, chosen=chosen
        )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            ["%INSERT INTO quiz_answer%"],
        )
        assert cursor.fetchone() == (1,)
    assert dict(Answer.objects.filter(attempt=attempt).values_list("question_id", "chosen")) == {
        attempt.items.get(position=1).question_id: ["B"],
        attempt.items.get(position=2).question_id: ["B"],
    }


def test_showing_the_name_is_consent_recorded_in_the_privacy_centre_and_withdrawable(region):
    from cyberweek.privacy import services as privacy_services
    from cyberweek.privacy.models import Purpose

    board = Purpose.LEADERBOARD_DISPLAY
    privacy_services.publish_notice(
        actor=organiser(OrganiserRole.Level.NATIONAL), purpose=board, text="显示姓名"
    )
    contest = ContestFactory()
    user = UserFactory()
    entry = services.enter_contest(
        actor=user, contest_id=contest.pk, display_name="李华", show_name=True
    )
    assert privacy_services.has_consent(user, board)
    assert leaderboards.public_name(entry) == "李华"

    privacy_services.withdraw_consent(user=user, purpose=board)
    entry.refresh_from_db()
    assert entry.show_name is False
    assert leaderboards.public_name(entry) != "李华"
