"""Winners' certificates: issued at publication to the places the contest rewards, a PDF
for the winner with a QR code, and a public verification page that masks the name unless
the entrant consented."""

import io
from datetime import timedelta

import pytest
from pypdf import PdfReader

from cyberweek.accounts.models import OrganiserRole
from cyberweek.showcase import certificates as showcase_certificates
from cyberweek.showcase import services
from cyberweek.showcase.models import Certificate, Entry, Vote
from tests.accounts.factories import UserFactory, organiser

from .factories import accepted_entry, contest

pytestmark = pytest.mark.django_db


@pytest.fixture
def published():
    """A contest with three accepted entries ranked by votes, published with two winners."""
    the_contest = contest(winners=2, judge_weight=0, public_weight=100)
    entries = [
        accepted_entry(the_contest, UserFactory(), public_title=f"作品{i}", display_name="李小明")
        for i in range(3)
    ]
    for votes, entry in zip((3, 2, 1), entries, strict=True):
        for _ in range(votes):
            Vote.objects.create(
                contest=the_contest, entry=entry, voter=UserFactory(), day="2026-12-06"
            )
    later = the_contest.voting_closes_at + timedelta(minutes=1)
    national = organiser(OrganiserRole.Level.NATIONAL)
    services.publish_results(actor=national, contest_id=the_contest.pk, now=later)
    return the_contest, entries, national


def test_publishing_issues_certificates_to_the_places_the_contest_rewards(published):
    the_contest, entries, national = published
    issued = {c.entry_id: c.rank for c in Certificate.objects.all()}
    assert issued == {entries[0].pk: 1, entries[1].pk: 2}
    later = the_contest.voting_closes_at + timedelta(hours=1)
    services.publish_results(actor=national, contest_id=the_contest.pk, now=later)
    assert Certificate.objects.count() == 2


def test_the_winner_downloads_a_pdf_and_others_cannot(client, published):
    _contest, entries, _national = published
    winner = entries[0].entrant
    client.force_login(UserFactory())
    assert client.get(f"/en/showcase/entries/{entries[0].ref}/certificate.pdf").status_code == 404
    client.force_login(entries[2].entrant)
    assert client.get(f"/en/showcase/entries/{entries[2].ref}/certificate.pdf").status_code == 404
    client.force_login(winner)
    mine = client.get("/en/showcase/mine/").content.decode()
    assert "Winner's certificate (place 1, PDF)" in mine
    response = client.get(f"/en/showcase/entries/{entries[0].ref}/certificate.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_the_pdf_names_the_entrant_as_the_public_sees_them():
    the_contest = contest()
    entry = accepted_entry(the_contest, UserFactory(), display_name="王大锤", show_name=False)
    certificate = Certificate.objects.create(entry=entry, rank=1, code="c" * 22)
    pdf = showcase_certificates.render_pdf(certificate, verify_url="http://testserver/x")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "王**" in text
    assert "王大锤" not in text


def test_the_verification_page_masks_the_name_without_consent(client, published):
    _contest, entries, _national = published
    code = entries[0].certificate.code
    page = client.get(f"/en/showcase/certificates/{code}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "genuine" in text
    assert "李**" in text
    assert "李小明" not in text
    Entry.objects.filter(pk=entries[0].pk).update(show_name=True)
    assert "李小明" in client.get(f"/en/showcase/certificates/{code}/").content.decode()


@pytest.mark.parametrize("code", ["nope", "x" * 33, "a.b~c"])
def test_an_unknown_or_malformed_code_is_not_a_certificate(client, code):
    page = client.get(f"/en/showcase/certificates/{code}/")
    assert page.status_code == 404
    assert "certificate has the code" in page.content.decode()


def test_an_erased_entry_has_no_valid_certificate(client, published):
    _contest, entries, _national = published
    code = entries[0].certificate.code
    Entry.objects.filter(pk=entries[0].pk).update(erased=True)
    assert client.get(f"/en/showcase/certificates/{code}/").status_code == 404
