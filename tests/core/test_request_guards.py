"""NUL characters are refused where input enters, in one middleware: the address, query
strings, url-encoded forms and JSON bodies; the API names the field in a problem document,
pages say what is wrong. Text without NUL passes untouched."""

import json

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "/api/editions/2019/events?q=%00",
        "/api/activities/?q=%00",
        "/api/activities/?q=ab%00cd&sector=community",
    ],
)
def test_a_nul_in_an_api_query_is_a_problem_naming_the_field(client, url):
    response = client.get(url)
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["type"].endswith("nul-character")
    assert problem["errors"] == [{"field": "q", "message": problem["detail"]}]
    assert "U+0000" in problem["detail"]


def test_a_nul_in_a_page_query_is_a_400_that_says_why(client):
    response = client.get(reverse("activities:list"), {"q": "a\x00"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "“q” contains a NUL character" in page


def test_a_nul_in_the_address_is_refused(client):
    assert client.get("/api/editions/%00/events").status_code == 422
    assert client.get("/en/activities/photos/a%00b/").status_code == 400


def test_a_nul_in_a_json_body_is_a_problem_naming_the_field(client):
    response = client.post(
        "/api/privacy/check", {"text": "手机\x00号"}, content_type="application/json"
    )
    assert response.status_code == 422
    problem = response.json()
    assert problem["errors"][0]["field"] == "text"


def test_a_nul_deep_in_a_json_body_is_named_by_its_path(client):
    body = json.dumps({"payload": {"options": [{"text": "ok"}, {"text": "a\x00"}]}})
    response = client.post("/api/privacy/check", body, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "payload.options.1.text"


def test_an_escaped_backslash_before_u0000_is_text_not_a_nul(client):
    body = json.dumps({"text": "C:\\u0000 is a path"})
    assert "\\\\u0000" in body
    response = client.post("/api/privacy/check", body, content_type="application/json")
    assert response.status_code == 200


def test_a_nul_in_a_form_is_a_400_naming_the_field(client):
    response = client.post(
        reverse("accounts:login"),
        "identifier=me%00%40example.org&password=x",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400
    assert "“identifier” contains a NUL character" in response.content.decode()


def test_ordinary_input_passes(client):
    assert client.get("/api/editions", {"q": "安全"}).status_code == 200
    assert client.get(reverse("privacy:self_check"), {"q": "安全"}).status_code == 200
