"""The second factor holds on every organiser page, in the permission layer that services,
queries, tasks and commands share, and for the demo loader that acts from the console."""

import re

import pytest
from django.core.management import call_command
from django.urls import URLPattern, reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from cyberweek import organiser_urls
from cyberweek.accounts.models import OrganiserRole, User
from cyberweek.core import permissions
from cyberweek.core.errors import SecondFactorRequired
from tests.accounts.factories import PASSWORD, UserFactory, organiser

pytestmark = pytest.mark.django_db
L = OrganiserRole.Level


def sample(group: str) -> str:
    """A value a URL's parameter accepts: 1 for numbers, else the first listed choice."""
    if group.startswith(("[0-9]", r"\d")):
        return "1"
    first = group.split("|")[0]
    return first if re.fullmatch(r"[\w-]+", first) else "x"


def organiser_pages():
    """Every page under /organiser/, with sample parameters (listed from the URLconf, so a
    page added later is walked too)."""
    for pattern in organiser_urls.urlpatterns:
        assert isinstance(pattern, URLPattern)
        groups = re.findall(r"\(\?P<(\w+)>([^)]*)\)", pattern.pattern.regex.pattern)
        kwargs = {name: sample(group) for name, group in groups}
        yield reverse(f"organiser:{pattern.name}", kwargs=kwargs)


@pytest.fixture
def half_signed_in(client, settings):
    settings.ORGANISER_2FA_REQUIRED = True
    national = organiser(L.NATIONAL, email="nat@example.org")
    TOTPDevice.objects.create(user=national, name="phone", confirmed=True)
    client.post(reverse("accounts:login"), {"identifier": "nat@example.org", "password": PASSWORD})
    return national


@pytest.mark.parametrize("url", list(organiser_pages()))
def test_every_organiser_page_sends_a_half_signed_in_organiser_to_the_code_page(
    client, half_signed_in, url
):
    for method in (client.get, client.post):
        response = method(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("accounts:otp_verify")), url


def test_an_organiser_loaded_outside_a_request_holds_no_role_until_marked(settings):
    settings.ORGANISER_2FA_REQUIRED = True
    national = User.objects.get(pk=organiser(L.NATIONAL).pk)
    assert permissions.roles_of(national) == []
    with pytest.raises(SecondFactorRequired, match="authenticator"):
        permissions.require_scope(national, action="programme.manage")
    permissions.acting_without_session(national)
    permissions.require_scope(national, action="programme.manage")


def test_without_the_requirement_roles_count_at_once(settings):
    settings.ORGANISER_2FA_REQUIRED = False
    national = User.objects.get(pk=organiser(L.NATIONAL).pk)
    assert len(permissions.roles_of(national)) == 1


def test_the_demo_loads_with_two_factor_required(settings, tmp_path):
    settings.ORGANISER_2FA_REQUIRED = True
    call_command("load_demo", stdout=open(tmp_path / "out.txt", "w"))  # noqa: SIM115
    assert OrganiserRole.objects.filter(level=L.PROVINCIAL).exists()


def test_demo_accounts_sign_in_at_once(client, tmp_path):
    out = tmp_path / "out.txt"
    with out.open("w") as stream:
        call_command("load_demo", stdout=stream)
    line = next(x for x in out.read_text().splitlines() if "visitor@example.org" in x)
    password = line.split()[1]
    response = client.post(
        reverse("accounts:login"), {"identifier": "visitor@example.org", "password": password}
    )
    assert response.status_code == 302


def test_the_admin_needs_the_second_factor_too(client, settings):
    settings.ORGANISER_2FA_REQUIRED = True
    staff = UserFactory(email="staff@example.org", is_staff=True, is_superuser=True)
    device = TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)
    signed_in = client.post(
        reverse("accounts:login"), {"identifier": "staff@example.org", "password": PASSWORD}
    )
    assert signed_in["Location"].startswith(reverse("accounts:otp_verify"))
    for url in ("/admin/", "/admin/accounts/user/", "/admin/otp_totp/totpdevice/add/"):
        response = client.get(url, follow=True)
        assert response.redirect_chain[-1][0].startswith(reverse("accounts:otp_verify")), url
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    client.post(reverse("accounts:otp_verify"), {"token": f"{totp.token():06d}"})
    assert client.get("/admin/accounts/user/").status_code == 200
