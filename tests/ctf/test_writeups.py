"""Write-ups: sent after the end by a team that solved the challenge, screened before
anyone else reads them, reviewed by organisers, shown by the competition's rule, and in
the privacy registry."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from cyberweek.core.audit import AuditEvent
from cyberweek.core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from cyberweek.ctf import personal_data, services
from cyberweek.ctf.models import Competition, WriteUp
from tests.accounts.factories import UserFactory

from .factories import ChallengeFactory, team

pytestmark = pytest.mark.django_db
PHONE = "13912345678"
TEXT = f"先看源码，然后**利用**注入。有问题联系我 {PHONE}"


def ended_with_a_solve(**competition_fields):
    challenge = ChallengeFactory()
    competition = challenge.competition
    solver = team(competition, name="Solver", members=2)
    services.submit_flag(actor=solver.captain, challenge_id=challenge.pk, text=challenge.flag)
    Competition.objects.filter(pk=competition.pk).update(
        ends_at=timezone.now() - timedelta(minutes=1), **competition_fields
    )
    challenge.refresh_from_db()
    return challenge, solver


def test_a_writeup_is_refused_before_the_end_and_without_a_solve():
    challenge = ChallengeFactory()
    solver = team(challenge.competition)
    services.submit_flag(actor=solver.captain, challenge_id=challenge.pk, text=challenge.flag)
    with pytest.raises(InvalidTransition, match="after the competition ends"):
        services.submit_writeup(actor=solver.captain, challenge_id=challenge.pk, text=TEXT)
    challenge, _solver = ended_with_a_solve()
    other = team(challenge.competition, name="Other")
    with pytest.raises(InvalidTransition, match="challenges it solved"):
        services.submit_writeup(actor=other.captain, challenge_id=challenge.pk, text=TEXT)
    with pytest.raises(InvalidTransition, match="team taking part"):
        services.submit_writeup(actor=UserFactory(), challenge_id=challenge.pk, text=TEXT)


@pytest.mark.parametrize(
    ("text", "message"), [("   ", "Write the write-up"), ("x" * 50_001, "at most 50000")]
)
def test_bad_writeup_text_is_refused(text, message):
    challenge, solver = ended_with_a_solve()
    with pytest.raises(ValidationFailed, match=message):
        services.submit_writeup(actor=solver.captain, challenge_id=challenge.pk, text=text)
    assert not WriteUp.objects.exists()


def test_the_text_is_screened_and_others_read_only_the_screened_text(client, staff):
    challenge, solver = ended_with_a_solve()
    writeup = services.submit_writeup(actor=solver.captain, challenge_id=challenge.pk, text=TEXT)
    assert PHONE in writeup.text
    assert PHONE not in writeup.public_text
    assert writeup.found_types
    client.force_login(staff)
    review = client.get(reverse("organiser:ctf_competition", args=[challenge.competition_id]))
    assert PHONE not in review.content.decode()
    assert "利用" in review.content.decode()
    url = reverse("ctf:challenge", args=[challenge.competition.slug, challenge.pk])
    client.logout()
    assert "利用" not in client.get(url).content.decode()  # not accepted yet
    services.review_writeup(actor=staff, writeup_id=writeup.pk, accept=True)
    page = client.get(url).content.decode()
    assert "<strong>利用</strong>" in page
    assert PHONE not in page
    listing = client.get(reverse("ctf:writeups", args=[challenge.competition.slug]))
    assert "<strong>利用</strong>" in listing.content.decode()
    assert AuditEvent.objects.filter(action="ctf.writeup.accepted").exists()


def test_a_rejection_needs_a_reason_which_the_team_reads(client, staff):
    challenge, solver = ended_with_a_solve()
    writeup = services.submit_writeup(actor=solver.captain, challenge_id=challenge.pk, text=TEXT)
    with pytest.raises(ValidationFailed, match="Say why"):
        services.review_writeup(actor=staff, writeup_id=writeup.pk, accept=False)
    with pytest.raises(PermissionDenied):
        services.review_writeup(actor=solver.captain, writeup_id=writeup.pk, accept=True)
    client.force_login(staff)
    client.post(
        reverse("organiser:ctf_writeup_review", args=[writeup.pk, "reject"]),
        {"note": "请补充解题步骤"},
    )
    writeup.refresh_from_db()
    assert writeup.status == WriteUp.Status.REJECTED
    member = solver.memberships.exclude(user=solver.captain).get().user
    client.force_login(member)
    mine = client.get(reverse("ctf:my_team", args=[challenge.competition.slug]))
    assert "请补充解题步骤" in mine.content.decode()


@pytest.mark.parametrize(
    ("rule", "visitor", "member", "outsider"),
    [
        ("public", True, True, True),
        ("teams", False, True, False),
        ("organisers", False, False, False),
    ],
)
def test_accepted_writeups_follow_the_competitions_rule(
    client, staff, rule, visitor, member, outsider
):
    challenge, solver = ended_with_a_solve(writeups_visible_to=rule)
    other = team(challenge.competition, name="Other")
    writeup = services.submit_writeup(actor=solver.captain, challenge_id=challenge.pk, text=TEXT)
    services.review_writeup(actor=staff, writeup_id=writeup.pk, accept=True)
    url = reverse("ctf:writeups", args=[challenge.competition.slug])

    def sees():
        return "利用" in client.get(url).content.decode()

    assert sees() is visitor
    client.force_login(other.captain)
    assert sees() is member
    client.force_login(UserFactory())
    assert sees() is outsider
    client.force_login(staff)
    assert sees() is True


def test_a_writeup_is_sent_from_a_file_and_a_binary_file_is_refused(client):
    challenge, solver = ended_with_a_solve()
    client.force_login(solver.captain)
    url = reverse("ctf:write_up", args=[challenge.competition.slug, challenge.pk])
    binary = SimpleUploadedFile("wp.md", b"\x00\x01ELF")
    refused = client.post(url, {"file": binary})
    assert refused.status_code == 400
    assert "not a text file" in refused.content.decode()
    wrong = client.post(url, {"file": SimpleUploadedFile("wp.exe", b"MZ")})
    assert "Markdown (.md) or text (.txt)" in wrong.content.decode()
    sent = client.post(url, {"file": SimpleUploadedFile("wp.md", TEXT.encode())})
    assert sent.status_code == 302
    assert WriteUp.objects.get().text == TEXT


def test_a_rewrite_waits_for_review_again(staff):
    challenge, solver = ended_with_a_solve()
    first = services.submit_writeup(actor=solver.captain, challenge_id=challenge.pk, text=TEXT)
    services.review_writeup(actor=staff, writeup_id=first.pk, accept=True)
    again = services.submit_writeup(actor=solver.captain, challenge_id=challenge.pk, text="新版")
    assert again.pk == first.pk
    assert again.status == WriteUp.Status.SUBMITTED


def test_privacy_exports_and_erases_a_persons_writeups():
    challenge, solver = ended_with_a_solve()
    services.submit_writeup(actor=solver.captain, challenge_id=challenge.pk, text=TEXT)
    records = personal_data.export(solver.captain)
    sent = [r for r in records if r["what"] == "Write-up you sent"]
    assert len(sent) == 1
    assert TEXT in sent[0].values()
    personal_data.erase(solver.captain)
    assert not WriteUp.objects.exists()
    solver.refresh_from_db()
    assert solver.score == 525


def test_retention_keeps_accepted_writeups_as_screened_text_without_author(staff):
    challenge, solver = ended_with_a_solve()
    accepted = services.submit_writeup(actor=solver.captain, challenge_id=challenge.pk, text=TEXT)
    services.review_writeup(actor=staff, writeup_id=accepted.pk, accept=True)
    source = personal_data.SOURCES[0]
    late = challenge.competition.edition.ends_on + timedelta(days=400)
    source.purge_due(today=late, dry_run=False)
    kept = WriteUp.objects.get()
    assert kept.author is None
    assert PHONE not in kept.text


def test_a_one_megabyte_writeup_is_refused_on_the_page_and_markup_is_shown_as_text(client, staff):
    challenge, solver = ended_with_a_solve()
    client.force_login(solver.captain)
    url = reverse("ctf:write_up", args=[challenge.competition.slug, challenge.pk])
    huge = client.post(url, {"text": "x" * (1024 * 1024)})
    assert huge.status_code == 400
    assert "at most 50000 characters" in huge.content.decode()
    assert not WriteUp.objects.exists()
    sent = client.post(url, {"text": "<script>alert(1)</script> **ok**"})
    assert sent.status_code == 302
    services.review_writeup(actor=staff, writeup_id=WriteUp.objects.get().pk, accept=True)
    page = client.get(reverse("ctf:writeups", args=[challenge.competition.slug])).content
    assert b"<script>alert(1)</script>" not in page
    assert b"<strong>ok</strong>" in page
