import io

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import Workbook

from cyberweek.accounts.models import OrganiserRole
from cyberweek.core.models import AuditEvent
from cyberweek.quiz import services
from cyberweek.quiz.models import Answer, Attempt, Certificate, Contest, Question
from tests.accounts.factories import UserFactory, organiser
from tests.quiz.factories import contest_with_paper, entry_for, make_question
from tests.quiz.test_services import right_answers

pytestmark = pytest.mark.django_db
L = OrganiserRole.Level


@pytest.fixture
def contest():
    return contest_with_paper()


@pytest.fixture
def participant(client):
    user = UserFactory()
    client.force_login(user)
    return user


def start_via_page(client, contest, **fields):
    data = {"display_name": "李小明", "track": "general", **fields}
    return client.post(reverse("quiz:contest", args=[contest.slug]), data)


# --- Public pages -----------------------------------------------------------------------
def test_the_contest_list_and_page_are_public(client, contest):
    assert contest.title_en in client.get(reverse("quiz:contests")).content.decode()
    page = client.get(reverse("quiz:contest", args=[contest.slug])).content.decode()
    assert "Sign in to take part" in page


def test_the_contest_page_in_chinese(client, contest):
    with translation.override("zh-hans"):
        url = reverse("quiz:contest", args=[contest.slug])
    page = client.get(url).content.decode()
    assert "登录后参赛" in page


def test_entering_starts_an_attempt_and_shows_the_paper_without_answers(
    client, participant, contest
):
    response = start_via_page(client, contest, show_name="on")
    attempt = Attempt.objects.get(user=participant)
    assert response.status_code == 302
    assert response.url == reverse("quiz:attempt", args=[attempt.pk])
    page = client.get(response.url).content.decode()
    assert page.count('name="chosen"') == 5 * 4
    assert "解析" not in page  # no explanations
    assert 'id="countdown" data-remaining="1199"' in page or 'data-remaining="1200"' in page


def test_a_reload_resumes_the_same_attempt(client, participant, contest):
    first = start_via_page(client, contest)
    second = start_via_page(client, contest)
    assert first.url == second.url
    assert Attempt.objects.filter(user=participant).count() == 1


def test_bad_entry_details_answer_400_with_the_reason(client, participant, contest):
    response = start_via_page(client, contest, track="youth", birth_year="1950")
    assert response.status_code == 400
    assert "ages 6 to 18" in response.content.decode()
    assert not Attempt.objects.exists()


def test_saving_an_answer_with_htmx_returns_the_status_fragment(client, participant, contest):
    start_via_page(client, contest)
    attempt = Attempt.objects.get()
    url = reverse("quiz:answer", args=[attempt.pk, 1])
    response = client.post(url, {"chosen": ["A"]}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "Saved at" in response.content.decode()
    bad = client.post(url, {"chosen": ["Z"]}, HTTP_HX_REQUEST="true")
    assert bad.status_code == 422
    assert "not an option" in bad.content.decode()
    assert Answer.objects.get().chosen == ["A"]


def test_another_persons_attempt_page_is_404(client, contest):
    attempt, _new = services.start_attempt(actor=entry_for(contest).user, contest_id=contest.pk)
    client.force_login(UserFactory())
    assert client.get(reverse("quiz:attempt", args=[attempt.pk])).status_code == 404
    answer = client.post(reverse("quiz:answer", args=[attempt.pk, 1]), {"chosen": ["A"]})
    assert answer.status_code == 404
    assert client.post(reverse("quiz:submit", args=[attempt.pk])).status_code == 404


def test_submitting_shows_the_review_with_explanations_and_certificate(
    client, participant, contest
):
    contest.review_opens = Contest.ReviewOpens.IMMEDIATELY
    contest.save()
    start_via_page(client, contest)
    attempt = Attempt.objects.get()
    for position, keys in right_answers(attempt).items():
        client.post(reverse("quiz:answer", args=[attempt.pk, position]), {"chosen": keys})
    response = client.post(reverse("quiz:submit", args=[attempt.pk]), follow=True)
    page = response.content.decode()
    assert "Your score: 50 of 50" in page
    assert "Explanation" in page
    certificate = Certificate.objects.get()
    assert reverse("quiz:verify", args=[certificate.code]) in page
    again = client.post(reverse("quiz:submit", args=[attempt.pk]), follow=True)
    assert "already been submitted" in again.content.decode()


def test_the_review_is_closed_before_submission(client, participant, contest):
    start_via_page(client, contest)
    attempt = Attempt.objects.get()
    response = client.get(reverse("quiz:review", args=[attempt.pk]))
    assert response.status_code == 302
    assert response.url == reverse("quiz:attempt", args=[attempt.pk])


def _passed_certificate(client, contest):
    start_via_page(client, contest)
    attempt = Attempt.objects.get()
    for position, keys in right_answers(attempt).items():
        client.post(reverse("quiz:answer", args=[attempt.pk, position]), {"chosen": keys})
    client.post(reverse("quiz:submit", args=[attempt.pk]))
    return Certificate.objects.get()


def inflated(pdf: bytes) -> bytes:
    """The PDF with its compressed streams opened, to look for the embedded font's name."""
    import re
    import zlib

    parts = [pdf]
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, flags=re.S):
        try:
            parts.append(zlib.decompress(stream))
        except zlib.error:
            continue
    return b"".join(parts)


