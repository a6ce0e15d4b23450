"""What the contest keeps about a person: declared, exported, erased, purged on time."""

from datetime import date, timedelta

import pytest
from django.apps import apps
from django.db import connection

from cyberweek.core.fields import encrypted_fields
from cyberweek.quiz import leaderboards, personal_data, services
from cyberweek.quiz.models import Attempt, Certificate, Contest, Entry
from tests.quiz.factories import contest_with_paper, entry_for
from tests.quiz.test_services import right_answers

pytestmark = pytest.mark.django_db


def passed_entry(contest=None, **fields):
    contest = contest or contest_with_paper()
    entry = entry_for(contest, school="天津一中", **fields)
    attempt, _new = services.start_attempt(actor=entry.user, contest_id=contest.pk)
    for position, keys in right_answers(attempt).items():
        services.save_answer(
            actor=entry.user, attempt_id=attempt.pk, position=position, chosen=keys
        )
    services.submit_attempt(actor=entry.user, attempt_id=attempt.pk)
    entry.refresh_from_db()
    return entry


def test_every_quiz_model_holding_personal_data_is_declared():
    declared = {m for source in personal_data.SOURCES for m in source.models}
    user_model = apps.get_model("accounts", "User")
    for model in apps.get_app_config("quiz").get_models():
        personal = encrypted_fields(model) or any(
            getattr(f, "related_model", None) is user_model for f in model._meta.fields
        )
        if personal:
            assert model._meta.label in declared, model._meta.label


def test_names_and_schools_are_encrypted_at_rest():
    entry = passed_entry()
    with connection.cursor() as cursor:
        cursor.execute("SELECT display_name, school FROM quiz_entry WHERE id = %s", [entry.pk])
        name, school = cursor.fetchone()
        cursor.execute("SELECT holder_name FROM quiz_certificate")
        (holder,) = cursor.fetchone()
    assert name.startswith("cw1:")
    assert school.startswith("cw1:")
    assert holder.startswith("cw1:")
    assert "李小明" not in name + school + holder


def test_export_lists_entry_attempts_paper_answers_and_certificate():
    # The review is open from submission, so the download may say which answers were right.
    entry = passed_entry(contest_with_paper(review_opens=Contest.ReviewOpens.IMMEDIATELY))
    records = personal_data.export(entry.user)
    kinds = [r["what"] for r in records]
    questions = len(Attempt.objects.get().items.all())
    assert kinds == [
        "Contest entry",
        "Contest attempt",
        *["Question on your paper"] * questions,
        *["Answer"] * questions,
        "Certificate",
    ]
    attempt, stored = records[1], Attempt.objects.get()
    assert attempt["time taken (ms)"] == stored.duration_ms
    # Answered in a blink by the test: the timing checks flagged it, and the person sees why.
    assert (attempt["flags"], attempt["flagged"]) == (["answers_too_fast", "paper_too_fast"], True)
    answers = [r for r in records if r["what"] == "Answer"]
    assert all(a["correct"] is True and a["answered"] and a["chosen options"] for a in answers)
    assert records[0]["display name"] == "李小明"
    assert records[0]["school"] == "天津一中"
    assert records[1]["score"] == 50


def test_erasure_keeps_the_scores_for_statistics_and_nothing_that_says_who(settings):
    settings.REDIS_URL = ""
    entry = passed_entry()
    user = entry.user
    assert personal_data.erase(user) == 1
    entry.refresh_from_db()
    assert (entry.user, entry.display_name, entry.school, entry.erased) == (None, "—", "", True)
    assert Attempt.objects.get().user is None
    assert Attempt.objects.get().score == 50
    assert not Certificate.objects.exists()
    assert leaderboards.top(entry.contest) == []
    assert personal_data.export(user) == []
    assert personal_data.erase(user) == 0


def test_purge_anonymises_a_year_after_the_edition_ends():
    entry = passed_entry()
    ends = entry.contest.edition.ends_on
    assert personal_data.purge(today=ends + timedelta(days=365), dry_run=False) == 0
    assert personal_data.purge(today=ends + timedelta(days=367), dry_run=True) == 1
    assert Entry.objects.get().erased is False
    assert personal_data.purge(today=ends + timedelta(days=367), dry_run=False) == 1
    assert Entry.objects.get().erased is True
    assert isinstance(ends, date)
