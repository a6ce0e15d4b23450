"""Local media answer HTTP Range requests, so players can seek (and Safari plays)."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from cyberweek.showcase.models import Entry, VideoFile
from tests.accounts.factories import UserFactory

from .factories import accepted_entry, contest

pytestmark = pytest.mark.django_db
BODY = bytes(range(256)) * 40  # 10,240 bytes


@pytest.fixture(autouse=True)
def _storage(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def video_url():
    entry = accepted_entry(contest(), UserFactory())
    name = default_storage.save(f"showcase/{entry.ref}/web.mp4", ContentFile(BODY))
    entry.video = VideoFile.objects.create(
        entry=entry, length=len(BODY), expires_at=timezone.now(), rendition_name=name
    )
    entry.save()
    return f"/en/showcase/entries/{entry.ref}/video/"


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_a_whole_file_says_it_accepts_ranges(client, video_url):
    response = client.get(video_url)
    assert response.status_code == 200
    assert response["Accept-Ranges"] == "bytes"
    assert response["Content-Type"] == "video/mp4"
    assert body(response) == BODY


@pytest.mark.parametrize(
    ("header", "start", "end"),
    [
        ("bytes=0-99", 0, 99),
        ("bytes=100-", 100, len(BODY) - 1),
        ("bytes=-10", len(BODY) - 10, len(BODY) - 1),
        ("bytes=0-0", 0, 0),
        ("bytes=-1", len(BODY) - 1, len(BODY) - 1),
        ("bytes=10000-99999", 10000, len(BODY) - 1),
    ],
)
def test_a_range_gets_206_with_exactly_those_bytes(client, video_url, header, start, end):
    response = client.get(video_url, HTTP_RANGE=header)
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes {start}-{end}/{len(BODY)}"
    assert int(response["Content-Length"]) == end - start + 1
    assert body(response) == BODY[start : end + 1]


@pytest.mark.parametrize("header", ["bytes=20000-", "bytes=10240-10300", "bytes=50-10"])
def test_an_unsatisfiable_range_gets_416_with_the_size(client, video_url, header):
    response = client.get(video_url, HTTP_RANGE=header)
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{len(BODY)}"


@pytest.mark.parametrize("header", ["items=0-10", "bytes=abc", "bytes=0-10,20-30"])
def test_a_range_this_server_does_not_read_is_ignored_and_the_file_sent(client, video_url, header):
    # RFC 9110 14.2: a server may ignore a Range it does not support.
    response = client.get(video_url, HTTP_RANGE=header)
    assert response.status_code == 200
    assert body(response) == BODY


def test_head_and_other_methods(client, video_url):
    head = client.head(video_url, HTTP_RANGE="bytes=0-9")
    assert head.status_code == 206
    assert head["Content-Length"] == "10"
    assert client.put(video_url).status_code == 405


def test_a_range_does_not_open_an_entry_that_is_not_public(client, video_url):
    Entry.objects.update(status=Entry.Status.SCREENING)
    assert client.get(video_url, HTTP_RANGE="bytes=0-9").status_code == 404