def test_the_certificate_is_a_pdf_and_its_code_verifies(client, participant, contest):
    certificate = _passed_certificate(client, contest)
    pdf = client.get(reverse("quiz:certificate", args=[certificate.attempt_id]))
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert b"NotoSansCJK" in inflated(pdf.content)  # the Chinese font is embedded
    client.logout()
    page = client.get(reverse("quiz:verify", args=[certificate.code])).content.decode()
    assert "This certificate is genuine" in page
    assert "李小明" in page
    assert "50" not in page.split("Result")[1].split("Date")[0]  # a band, not the score


def test_a_forged_certificate_code_is_404(client, participant, contest):
    certificate = _passed_certificate(client, contest)
    forged = certificate.code[:-1] + ("A" if certificate.code[-1] != "A" else "B")
    assert client.get(reverse("quiz:verify", args=[forged])).status_code == 404
    assert client.get(reverse("quiz:verify", args=["x" * 200])).status_code == 404


def test_someone_elses_certificate_pdf_is_404(client, participant, contest):
    certificate = _passed_certificate(client, contest)
    client.force_login(UserFactory())
    assert client.get(reverse("quiz:certificate", args=[certificate.attempt_id])).status_code == 404


def test_the_leaderboard_masks_names_unless_shown(client, contest, settings):
    settings.REDIS_URL = ""
    for name, show in (("王小红", False), ("Zhang Wei", True)):
        user = UserFactory()
        client.force_login(user)
        start_via_page(client, contest, display_name=name, **({"show_name": "on"} if show else {}))
        attempt = Attempt.objects.get(user=user)
        client.post(reverse("quiz:submit", args=[attempt.pk]), {"confirmed": "1"})
    page = client.get(reverse("quiz:leaderboard", args=[contest.slug])).content.decode()
    assert "王**" in page
    assert "王小红" not in page
    assert "Zhang Wei" in page
    assert "Your rank on this board" in page


def test_an_unknown_leaderboard_is_404(client, contest):
    url = reverse("quiz:leaderboard", args=[contest.slug])
    assert client.get(url, {"scope": "region", "region": "999999"}).status_code == 404
    assert client.get(url, {"scope": "sector", "sector": "moon"}).status_code == 404
    assert client.get(url, {"scope": "school"}).status_code == 404


def test_the_rate_limit_answers_429_with_retry_after(client, participant, contest, settings):
    settings.QUIZ_RATE_LIMITS = {"answer": (2, 1000)}
    start_via_page(client, contest)
    attempt = Attempt.objects.get()
    url = reverse("quiz:answer", args=[attempt.pk, 1])
    for _ in range(2):
        assert client.post(url, {"chosen": ["A"]}).status_code == 302
    refused = client.post(url, {"chosen": ["A"]})
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) >= 1


