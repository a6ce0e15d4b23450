"""`load_demo` leaves every feature ready to try: a current edition around today next to
the 2019 archive, registration with a few seats and a waiting list, an open contest,
activities at every stage, tickets and check-ins."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from cyberweek.accounts.models import User
from cyberweek.activities.models import Activity
from cyberweek.programme.models import Edition
from cyberweek.programme.queries import current_edition, week_status
from cyberweek.quiz.models import Contest
from cyberweek.tickets.models import Offering, Registration

pytestmark = pytest.mark.django_db


def _load(*args) -> str:
    out = io.StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def demo():
    return _load()


def _offering(edition, slug) -> Offering:
    event = edition.events.get(slug=slug)
    return Offering.objects.get(source=Offering.Source.EVENT, source_id=event.pk)


def test_the_current_edition_runs_this_week_next_to_the_2019_archive(demo, client):
    today = timezone.localdate()
    edition = current_edition()
    assert edition.year == today.year
    assert edition.starts_on < today < edition.ends_on
    assert Edition.objects.filter(year=2019, is_published=True).exists()
    status = week_status(edition)
    assert status.phase == "running"
    assert status.today.themed_day.title_en == "Telecom Day"
    page = client.get(reverse("programme:home")).content.decode()
    assert "Telecom Day" in page
    assert f"the {edition.year} edition" in demo


def test_events_ahead_are_open_with_a_few_seats_left_and_a_waiting_list(demo, client):
    edition = current_edition()
    few = _offering(edition, "finance-forum")
    assert few.closed_reason() == ""
    assert 0 < few.free_seats <= 3
    full = _offering(edition, "quiz")
    assert full.free_seats == 0
    assert full.waitlisted_seats > 0
    visitor = User.objects.by_email("visitor@example.org").get()
    client.force_login(visitor)
    response = client.post(reverse("tickets:register", args=[few.pk]), {"name": "访客"})
    assert response.status_code == 302
    registration = Registration.objects.get(offering=few, user=visitor)
    assert registration.status == Registration.Status.CONFIRMED


def test_the_visitor_holds_a_ticket_for_today_and_others_were_checked_in(demo):
    expo = _offering(current_edition(), "expo")
    assert expo.starts_at <= timezone.now() <= expo.ends_at
    user = User.objects.by_email("visitor@example.org").get()
    visitor = Registration.objects.get(offering=expo, user=user)
    assert visitor.status == Registration.Status.CONFIRMED
    assert visitor.checked_in_at is None
    checked = Registration.objects.filter(offering=expo, checked_in_at__isnull=False)
    assert checked.count() == expo.checked_in_seats == 3
    assert all(r.attendee_name for r in checked)


def test_a_contest_of_the_current_edition_is_open(demo):
    edition = current_edition()
    contest = Contest.objects.get(edition=edition)
    now = timezone.now()
    assert contest.is_published
    assert contest.opens_at <= now < contest.closes_at
    flagged = contest.attempts.get(is_flagged=True)
    assert flagged.passed  # for an organiser to clear or void


def test_current_activities_stand_at_every_stage_on_fitting_days(demo):
    edition = current_edition()
    activities = Activity.objects.filter(edition=edition)
    assert set(activities.values_list("status", flat=True)) == set(Activity.Status.values)
    today = timezone.localdate()
    for activity in activities.filter(status__in=["held", "reported", "verified"]):
        assert timezone.localtime(activity.starts_at).date() < today
    for activity in activities.filter(status__in=["draft", "submitted", "returned"]):
        assert timezone.localtime(activity.starts_at).date() >= today
    heping = activities.filter(region__code="120101")
    assert {"submitted", "returned", "held"} <= set(heping.values_list("status", flat=True))


def test_a_second_load_adds_nothing_and_draws_the_same_activities():
    _load()
    counts = (Activity.objects.count(), Registration.objects.count(), Offering.objects.count())
    titles = list(Activity.objects.order_by("pk").values_list("title", "status"))
    _load()
    assert counts == (
        Activity.objects.count(),
        Registration.objects.count(),
        Offering.objects.count(),
    )
    assert titles == list(Activity.objects.order_by("pk").values_list("title", "status"))


def test_opens_in_places_the_week_ahead_for_the_countdown(client):
    _load("--opens-in", "5")
    edition = current_edition()
    assert edition.starts_on == timezone.localdate() + timezone.timedelta(days=5)
    page = client.get(reverse("programme:home")).content.decode()
    assert "The Week opens in 5 days." in page
