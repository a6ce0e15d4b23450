"""Setting contests up from the organiser area: contests, criteria, judges."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cyberweek.accounts.models import OrganiserRole
from cyberweek.core.errors import (
    Conflict,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from cyberweek.core.models import AuditEvent
from cyberweek.showcase import contest_setup, services
from cyberweek.showcase.models import Criterion, JudgeAssignment, VideoContest
from tests.accounts.factories import UserFactory, organiser

from .factories import accepted_entry, contest, criteria

pytestmark = pytest.mark.django_db


def values(**changes):
    now = timezone.now().replace(second=0, microsecond=0)
    result = {
        "slug": "cup-2027",
        "title": "支付清算杯",
        "title_en": "Payment-Clearing Cup",
        "categories": ["youth", "open"],
        "formats": ["mp4"],
        "is_published": True,
        "submission_opens_at": now,
        "submission_closes_at": now + timedelta(days=10),
        "voting_opens_at": now + timedelta(days=11),
        "voting_closes_at": now + timedelta(days=20),
        "judge_weight": 60,
        "public_weight": 40,
    }
    result.update(changes)
    return result


def test_an_organiser_creates_and_changes_a_contest_and_it_is_audited(national):
    created = contest_setup.save_contest(actor=national, values=values())
    assert created.categories == ["youth", "open"]
    contest_setup.save_contest(actor=national, contest_id=created.pk, values={"winners": 5})
    created.refresh_from_db()
    assert created.winners == 5
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"showcase.contest_created", "showcase.contest_changed"} <= actions


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"slug": "mine"}, "slug"),
        ({"categories": []}, "categories"),
        ({"categories": ["elders"]}, "categories"),
        ({"formats": ["avi"]}, "formats"),
        ({"judge_weight": 70, "public_weight": 40}, "public_weight"),
        ({"max_size_bytes": 2 << 30}, "max_size_bytes"),
        ({"winners": 0}, "winners"),
    ],
)
def test_bad_contest_settings_are_refused_with_the_field_named(national, changes, field):
    with pytest.raises(ValidationFailed) as error:
        contest_setup.save_contest(actor=national, values=values(**changes))
    assert error.value.field == field
    assert not VideoContest.objects.exists()


def test_windows_must_be_in_order(national):
    start = values()["submission_opens_at"]
    with pytest.raises(ValidationFailed):
        contest_setup.save_contest(
            actor=national, values=values(submission_closes_at=start - timedelta(hours=1))
        )
    with pytest.raises(ValidationFailed):
        contest_setup.save_contest(
            actor=national, values=values(voting_closes_at=start + timedelta(days=5))
        )


def test_a_taken_slug_and_a_published_contest_are_refused(national):
    existing = contest(slug="cup-2027")
    with pytest.raises(Conflict):
        contest_setup.save_contest(actor=national, values=values())
    VideoContest.objects.filter(pk=existing.pk).update(results_published_at=timezone.now())
    with pytest.raises(InvalidTransition):
        contest_setup.save_contest(actor=national, contest_id=existing.pk, values={"winners": 1})


def test_only_national_organisers_set_contests_up():
    provincial = organiser(OrganiserRole.Level.PROVINCIAL, "110000")
    with pytest.raises(PermissionDenied):
        contest_setup.save_contest(actor=provincial, values=values())
    assert AuditEvent.objects.filter(outcome=AuditEvent.Outcome.DENIED).exists()


def test_criteria_change_only_until_judging_begins(national):
    the_contest = contest()
    added = contest_setup.add_criterion(
        actor=national, contest_id=the_contest.pk, name="创意", weight=3, max_score=10
    )
    assert added.position == 0
    with pytest.raises(ValidationFailed):
        contest_setup.add_criterion(actor=national, contest_id=the_contest.pk, name="x", weight=0)
    contest_setup.remove_criterion(actor=national, criterion_id=added.pk)
    first, second = criteria(the_contest)
    judge = UserFactory()
    JudgeAssignment.objects.create(contest=the_contest, judge=judge, category="open")
    entry = accepted_entry(the_contest, UserFactory())
    services.score_entry(actor=judge, entry_id=entry.pk, scores={first.pk: 1, second.pk: 2})
    with pytest.raises(InvalidTransition):
        contest_setup.remove_criterion(actor=national, criterion_id=first.pk)
    with pytest.raises(InvalidTransition):
        contest_setup.add_criterion(actor=national, contest_id=the_contest.pk, name="y", weight=1)


def test_judges_are_assigned_by_email_per_category_and_removed_before_scoring(national):
    the_contest = contest(categories=["open"])
    judge = UserFactory()
    assignment = contest_setup.assign_judge(
        actor=national, contest_id=the_contest.pk, judge_email=judge.email, category="open"
    )
    assert assignment.judge == judge
    with pytest.raises(Conflict):
        contest_setup.assign_judge(
            actor=national, contest_id=the_contest.pk, judge_email=judge.email, category="open"
        )
    with pytest.raises(ValidationFailed):
        contest_setup.assign_judge(
            actor=national, contest_id=the_contest.pk, judge_email=judge.email, category="youth"
        )
    with pytest.raises(NotFound):
        contest_setup.assign_judge(
            actor=national,
            contest_id=the_contest.pk,
            judge_email="nobody@example.org",
            category="open",
        )
    first, second = criteria(the_contest)
    entry = accepted_entry(the_contest, UserFactory())
    services.score_entry(actor=judge, entry_id=entry.pk, scores={first.pk: 1, second.pk: 2})
    with pytest.raises(InvalidTransition):
        contest_setup.remove_judge(actor=national, assignment_id=assignment.pk)
    other = contest_setup.assign_judge(
        actor=national,
        contest_id=the_contest.pk,
        judge_email=UserFactory().email,
        category="open",
    )
    contest_setup.remove_judge(actor=national, assignment_id=other.pk)
    assert JudgeAssignment.objects.count() == 1


def test_setting_a_contest_up_through_the_organiser_pages(client, national):
    client.force_login(national)
    assert "New video contest" in client.get("/en/organiser/showcase/").content.decode()
    form = {
        **values(),
        "submission_opens_at": "2027-11-01T09:00",
        "submission_closes_at": "2027-11-10T18:00",
        "voting_opens_at": "2027-11-11T09:00",
        "voting_closes_at": "2027-11-20T18:00",
        "max_duration_seconds": 300,
        "max_size_bytes": 1 << 30,
        "max_width": 1920,
        "max_height": 1080,
        "max_fps": 60,
        "vote_period": "day",
        "winners": 3,
    }
    bad = client.post("/en/organiser/showcase/new/", {**form, "public_weight": 50})
    assert bad.status_code == 400
    assert "add up to 100%" in bad.content.decode()
    response = client.post("/en/organiser/showcase/new/", form)
    created = VideoContest.objects.get(slug="cup-2027")
    assert response.url == f"/en/organiser/showcase/{created.pk}/setup/"
    setup = f"/en/organiser/showcase/{created.pk}"
    assert client.get(f"{setup}/edit/").status_code == 200
    client.post(f"{setup}/criteria/", {"name": "创意", "weight": 2, "max_score": 10})
    refused = client.post(f"{setup}/criteria/", {"name": "", "weight": 0, "max_score": 10})
    assert refused.status_code == 400
    judge = UserFactory()
    client.post(f"{setup}/judges/", {"judge_email": judge.email, "category": "youth"})
    unknown = client.post(f"{setup}/judges/", {"judge_email": "no@example.org", "category": "open"})
    assert "No account has this email address" in unknown.content.decode()
    page = client.get(f"{setup}/setup/").content.decode()
    assert "创意" in page
    assert str(judge) in page
    criterion = Criterion.objects.get(contest=created)
    client.post(f"{setup}/criteria/{criterion.pk}/remove/")
    assert not Criterion.objects.filter(contest=created).exists()
    client.force_login(organiser(OrganiserRole.Level.PROVINCIAL, "110000"))
    assert client.get(f"{setup}/setup/").status_code == 403
    assert client.post("/en/organiser/showcase/new/", form).status_code == 403