# --- Organiser pages ----------------------------------------------------------------------
ORGANISER_PAGES = [
    ("organiser:quiz_questions", False),
    ("organiser:quiz_import", False),
    ("organiser:quiz_contests", False),
    ("organiser:quiz_contest_new", False),
    ("organiser:quiz_contest", True),
    ("organiser:quiz_contest_edit", True),
    ("organiser:quiz_flagged", True),
]


@pytest.mark.parametrize(("name", "needs_contest"), ORGANISER_PAGES)
def test_organiser_pages_for_national_provincial_and_anonymous(client, name, needs_contest):
    contest = contest_with_paper()
    args = [contest.pk] if needs_contest else []
    url = reverse(name, args=args)
    anonymous = client.get(url)
    assert anonymous.status_code == 302
    assert "/accounts/login/" in anonymous.url
    client.force_login(organiser(L.PROVINCIAL, "120000"))
    assert client.get(url).status_code == 403
    assert AuditEvent.objects.filter(outcome="denied").exists()
    client.force_login(organiser(L.NATIONAL))
    assert client.get(url).status_code == 200


def test_the_question_page_and_exports_are_national(client):
    question = make_question()
    client.force_login(organiser(L.PROVINCIAL, "120000"))
    assert client.get(reverse("organiser:quiz_question", args=[question.pk])).status_code == 403
    assert client.get(reverse("organiser:quiz_export", args=["csv"])).status_code == 403
    client.force_login(organiser(L.NATIONAL))
    assert client.get(reverse("organiser:quiz_question", args=[question.pk])).status_code == 200
    assert client.get(reverse("organiser:quiz_export", args=["pdf"])).status_code == 400


def test_stats_are_scoped_to_the_organisers_region(client, region):
    contest = contest_with_paper()
    user = UserFactory()
    entry = entry_for(contest, user, region=region("120101"), sector="school")
    attempt, _new = services.start_attempt(actor=user, contest_id=contest.pk)
    services.submit_attempt(actor=user, attempt_id=attempt.pk)
    url = reverse("organiser:quiz_stats", args=[contest.pk])
    assert client.get(url).status_code == 302
    client.force_login(organiser(L.PROVINCIAL, "120000"))
    page = client.get(url)
    assert page.status_code == 200
    assert "Schools" in page.content.decode()
    assert client.get(url, {"region": "110000"}).status_code == 403
    assert client.get(url, {"region": "abc"}).status_code == 400
    client.force_login(organiser(L.COUNTY, "120101"))
    assert client.get(url).status_code == 403
    client.force_login(organiser(L.NATIONAL))
    national = client.get(url).content.decode()
    assert "Tianjin" in national or "天津" in national
    assert entry.pk


def test_a_national_organiser_sets_the_paper(client):
    contest = contest_with_paper(is_published=False)
    contest.paper_rules.all().delete()
    client.force_login(organiser(L.NATIONAL))
    url = reverse("organiser:quiz_contest", args=[contest.pk])
    data = {
        "form-TOTAL_FORMS": "2",
        "form-INITIAL_FORMS": "0",
        "form-0-topic": "personal_information",
        "form-0-difficulty": "",
        "form-0-count": "3",
        "form-0-points": "5",
        "form-1-topic": "",
    }
    assert client.post(url, data).status_code == 302
    assert contest.paper_rules.get().count == 3
    data["form-0-count"] = "500"
    response = client.post(url, data)
    assert response.status_code == 400


def test_a_national_organiser_creates_a_contest(client):
    contest = contest_with_paper()
    client.force_login(organiser(L.NATIONAL))
    response = client.post(
        reverse("organiser:quiz_contest_new"),
        {
            "edition": contest.edition_id,
            "title": "青少年网络安全知识竞赛",
            "slug": "youth-2019",
            "opens_at": "2019-09-16T09:00",
            "closes_at": "2019-09-22T18:00",
            "time_limit_minutes": "15",
            "attempts_allowed": "1",
            "pass_mark": "60",
            "review_opens": "after_close",
            "youth_min_age": "6",
            "youth_max_age": "18",
        },
    )
    assert response.status_code == 302
    assert Contest.objects.get(slug="youth-2019").title == "青少年网络安全知识竞赛"
    bad = client.post(
        reverse("organiser:quiz_contest_new"),
        {
            "edition": contest.edition_id,
            "title": "x",
            "slug": "bad",
            "opens_at": "2019-09-16T09:00",
            "closes_at": "2019-09-15T09:00",
            "time_limit_minutes": "15",
            "attempts_allowed": "1",
            "pass_mark": "60",
            "review_opens": "after_close",
            "youth_min_age": "6",
            "youth_max_age": "18",
        },
    )
    assert bad.status_code == 400
    assert "close after it opens" in bad.content.decode()


