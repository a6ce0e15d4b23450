import json

import pytest
from django.test import Client
from django.utils.crypto import get_random_string

from cyberweek.quiz.models import Answer, Attempt, Contest
from tests.accounts.factories import UserFactory
from tests.quiz.factories import contest_with_paper, entry_for
from tests.quiz.test_services import right_answers

pytestmark = pytest.mark.django_db
BASE = "/api/quiz"


@pytest.fixture
def contest():
    return contest_with_paper()


@pytest.fixture
def api(client):
    client.force_login(UserFactory())
    return client


def put(client, url, body):
    return client.put(url, json.dumps(body), content_type="application/json")


def post(client, url, body=None):
    return client.post(url, json.dumps(body or {}), content_type="application/json")


def enter_and_start(api, contest, **entry):
    body = {"display_name": "李小明", **entry}
    assert put(api, f"{BASE}/contests/{contest.slug}/entry", body).status_code == 200
    return post(api, f"{BASE}/contests/{contest.slug}/attempts")


def test_contests_are_listed_publicly(client, contest):
    body = client.get(f"{BASE}/contests").json()
    assert [c["slug"] for c in body["items"]] == [contest.slug]


def test_a_whole_attempt_through_the_api(api, contest):
    contest.review_opens = Contest.ReviewOpens.IMMEDIATELY
    contest.save()
    started = enter_and_start(api, contest)
    assert started.status_code == 201
    paper = started.json()
    assert len(paper["questions"]) == 5
    assert "correct" not in json.dumps(paper)
    assert "explanation" not in json.dumps(paper)
    assert 1195 <= paper["seconds_left"] <= 1200
    resumed = enter_and_start(api, contest)
    assert resumed.status_code == 200
    assert resumed.json()["id"] == paper["id"]
    attempt = Attempt.objects.get(pk=paper["id"])
    for position, keys in right_answers(attempt).items():
        saved = put(api, f"{BASE}/attempts/{attempt.pk}/answers/{position}", {"chosen": keys})
        assert saved.status_code == 200, saved.content
    assert api.get(f"{BASE}/attempts/{attempt.pk}/review").status_code == 409
    result = post(api, f"{BASE}/attempts/{attempt.pk}/submit").json()
    assert (result["score"], result["passed"]) == (50, True)
    assert result["certificate"].startswith("http://testserver/quiz/certificates/")
    review = api.get(f"{BASE}/attempts/{attempt.pk}/review").json()
    assert all(q["is_correct"] for q in review["questions"])
    board = api.get(f"{BASE}/contests/{contest.slug}/leaderboard").json()
    assert board["my_rank"] == 1
    assert board["rows"][0]["name"] == "李**"


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        # The API is not under /en/: its messages are in Chinese, the default language.
        ({"chosen": ["Z"]}, "“Z”不是本题的选项。"),
        ({"chosen": []}, "请至少选择一个选项。"),
        ({"chosen": "A"}, "chosen"),
        ({"chosen": [1, 2]}, "chosen"),
        ({}, "chosen"),
        ({"chosen": ["A"] * 7}, "chosen"),
    ],
)
def test_malformed_answers_are_problems_naming_the_field(api, contest, body, detail):
    attempt_id = enter_and_start(api, contest).json()["id"]
    response = put(api, f"{BASE}/attempts/{attempt_id}/answers/1", body)
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert detail in response.json()["detail"]
    assert response.json()["errors"][0]["field"].startswith("chosen")
    assert not Answer.objects.exists()


def test_a_body_that_is_not_json_is_a_problem(api, contest):
    attempt_id = enter_and_start(api, contest).json()["id"]
    response = api.put(
        f"{BASE}/attempts/{attempt_id}/answers/1", "chosen=A", content_type="application/json"
    )
    assert response.status_code in {400, 422}
    assert response["Content-Type"] == "application/problem+json"


def test_refusals_are_problems(api, contest):
    attempt_id = enter_and_start(api, contest).json()["id"]
    not_on_paper = put(api, f"{BASE}/attempts/{attempt_id}/answers/42", {"chosen": ["A"]})
    assert not_on_paper.status_code == 404
    assert post(api, f"{BASE}/attempts/{attempt_id}/submit").status_code == 200
    twice = post(api, f"{BASE}/attempts/{attempt_id}/submit")
    assert twice.status_code == 409
    assert twice.json()["type"].endswith("/invalid-transition")
    assert twice.json()["detail"] == "本次答题已经交卷。"
    late = put(api, f"{BASE}/attempts/{attempt_id}/answers/1", {"chosen": ["A"]})
    assert late.status_code == 409


