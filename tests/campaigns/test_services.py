from datetime import date
from decimal import Decimal

import pytest

from cyberweek.activities.models import Activity
from cyberweek.campaigns import queries, services
from cyberweek.campaigns.models import Campaign, Volunteer, VolunteerTask
from cyberweek.core.errors import (
    Conflict,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from cyberweek.core.models import AuditEvent
from cyberweek.geo.models import Region, Sector
from tests.accounts.factories import organiser
from tests.activities.factories import HEPING, HEXI, SHIJIAZHUANG_COUNTY, ActivityFactory

from .factories import campaign, campaign_data, verified_activity

pytestmark = pytest.mark.django_db


def test_an_organiser_creates_a_campaign_in_their_region_and_it_is_audited(tianjin, edition):
    made = services.create_campaign(actor=tianjin, edition=edition, data=campaign_data())
    assert made.region_path == "/120000/"
    assert AuditEvent.objects.filter(action="campaigns.created", actor=tianjin).exists()


@pytest.mark.parametrize("goal", ["goal_activities", "goal_participants", "goal_regions"])
@pytest.mark.parametrize("value", [0, -5])
def test_a_goal_of_zero_or_less_is_refused_naming_the_goal(tianjin, edition, goal, value):
    with pytest.raises(ValidationFailed) as refused:
        services.create_campaign(
            actor=tianjin, edition=edition, data=campaign_data(**{goal: value})
        )
    assert (goal, "A goal must be a whole number of at least 1.") in refused.value.errors
    assert not Campaign.objects.exists()


def test_a_campaign_outside_the_edition_window_is_refused(tianjin, edition):
    with pytest.raises(ValidationFailed) as refused:
        services.create_campaign(
            actor=tianjin, edition=edition, data=campaign_data(ends_on=date(2019, 12, 1))
        )
    assert refused.value.errors[0][0] == "starts_on"


def test_a_campaign_for_a_region_outside_ones_scope_is_refused_and_recorded(hebei, edition):
    with pytest.raises(PermissionDenied):
        services.create_campaign(actor=hebei, edition=edition, data=campaign_data())
    assert AuditEvent.objects.filter(action="campaigns.manage", outcome="denied").exists()
    assert not Campaign.objects.exists()


def test_two_campaigns_of_an_edition_cannot_share_a_short_name(tianjin, edition):
    services.create_campaign(actor=tianjin, edition=edition, data=campaign_data())
    with pytest.raises(Conflict):
        services.create_campaign(actor=tianjin, edition=edition, data=campaign_data())


def test_personal_information_in_the_summary_is_masked(tianjin, edition):
    data = campaign_data(summary="联系人电话13812345678")
    made = services.create_campaign(actor=tianjin, edition=edition, data=data)
    assert "13812345678" not in made.summary


def test_progress_counts_approved_activities_verified_participants_and_counties(tianjin):
    made = campaign()
    first = verified_activity(HEPING, participants=100, online=50, edition=made.edition)
    second = verified_activity(HEXI, participants=30, edition=made.edition)
    reported = ActivityFactory(
        status=Activity.Status.REPORTED, participants=70, online_reach=0, edition=made.edition
    )
    draft = ActivityFactory(edition=made.edition, sector=Sector.ENTERPRISE)
    for activity in (first, second, reported, draft):
        services.add_activity(actor=tianjin, campaign_id=made.pk, activity_id=activity.pk)
    progress = queries.progress(made)
    achieved = {g.key: g.achieved for g in progress.goals}
    assert achieved == {"activities": 3, "participants": 180, "regions": 2}
    assert progress.awaiting_verification == 70
    assert [g.reached for g in progress.goals] == [True, False, True]


def test_an_activity_outside_the_campaigns_region_sectors_or_days_cannot_join(national):
    made = campaign()
    elsewhere = ActivityFactory(
        region=Region.objects.get(code=SHIJIAZHUANG_COUNTY),
        edition=made.edition,
    )
    other_sector = ActivityFactory(sector=Sector.MILITARY, edition=made.edition)
    with pytest.raises(ValidationFailed, match="outside the campaign's region"):
        services.add_activity(actor=national, campaign_id=made.pk, activity_id=elsewhere.pk)
    with pytest.raises(ValidationFailed, match="sector"):
        services.add_activity(actor=national, campaign_id=made.pk, activity_id=other_sector.pk)
    Campaign.objects.filter(pk=made.pk).update(ends_on=date(2019, 9, 12))
    in_time = ActivityFactory(edition=made.edition)
    with pytest.raises(ValidationFailed, match="outside the campaign's days"):
        services.add_activity(actor=national, campaign_id=made.pk, activity_id=in_time.pk)


def test_an_activity_joins_once_and_only_an_organiser_who_sees_it_may_join_it(heping, tianjin):
    made = campaign(region_code=HEPING)
    hexi_activity = ActivityFactory(
        region=Region.objects.get(code=HEXI),
        edition=made.edition,
    )
    with pytest.raises(NotFound):
        services.add_activity(actor=heping, campaign_id=made.pk, activity_id=hexi_activity.pk)
    mine = ActivityFactory(edition=made.edition)
    services.add_activity(actor=heping, campaign_id=made.pk, activity_id=mine.pk)
    with pytest.raises(Conflict):
        services.add_activity(actor=tianjin, campaign_id=made.pk, activity_id=mine.pk)
    services.remove_activity(actor=tianjin, campaign_id=made.pk, activity_id=mine.pk)
    assert not made.links.exists()


def _active_volunteer(organiser, person, made=None):
    made = made or campaign()
    volunteer = services.invite_volunteer(actor=organiser, campaign_id=made.pk, email=person.email)
    return services.respond_to_invitation(actor=person, volunteer_id=volunteer.pk, accept=True)


def test_a_volunteer_is_invited_accepts_records_hours_an_organiser_confirms_them(
    tianjin, person, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        volunteer = services.invite_volunteer(
            actor=tianjin, campaign_id=campaign().pk, email=person.email
        )
    assert [m.to for m in mailoutbox] == [[person.email]]
    services.respond_to_invitation(actor=person, volunteer_id=volunteer.pk, accept=True)
    task = services.record_task(
        actor=person,
        volunteer_id=volunteer.pk,
        description="发放宣传册，联系我13812345678",
        worked_on=date(2019, 9, 16),
        hours="2.5",
    )
    assert "13812345678" not in task.description
    services.decide_task(actor=tianjin, task_id=task.pk, confirm=True)
    assert services.confirmed_hours(Volunteer.objects.get(pk=volunteer.pk)) == Decimal("2.5")


def test_an_invitation_needs_an_existing_account_and_is_answered_once(tianjin, person):
    made = campaign()
    with pytest.raises(NotFound):
        services.invite_volunteer(actor=tianjin, campaign_id=made.pk, email="nobody@example.org")
    volunteer = _active_volunteer(tianjin, person, made)
    with pytest.raises(Conflict):
        services.invite_volunteer(actor=tianjin, campaign_id=made.pk, email=person.email)
    with pytest.raises(InvalidTransition):
        services.respond_to_invitation(actor=person, volunteer_id=volunteer.pk, accept=False)
    with pytest.raises(NotFound):
        services.respond_to_invitation(actor=tianjin, volunteer_id=volunteer.pk, accept=True)


@pytest.mark.parametrize(
    ("hours", "day", "field"),
    [
        ("0", date(2019, 9, 16), "hours"),
        ("-1", date(2019, 9, 16), "hours"),
        ("25", date(2019, 9, 16), "hours"),
        ("1.1", date(2019, 9, 16), "hours"),
        ("lots", date(2019, 9, 16), "hours"),
        ("2", date(2019, 10, 30), "worked_on"),
    ],
)
def test_bad_hours_or_days_are_refused_naming_the_field(tianjin, person, hours, day, field):
    volunteer = _active_volunteer(tianjin, person)
    with pytest.raises(ValidationFailed) as refused:
        services.record_task(
            actor=person, volunteer_id=volunteer.pk, description="x", worked_on=day, hours=hours
        )
    assert refused.value.field == field
    assert not VolunteerTask.objects.exists()


def test_a_day_holds_at_most_24_hours(tianjin, person):
    volunteer = _active_volunteer(tianjin, person)
    record = services.record_task
    record(
        actor=person,
        volunteer_id=volunteer.pk,
        description="a",
        worked_on=date(2019, 9, 16),
        hours=20,
    )
    with pytest.raises(ValidationFailed, match="24"):
        record(
            actor=person,
            volunteer_id=volunteer.pk,
            description="b",
            worked_on=date(2019, 9, 16),
            hours=5,
        )


def test_nobody_confirms_their_own_hours_and_a_return_needs_a_reason(tianjin, hebei):
    volunteer = _active_volunteer(tianjin, tianjin)
    task = services.record_task(
        actor=tianjin,
        volunteer_id=volunteer.pk,
        description="a",
        worked_on=date(2019, 9, 16),
        hours=1,
    )
    with pytest.raises(PermissionDenied):
        services.decide_task(actor=tianjin, task_id=task.pk, confirm=True)
    with pytest.raises(PermissionDenied):
        services.decide_task(actor=hebei, task_id=task.pk, confirm=True)
    national = organiser("national")
    with pytest.raises(ValidationFailed):
        services.decide_task(actor=national, task_id=task.pk, confirm=False)
    services.decide_task(actor=national, task_id=task.pk, confirm=False, comment="没有记录")
    with pytest.raises(InvalidTransition):
        services.decide_task(actor=national, task_id=task.pk, confirm=True)


def test_a_certificate_states_confirmed_hours_and_keeps_its_code_when_updated(tianjin, person):
    volunteer = _active_volunteer(tianjin, person)
    with pytest.raises(InvalidTransition):
        services.issue_certificate(actor=person, volunteer_id=volunteer.pk, holder_name="张三")
    for hours in ("2", "3"):
        task = services.record_task(
            actor=person,
            volunteer_id=volunteer.pk,
            description="a",
            worked_on=date(2019, 9, 16),
            hours=hours,
        )
        services.decide_task(actor=tianjin, task_id=task.pk, confirm=True)
        certificate = services.issue_certificate(
            actor=person, volunteer_id=volunteer.pk, holder_name="张三"
        )
    assert certificate.hours == Decimal(5)
    assert queries.certificate_by_code(certificate.code).pk == certificate.pk
    with pytest.raises(ValidationFailed):
        services.issue_certificate(actor=person, volunteer_id=volunteer.pk, holder_name="  ")