# --- Import and export through the pages -----------------------------------------------
CSV = (
    "code,kind,topic,difficulty,text,option_a,option_b,answer,explanation\n"
    "PI-1,single,personal_information,1,收到陌生链接应该怎么做？,点开看看,不点击并核实,B,不要点陌生链接\n"
)


def upload(client, name, content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        reverse("organiser:quiz_import"), {"file": SimpleUploadedFile(name, content)}
    )


def test_importing_and_exporting_through_the_pages(client):
    client.force_login(organiser(L.NATIONAL))
    response = upload(client, "bank.csv", CSV.encode())
    assert response.status_code == 302
    assert Question.objects.get().code == "PI-1"
    for fmt in ("csv", "yaml", "xlsx"):
        export = client.get(reverse("organiser:quiz_export", args=[fmt]))
        assert export.status_code == 200
        assert export.content


def test_an_import_with_errors_lists_every_row_and_imports_nothing(client):
    client.force_login(organiser(L.NATIONAL))
    bad = CSV + "PI-2,single,weather,1,另一个问题？,甲,乙,C,\n"
    response = upload(client, "bank.csv", bad.encode())
    page = response.content.decode()
    assert response.status_code == 400
    assert "Unknown topic" in page
    assert "is not among the options" in page
    assert not Question.objects.exists()


def test_a_file_that_is_not_what_it_claims_is_refused(client):
    client.force_login(organiser(L.NATIONAL))
    response = upload(client, "bank.xlsx", CSV.encode())
    assert response.status_code == 400
    assert "not an Excel workbook" in response.content.decode()
    response = upload(client, "bank.pdf", b"%PDF-1.4")
    assert "none of these" in response.content.decode()
    workbook = Workbook()
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = upload(client, "bank.csv", buffer.getvalue())
    assert "Excel workbook, not a CSV" in response.content.decode()


def test_a_question_is_revised_and_retired_through_its_page(client):
    question = make_question()
    client.force_login(organiser(L.NATIONAL))
    url = reverse("organiser:quiz_question", args=[question.pk])
    data = {
        "topic": "law",
        "difficulty": "2",
        "text": "《网络安全法》何时施行？",
        "option_a": "2017年6月1日",
        "option_b": "2016年11月7日",
        "answer": "A",
    }
    assert client.post(url, data).status_code == 302
    question.refresh_from_db()
    assert (question.current.number, question.topic) == (2, "law")
    bad = client.post(url, {**data, "answer": "C"})
    assert bad.status_code == 400
    assert "is not among the options" in bad.content.decode()
    client.post(reverse("organiser:quiz_question_active", args=[question.pk]), {"active": "0"})
    question.refresh_from_db()
    assert question.is_active is False


def test_a_reserved_contest_slug_is_refused(client):
    contest = contest_with_paper()
    national = organiser(L.NATIONAL)
    from cyberweek.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed, match="reserved"):
        services.save_contest(actor=national, contest_id=contest.pk, data={"slug": "attempts"})


def test_the_participation_list_for_provincial_organisers(client):
    contest = contest_with_paper()
    url = reverse("organiser:quiz_contests_stats")
    assert client.get(url).status_code == 302
    client.force_login(organiser(L.COUNTY, "120101"))
    assert client.get(url).status_code == 403
    client.force_login(organiser(L.PROVINCIAL, "120000"))
    page = client.get(url).content.decode()
    assert reverse("organiser:quiz_stats", args=[contest.pk]) in page
    dashboard = client.get(reverse("organiser:dashboard")).content.decode()
    assert url in dashboard