def test_another_persons_attempt_is_404(api, contest):
    other = entry_for(contest)
    from cyberweek.quiz import services

    attempt, _new = services.start_attempt(actor=other.user, contest_id=contest.pk)
    for response in (
        api.get(f"{BASE}/attempts/{attempt.pk}"),
        put(api, f"{BASE}/attempts/{attempt.pk}/answers/1", {"chosen": ["A"]}),
        post(api, f"{BASE}/attempts/{attempt.pk}/submit"),
        api.get(f"{BASE}/attempts/{attempt.pk}/review"),
    ):
        assert response.status_code == 404
        assert response["Content-Type"] == "application/problem+json"


def test_signed_out_callers_get_401(client, contest):
    response = client.post(f"{BASE}/contests/{contest.slug}/attempts")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"


def test_unsafe_methods_need_the_csrf_token(contest):
    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory())
    response = client.post(f"{BASE}/contests/{contest.slug}/attempts")
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"


def test_starting_is_rate_limited_per_account(api, contest, settings):
    settings.QUIZ_RATE_LIMITS = {"start": (1, 1000)}
    assert enter_and_start(api, contest).status_code == 201
    refused = enter_and_start(api, contest)
    assert refused.status_code == 429
    assert refused["Retry-After"]
    assert refused["Content-Type"] == "application/problem+json"


def test_starting_is_rate_limited_per_address(client, contest, settings):
    settings.QUIZ_RATE_LIMITS = {"start": (100, 2)}
    codes = []
    for _ in range(3):
        client.force_login(UserFactory())
        codes.append(enter_and_start(client, contest).status_code)
    assert codes == [201, 201, 429]


