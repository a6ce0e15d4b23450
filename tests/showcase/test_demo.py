import pytest
from django.core.files.storage import default_storage

from cyberweek.accounts.models import OrganiserRole
from cyberweek.showcase import demo
from cyberweek.showcase.models import Entry
from tests.accounts.factories import organiser

pytestmark = pytest.mark.django_db


@pytest.mark.usefixtures("ffmpeg")
def test_the_demo_contest_has_checked_entries_waiting_for_screening_repeatably(
    settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SHOWCASE_STAGING_DIR = tmp_path / "staging"
    national = organiser(OrganiserRole.Level.NATIONAL)
    with django_capture_on_commit_callbacks(execute=True):
        contest = demo.load(national)
    entries = list(contest.entries.all())
    assert len(entries) == 2
    assert {e.status for e in entries} == {Entry.Status.SCREENING}
    assert all(default_storage.exists(e.video.rendition_name) for e in entries)
    assert contest.criteria.count() == 3
    demo.load(national)
    assert contest.entries.count() == 2