def test_the_flagged_attempts_page_lists_them(client):
    contest = contest_with_paper()
    entry = entry_for(contest)
    attempt, _new = services.start_attempt(actor=entry.user, contest_id=contest.pk)
    for position in range(1, 6):
        services.save_answer(
            actor=entry.user, attempt_id=attempt.pk, position=position, chosen=["A"]
        )
    services.submit_attempt(actor=entry.user, attempt_id=attempt.pk)
    client.force_login(organiser(L.NATIONAL))
    page = client.get(reverse("organiser:quiz_flagged", args=[contest.pk])).content.decode()
    assert f"#{attempt.pk}" in page
    assert "answers too fast" in page
    assert AuditEvent.objects.filter(action="quiz.flags_viewed").exists()


@pytest.mark.parametrize("number", [2**63, 10**30])
def test_absurd_attempt_numbers_in_pages_are_404(client, participant, contest, number):
    base = "/en/quiz/attempts"
    assert client.get(f"{base}/{number}/").status_code == 404
    assert client.post(f"{base}/{number}/answers/1/", {"chosen": ["A"]}).status_code == 404
    assert client.post(f"{base}/1/answers/{number}/", {"chosen": ["A"]}).status_code == 404
    assert client.post(f"{base}/{number}/submit/").status_code == 404
    assert client.get(f"{base}/{number}/review/").status_code == 404


def test_absurd_numbers_in_organiser_pages_are_404(client):
    client.force_login(organiser(L.NATIONAL))
    number = 10**30
    assert client.get(f"/en/organiser/quiz/questions/{number}/").status_code == 404
    assert client.get(f"/en/organiser/quiz/contests/{number}/").status_code == 404
    assert client.get(f"/en/organiser/quiz/contests/{number}/stats/").status_code == 404