def test_bad_entry_data_names_the_field(api, contest):
    response = put(
        api, f"{BASE}/contests/{contest.slug}/entry", {"display_name": "李", "region": "999999"}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "region"
    response = put(
        api,
        f"{BASE}/contests/{contest.slug}/entry",
        {"display_name": "李", "track": "youth", "birth_year": 1960},
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "birth_year"


def test_leaderboard_scopes(api, contest):
    url = f"{BASE}/contests/{contest.slug}/leaderboard"
    assert api.get(url, {"scope": "region", "region": "120000"}).status_code == 200
    assert api.get(url, {"scope": "region", "region": "999999"}).status_code == 404
    assert api.get(url, {"scope": "sector"}).status_code == 404
    assert api.get(url, {"scope": "school"}).status_code == 404
    assert api.get(url, {"scope": "planet"}).status_code == 422
    assert api.get(url, {"limit": 1000}).status_code == 422


def test_the_server_time_is_published(client):
    assert "now" in client.get(f"{BASE}/time").json()


@pytest.mark.parametrize("attempt_id", [0, 2**63, 10**30])
def test_absurd_attempt_ids_are_404(api, contest, attempt_id):
    for response in (
        api.get(f"{BASE}/attempts/{attempt_id}"),
        put(api, f"{BASE}/attempts/{attempt_id}/answers/1", {"chosen": ["A"]}),
        post(api, f"{BASE}/attempts/{attempt_id}/submit"),
    ):
        assert response.status_code in {404, 422}
        assert response["Content-Type"] == "application/problem+json"


def test_an_absurd_question_number_is_404(api, contest):
    attempt_id = enter_and_start(api, contest).json()["id"]
    for position in (0, 40000, 10**20):
        response = put(api, f"{BASE}/attempts/{attempt_id}/answers/{position}", {"chosen": ["A"]})
        assert response.status_code in {404, 422}


# --- Answer tokens ------------------------------------------------------------------------
def bearer(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def put_with_token(url, body, token):
    """A caller with no cookie and no CSRF token: only the answer token."""
    client = Client(enforce_csrf_checks=True)
    return client.put(url, json.dumps(body), content_type="application/json", **bearer(token))


def test_answers_saved_with_the_token_are_stored_and_scored(api, contest):
    paper = enter_and_start(api, contest).json()
    attempt = Attempt.objects.get(pk=paper["id"])
    assert api.get(f"{BASE}/attempts/{attempt.pk}").json()["answer_token"] == paper["answer_token"]
    for position, keys in right_answers(attempt).items():
        url = f"{BASE}/attempts/{attempt.pk}/answers/{position}"
        saved = put_with_token(url, {"chosen": keys}, paper["answer_token"])
        assert saved.status_code == 200, saved.content
        assert saved.json()["chosen"] == sorted(keys)
    assert Answer.objects.filter(attempt=attempt).count() == len(paper["questions"])
    result = post(api, f"{BASE}/attempts/{attempt.pk}/submit").json()
    assert result["score"] == result["max_score"]


def test_a_token_is_good_for_its_own_attempt_only(api, contest):
    from cyberweek.quiz import services

    mine = enter_and_start(api, contest).json()
    other, _new = services.start_attempt(actor=entry_for(contest).user, contest_id=contest.pk)
    stolen = put_with_token(
        f"{BASE}/attempts/{other.pk}/answers/1", {"chosen": ["A"]}, mine["answer_token"]
    )
    assert stolen.status_code == 401
    assert stolen["Content-Type"] == "application/problem+json"
    assert stolen.json()["detail"] == "此答题凭证对本次答题无效。"
    assert not Answer.objects.filter(attempt=other).exists()


@pytest.mark.parametrize(
    "token",
    ["", "nonsense", "1.2:forged-signature", "1.2", "x" * 5000],
)
def test_a_forged_or_malformed_token_is_401(api, contest, token):
    attempt_id = enter_and_start(api, contest).json()["id"]
    response = put_with_token(f"{BASE}/attempts/{attempt_id}/answers/1", {"chosen": ["A"]}, token)
    assert response.status_code == 401
    assert not Answer.objects.filter(attempt_id=attempt_id).exists()


def test_a_token_signed_for_someone_else_is_refused_by_the_statement(api, contest):
    """Even a validly signed token naming the attempt but another person stores nothing:
    the statement checks the owner, and the checked path says why."""
    from cyberweek.quiz import answer_tokens

    attempt = Attempt.objects.get(pk=enter_and_start(api, contest).json()["id"])
    stranger = UserFactory()
    forged = answer_tokens.issue(type("A", (), {"pk": attempt.pk, "user_id": stranger.pk})())
    response = put_with_token(f"{BASE}/attempts/{attempt.pk}/answers/1", {"chosen": ["A"]}, forged)
    assert response.status_code == 404
    assert not Answer.objects.filter(attempt=attempt).exists()


def test_the_token_stops_working_once_the_attempt_is_submitted(api, contest):
    paper = enter_and_start(api, contest).json()
    assert post(api, f"{BASE}/attempts/{paper['id']}/submit").status_code == 200
    late = put_with_token(
        f"{BASE}/attempts/{paper['id']}/answers/1", {"chosen": ["A"]}, paper["answer_token"]
    )
    assert late.status_code == 409
    assert late.json()["type"].endswith("/invalid-transition")


def test_tokens_survive_a_secret_key_rotation(api, contest, settings):
    paper = enter_and_start(api, contest).json()
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-secret-key-" + "x" * 40
    option = paper["questions"][0]["options"][0]["key"]
    saved = put_with_token(
        f"{BASE}/attempts/{paper['id']}/answers/1", {"chosen": [option]}, paper["answer_token"]
    )
    assert saved.status_code == 200, saved.content
    settings.SECRET_KEY_FALLBACKS = []
    dropped = put_with_token(
        f"{BASE}/attempts/{paper['id']}/answers/1", {"chosen": [option]}, paper["answer_token"]
    )
    assert dropped.status_code == 401


def test_answers_with_the_token_are_rate_limited_per_account(api, contest, settings):
    settings.QUIZ_RATE_LIMITS = {"answer": (2, 1000)}
    paper = enter_and_start(api, contest).json()
    url = f"{BASE}/attempts/{paper['id']}/answers/1"
    option = paper["questions"][0]["options"][0]["key"]
    codes = [
        put_with_token(url, {"chosen": [option]}, paper["answer_token"]).status_code
        for _ in range(3)
    ]
    assert codes == [200, 200, 429]
    # The session path counts against the same account.
    assert put(api, url, {"chosen": [option]}).status_code == 429


# --- The answer endpoint is a plain view: the API's rules still hold -----------------------
def csrf_client():
    """A signed-in client held to CSRF checks, holding a CSRF cookie, and the token that
    goes with it (what a page of the site gives its scripts)."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory())
    token = get_random_string(32)
    client.cookies["csrftoken"] = token
    return client, {"HTTP_X_CSRFTOKEN": token}


def start_with_csrf(client, csrf, contest) -> dict:
    entry = json.dumps({"display_name": "李小明"})
    url = f"{BASE}/contests/{contest.slug}"
    assert (
        client.put(f"{url}/entry", entry, content_type="application/json", **csrf).status_code
        == 200
    )
    started = client.post(f"{url}/attempts", **csrf)
    assert started.status_code == 201, started.content
    return started.json()


def test_answering_with_the_session_needs_the_csrf_token(contest):
    client, csrf = csrf_client()
    url = f"{BASE}/attempts/{start_with_csrf(client, csrf, contest)['id']}/answers/1"
    response = client.put(url, json.dumps({"chosen": ["A"]}), content_type="application/json")
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    assert not Answer.objects.exists()


def test_answering_with_the_session_and_its_csrf_token_is_stored(contest):
    client, csrf = csrf_client()
    paper = start_with_csrf(client, csrf, contest)
    option = paper["questions"][0]["options"][0]["key"]
    response = client.put(
        f"{BASE}/attempts/{paper['id']}/answers/1",
        json.dumps({"chosen": [option]}),
        content_type="application/json",
        **csrf,
    )
    assert response.status_code == 200, response.content
    assert response.json()["chosen"] == [option]
    assert Answer.objects.get().chosen == [option]


def test_answering_signed_out_without_a_token_is_401(client, contest):
    response = put(client, f"{BASE}/attempts/1/answers/1", {"chosen": ["A"]})
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"


def test_a_non_bearer_authorization_falls_back_to_the_session(api, contest):
    attempt_id = enter_and_start(api, contest).json()["id"]
    response = api.put(
        f"{BASE}/attempts/{attempt_id}/answers/1",
        json.dumps({"chosen": ["A"]}),
        content_type="application/json",
        HTTP_AUTHORIZATION="Basic dXNlcjpwYXNz",
    )
    assert response.status_code in {200, 422}  # "A" may not be an option of question 1
    assert response.status_code != 401


@pytest.mark.parametrize("method", ["get", "post", "delete"])
def test_other_methods_on_an_answer_are_405(api, contest, method):
    response = getattr(api, method)(f"{BASE}/attempts/1/answers/1")
    assert response.status_code == 405
    assert response["Allow"] == "PUT"
    assert response["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize("body", ["[]", '"A"', "null", "3"])
def test_an_answer_body_that_is_not_an_object_is_422(api, contest, body):
    attempt_id = enter_and_start(api, contest).json()["id"]
    response = api.put(
        f"{BASE}/attempts/{attempt_id}/answers/1", body, content_type="application/json"
    )
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert not Answer.objects.exists()


def test_an_empty_answer_body_is_422_naming_the_field(api, contest):
    attempt_id = enter_and_start(api, contest).json()["id"]
    response = api.put(
        f"{BASE}/attempts/{attempt_id}/answers/1", "", content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["errors"]


def test_the_answer_endpoint_is_in_the_openapi_document(client):
    schema = client.get("/api/openapi.json").json()
    operation = schema["paths"]["/api/quiz/attempts/{attempt_id}/answers/{position}"]["put"]
    assert operation["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/AnswerIn"
    }
    assert {"AnswerTokenAuth": []} in operation["security"]
    assert {"SessionAuth": []} in operation["security"]
    assert {"200", "400", "401", "403", "404", "409", "422", "429"} <= set(operation["responses"])
    assert schema["components"]["schemas"]["AnswerIn"]["properties"]["chosen"]["maxItems"] == 6
    assert schema["components"]["securitySchemes"]["AnswerTokenAuth"]["scheme"] == "bearer"
    assert "SessionAuth" in schema["components"]["securitySchemes"]
