"""Challenge attachments: checked by the bounded reader, kept in the media storage,
downloaded by teams only once the challenge is open to them, every change audited."""

import io
import zipfile
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from cyberweek.core.audit import AuditEvent
from cyberweek.core.errors import FileLimitExceeded, PermissionDenied, ValidationFailed
from cyberweek.ctf import attachments, services
from cyberweek.ctf.models import Attachment, Team
from tests.accounts.factories import UserFactory

from .factories import ChallengeFactory, team

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def a_zip(members=1, size=10) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for n in range(members):
            archive.writestr(f"m{n}.txt", b"a" * size)
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "content"),
    [("chall.zip", a_zip()), ("stego.png", PNG), ("notes.txt", "说明".encode())],
)
def test_files_that_are_what_they_claim_are_accepted_byte_for_byte(staff, name, content):
    challenge = ChallengeFactory()
    added = services.add_attachment(
        actor=staff, challenge_id=challenge.pk, filename=name, content=content
    )
    assert added.file.read() == content  # never re-encoded: the bytes are the puzzle
    assert added.name == name
    assert added.file.name.startswith(f"ctf/{challenge.competition_id}/")
    assert name not in added.file.name
    event = AuditEvent.objects.get(action="ctf.attachment.added")
    assert event.actor_id == staff.pk


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("image.png", b"<html>not a png</html>", "This is not a .png file"),
        ("archive.zip", PNG, "This is not a .zip file"),
        ("notes.txt", b"\x00\x01\x02binary", "not a text file"),
        ("page.html", b"<script>alert(1)</script>", "Attachments may be"),
        ("empty.zip", b"", "empty"),
    ],
)
def test_a_file_that_is_not_what_it_claims_is_refused_clearly(staff, name, content, message):
    challenge = ChallengeFactory()
    with pytest.raises(ValidationFailed, match=message):
        services.add_attachment(
            actor=staff, challenge_id=challenge.pk, filename=name, content=content
        )
    assert not Attachment.objects.exists()


def test_a_zip_that_unpacks_past_the_limit_is_refused(staff, settings):
    settings.UPLOAD_MAX_INFLATED_BYTES = 100_000
    challenge = ChallengeFactory()
    with pytest.raises(FileLimitExceeded, match="unpacks to more than"):
        services.add_attachment(
            actor=staff, challenge_id=challenge.pk, filename="bomb.zip", content=a_zip(size=200_000)
        )


def test_a_file_over_the_size_limit_is_refused(staff, settings):
    settings.UPLOAD_MAX_FILE_BYTES = 1000
    with pytest.raises(FileLimitExceeded, match="larger than"):
        attachments.check("big.txt", b"a" * 1001)


def test_names_lose_folders_and_markup():
    assert attachments.clean_name("../../etc/<b>x</b>.txt") == ("b.txt", ".txt")
    assert attachments.clean_name("a <img onerror=x>.md") == ("a_img_onerror_x.md", ".md")
    assert attachments.clean_name("C:\\dir\\chall.ZIP")[0] == "chall.zip"


def test_competitors_cannot_attach_files():
    challenge = ChallengeFactory()
    player = team(challenge.competition).captain
    with pytest.raises(PermissionDenied):
        services.add_attachment(
            actor=player, challenge_id=challenge.pk, filename="x.png", content=PNG
        )


def _download(client, attachment):
    competition = attachment.challenge.competition
    return client.get(reverse("ctf:attachment", args=[competition.slug, attachment.token]))


def test_teams_download_files_of_open_challenges_only(client, staff):
    challenge = ChallengeFactory()
    added = services.add_attachment(
        actor=staff, challenge_id=challenge.pk, filename="chall.png", content=PNG
    )
    assert _download(client, added).status_code == 404  # a visitor
    client.force_login(UserFactory())
    assert _download(client, added).status_code == 404  # signed in, in no team
    player = team(challenge.competition)
    client.force_login(player.captain)
    got = _download(client, added)
    assert got.status_code == 200
    assert b"".join(got.streaming_content) == PNG
    assert 'attachment; filename="chall.png"' in got["Content-Disposition"]
    assert got["X-Content-Type-Options"] == "nosniff"
    page = client.get(reverse("ctf:challenge", args=[challenge.competition.slug, challenge.pk]))
    assert "chall.png" in page.content.decode()
    challenge.release_at = timezone.now() + timedelta(hours=1)
    challenge.save()
    assert _download(client, added).status_code == 404
    challenge.release_at, challenge.is_hidden = None, True
    challenge.save()
    assert _download(client, added).status_code == 404
    client.force_login(staff)
    assert _download(client, added).status_code == 200  # organisers always


def test_a_banned_team_cannot_download(client, staff):
    challenge = ChallengeFactory()
    added = services.add_attachment(
        actor=staff, challenge_id=challenge.pk, filename="c.png", content=PNG
    )
    banned = team(challenge.competition, status=Team.Status.BANNED)
    client.force_login(banned.captain)
    assert _download(client, added).status_code == 404


def test_organisers_attach_and_remove_files_from_the_challenge_page(client, staff, media):
    challenge = ChallengeFactory()
    client.force_login(staff)
    url = reverse("organiser:ctf_attachment_new", args=[challenge.pk])
    fake = SimpleUploadedFile("fake.png", b"GIF89a not a png")
    refused = client.post(url, {"file": fake}, follow=True)
    assert "This is not a .png file" in refused.content.decode()
    client.post(url, {"file": SimpleUploadedFile("ok.png", PNG)})
    added = Attachment.objects.get()
    page = client.get(challenge.get_organiser_url()).content.decode()
    assert "ok.png" in page
    stored = media / added.file.name
    assert stored.exists()
    client.post(reverse("organiser:ctf_attachment_remove", args=[added.pk]))
    assert not Attachment.objects.exists()
    assert AuditEvent.objects.filter(action="ctf.attachment.removed").exists()