# --- Confirmation before submitting with blank questions --------------------------------
def test_submitting_with_blank_questions_asks_first_and_says_how_many(client, participant, contest):
    start_via_page(client, contest)
    attempt = Attempt.objects.get()
    answers = right_answers(attempt)
    first = min(answers)
    client.post(reverse("quiz:answer", args=[attempt.pk, first]), {"chosen": answers[first]})
    response = client.post(reverse("quiz:submit", args=[attempt.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    total = len(answers)
    assert f"{total - 1} of {total} questions are still blank" in page
    assert 'name="confirmed" value="1"' in page
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.OPEN
    confirmed = client.post(reverse("quiz:submit", args=[attempt.pk]), {"confirmed": "1"})
    assert confirmed.status_code == 302
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.SUBMITTED


def test_the_confirmation_is_not_asked_when_every_question_is_answered_or_time_is_up(
    client, participant, contest
):
    start_via_page(client, contest)
    attempt = Attempt.objects.get()
    Attempt.objects.filter(pk=attempt.pk).update(deadline_at=timezone.now())
    response = client.post(reverse("quiz:submit", args=[attempt.pk]))
    assert response.status_code == 302
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.SUBMITTED


def test_someone_elses_attempt_cannot_be_submitted_or_asked_about(client, contest):
    owner = UserFactory()
    client.force_login(owner)
    start_via_page(client, contest)
    attempt = Attempt.objects.get()
    client.force_login(UserFactory())
    assert client.post(reverse("quiz:submit", args=[attempt.pk])).status_code == 404


# --- Certificates that do not verify ---------------------------------------------------
def test_an_unknown_or_erased_certificate_shows_one_not_valid_page(client, participant, contest):
    certificate = _passed_certificate(client, contest)
    unknown = client.get(reverse("quiz:verify", args=["NOPE" * 4]))
    assert unknown.status_code == 404
    assert "This is not a valid certificate." in unknown.content.decode()
    certificate.attempt.entry.__class__.objects.filter(pk=certificate.attempt.entry_id).update(
        erased=True
    )
    erased = client.get(reverse("quiz:verify", args=[certificate.code]))
    assert erased.status_code == 404
    page = erased.content.decode()
    assert "This is not a valid certificate." in page
    assert "李小明" not in page
    assert client.get(reverse("quiz:verify", args=["x" * 200])).status_code == 404


def test_the_statistics_region_picker_takes_names_and_offers_the_list(client, region):
    contest = contest_with_paper()
    url = reverse("organiser:quiz_stats", args=[contest.pk])
    client.force_login(organiser(L.NATIONAL))
    page = client.get(url).content.decode()
    assert 'list="region-options"' in page
    assert "tianjinshi" in page
    by_name = client.get(url, {"region": "Tianjin"})
    assert by_name.status_code == 200
    assert by_name.context["region"].code == "120000"
    assert client.get(url, {"region": "nowhere"}).status_code == 400


# --- Deciding on flagged attempts ------------------------------------------------------
def _flagged_pass(contest):
    """A passing attempt answered faster than a person reads, so it is flagged."""
    entry = entry_for(contest, UserFactory(email="fast@example.org"))
    attempt, _new = services.start_attempt(actor=entry.user, contest_id=contest.pk)
    for position, keys in right_answers(attempt).items():
        services.save_answer(
            actor=entry.user, attempt_id=attempt.pk, position=position, chosen=keys
        )
    services.submit_attempt(actor=entry.user, attempt_id=attempt.pk)
    attempt.refresh_from_db()
    assert attempt.is_flagged
    assert attempt.passed
    return attempt


def test_an_organiser_voids_a_flagged_attempt_with_a_reason_and_the_participant_is_told(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    contest = contest_with_paper()
    attempt = _flagged_pass(contest)
    code = Certificate.objects.get(attempt=attempt).code
    client.force_login(organiser(L.NATIONAL))
    url = reverse("organiser:quiz_flag_decision", args=[attempt.pk])
    flagged = client.get(reverse("organiser:quiz_flagged", args=[contest.pk])).content.decode()
    assert f'action="{url}"' in flagged
    refused = client.post(url, {"decision": "void", "reason": "  "}, follow=True)
    assert "Give the reason" in refused.content.decode()
    attempt.refresh_from_db()
    assert attempt.voided_at is None
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {"decision": "void", "reason": "全部20题在10秒内答完"}, follow=True
        )
    assert "is voided" in response.content.decode()
    attempt.refresh_from_db()
    assert attempt.voided_at is not None
    assert not attempt.is_flagged
    assert not attempt.passed
    assert attempt.entry.best_score is None
    assert not Certificate.objects.filter(attempt=attempt).exists()
    assert client.get(reverse("quiz:verify", args=[code])).status_code == 404
    assert AuditEvent.objects.filter(action="quiz.attempt_voided").exists()
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["fast@example.org"]
    assert "voided" in mailoutbox[0].subject
    assert "全部20题在10秒内答完" in mailoutbox[0].body
    again = client.post(url, {"decision": "clear", "reason": "再看一次"}, follow=True)
    assert "decided already" in again.content.decode()


def test_clearing_a_flag_keeps_the_score_and_tells_the_participant(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    contest = contest_with_paper()
    attempt = _flagged_pass(contest)
    client.force_login(organiser(L.NATIONAL))
    url = reverse("organiser:quiz_flag_decision", args=[attempt.pk])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"decision": "clear", "reason": "Checked with the school"})
    attempt.refresh_from_db()
    assert not attempt.is_flagged
    assert attempt.voided_at is None
    assert attempt.review_reason == "Checked with the school"
    assert attempt.entry.best_score == attempt.score
    assert Certificate.objects.filter(attempt=attempt).exists()
    assert AuditEvent.objects.filter(action="quiz.flag_cleared").exists()
    assert "stands" in mailoutbox[0].subject
    page = client.get(reverse("organiser:quiz_flagged", args=[contest.pk])).content.decode()
    assert url not in page  # no longer listed for a decision


def test_only_national_organisers_decide_on_flags(client, region):
    contest = contest_with_paper()
    attempt = _flagged_pass(contest)
    url = reverse("organiser:quiz_flag_decision", args=[attempt.pk])
    client.force_login(organiser(L.PROVINCIAL, "120000"))
    assert client.post(url, {"decision": "void", "reason": "x"}).status_code == 403
    client.force_login(organiser(L.NATIONAL))
    unknown = client.post(url, {"decision": "delete", "reason": "x"}, follow=True)
    assert "Choose to clear the flag or to void" in unknown.content.decode()
    attempt.refresh_from_db()
    assert attempt.is_flagged
