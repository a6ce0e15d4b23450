"""Every response carries a strict Content-Security-Policy and a Permissions-Policy that turns
powerful features off; only the check-in scanner may use the camera."""

import re

import pytest
from django.urls import reverse

from cyberweek.accounts.models import OrganiserRole
from cyberweek.core.permissions_policy import header_value
from tests.accounts.factories import UserFactory, organiser
from tests.quiz.factories import contest_with_paper, entry_for
from tests.tickets.factories import OfferingFactory

pytestmark = pytest.mark.django_db


def directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (part.split() for part in header.split(";") if part.strip())
    }


def features(response) -> dict[str, str]:
    return dict(part.strip().split("=", 1) for part in response["Permissions-Policy"].split(","))


PUBLIC_PAGES = [
    "/",
    "/en/",
    "/activities/map/",
    "/quiz/",
    "/accounts/login/",
    "/api/docs",
    "/api/openapi.json",
    "/api/quiz/contests",
    "/this-page-does-not-exist/",
]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_every_response_has_the_strict_policy(client, path):
    response = client.get(path, follow=True)
    policy = directives(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    for kind in ("script-src", "style-src"):
        assert "'unsafe-inline'" not in policy[kind]
        assert "'unsafe-eval'" not in policy[kind]
        assert all(v == "'self'" or v.startswith("'nonce-") for v in policy[kind])
    allowed = features(response)
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert allowed[feature] == "()"


def test_the_html_pages_have_no_inline_script_or_style(client):
    """Inline code would be refused by the policy: scripts and styles come as files."""
    contest = contest_with_paper()
    user = UserFactory()
    entry_for(contest, user)
    client.force_login(user)
    started = client.post(f"/api/quiz/contests/{contest.slug}/attempts").json()
    for path in (
        "/",
        "/activities/map/",
        "/quiz/",
        reverse("quiz:contest", args=[contest.slug]),
        reverse("quiz:attempt", args=[started["id"]]),
        "/privacy/",
    ):
        html = client.get(path, follow=True).content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), path
        assert not re.search(r"\sstyle\s*=", html), path
        assert not re.search(r"\son[a-z]+\s*=", html), path
        assert "javascript:" not in html, path


def test_a_nonce_asked_for_by_a_template_is_in_the_header(rf, settings):
    from django.http import HttpResponse

    from cyberweek.core.csp import CSPMiddleware

    def view(request):
        return HttpResponse(f'<script nonce="{request.csp_nonce}"></script>')

    middleware = CSPMiddleware(view)
    request = rf.get("/")
    middleware.process_request(request)
    response = middleware.process_response(request, view(request))
    nonce = re.search(r'nonce="([^"]+)"', response.content.decode()).group(1)
    assert f"'nonce-{nonce}'" in directives(response)["script-src"]
    other = rf.get("/")
    middleware.process_request(other)
    assert nonce not in middleware.process_response(other, view(other))["Content-Security-Policy"]


def test_only_the_check_in_scanner_may_use_the_camera(client, regions):
    offering = OfferingFactory()
    offering.region = regions.get(code="120101")
    offering.save()
    client.force_login(organiser(OrganiserRole.Level.UNIT, "120101"))
    scanner = client.get(reverse("organiser:tickets_check_in", args=[offering.pk]))
    assert scanner.status_code == 200
    assert features(scanner)["camera"] == "(self)"
    assert features(scanner)["microphone"] == "()"
    other = client.get(reverse("organiser:dashboard"))
    assert features(other)["camera"] == "()"


def test_the_permissions_policy_header_syntax():
    assert header_value({"camera": ["self"], "geolocation": []}) == "camera=(self), geolocation=()"
    assert header_value({"camera": ["https://scan.example"]}) == 'camera=("https://scan.example")'


def test_the_header_follows_a_change_of_the_settings(client, settings):
    """The header is built once per process; new settings (as in a test) rebuild it."""
    assert "img-src 'self' data:" in client.get("/quiz/")["Content-Security-Policy"]
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": ["'none'"]}}
    assert client.get("/quiz/")["Content-Security-Policy"] == "default-src 'none'"
