from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from cyberweek.accounts.models import OrganiserRole
from cyberweek.activities import services
from cyberweek.activities.models import Activity, ActivityStep, OutcomePhoto, OverdueReminder
from cyberweek.core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from cyberweek.core.models import AuditEvent
from cyberweek.geo.models import Region, Sector
from tests.accounts.factories import organiser
from tests.programme.factories import EditionFactory

from .factories import HEPING, ActivityFactory, activity_data, at

pytestmark = pytest.mark.django_db
S = Activity.Status
L = OrganiserRole.Level
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


def register(actor, edition, **overrides):
    return services.register_activity(actor=actor, data=activity_data(**overrides), edition=edition)


def denied(action):
    return AuditEvent.objects.filter(action=action, outcome=AuditEvent.Outcome.DENIED)


# --- Registering -----------------------------------------------------------------------------
def test_a_county_organiser_registers_a_draft_with_its_history(heping, edition):
    activity = register(heping, edition)
    activity.refresh_from_db()
    assert activity.status == S.DRAFT
    assert not activity.is_public
    assert activity.region_path == Region.objects.get(code=HEPING).path
    assert activity.created_by == heping
    assert activity.contact_phone == "+8613812345678"
    assert [s.action for s in activity.steps.all()] == ["created"]
    assert AuditEvent.objects.filter(action="activities.created", actor=heping).exists()


def test_the_contact_is_encrypted_at_rest(heping, edition):
    from django.db import connection

    activity = register(heping, edition)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT contact_name, contact_phone, description FROM activities_activity "
            "WHERE id = %s",
            [activity.pk],
        )
        name, phone, description = cursor.fetchone()
    assert name.startswith("cw1:")
    assert "王" not in name
    assert phone.startswith("cw1:")
    assert "138" not in phone
    assert description.startswith("cw1:")


def test_personal_information_in_the_description_is_masked_for_the_public(heping, edition):
    activity = register(heping, edition, description="报名请联系王老师，电话13812345678。")
    activity.refresh_from_db()
    assert "13812345678" not in activity.public_description
    assert "13812345678" in activity.description
    assert "13812345678" not in activity.search_text


def test_the_author_is_told_what_was_masked(heping, edition):
    activity = register(heping, edition, description="电话13812345678")
    assert "CN_MOBILE" in activity.screening_found


def test_an_organiser_cannot_register_outside_their_county(heping, edition):
    with pytest.raises(PermissionDenied):
        register(heping, edition, region_code="120103")
    assert not Activity.objects.exists()
    assert denied("activities.create").filter(actor=heping, region_code="120103").exists()


def test_a_provincial_organiser_does_not_register_activities(tianjin, edition):
    with pytest.raises(PermissionDenied):
        register(tianjin, edition)


def test_a_sector_unit_registers_only_in_its_sector(edition):
    bank = organiser(L.UNIT, HEPING, sector=Sector.ENTERPRISE)
    register(bank, edition, sector=Sector.ENTERPRISE)
    with pytest.raises(PermissionDenied):
        register(bank, edition, sector=Sector.SCHOOL)


def test_an_activity_sits_in_a_county_not_a_province(edition):
    unit = organiser(L.UNIT, "120000")
    with pytest.raises(ValidationFailed) as error:
        register(unit, edition, region_code="120100")
    assert error.value.field == "region"


def test_a_city_without_counties_takes_activities(edition):
    dongguan = organiser(L.UNIT, "441900")
    activity = register(dongguan, edition, region_code="441900")
    assert activity.region.code == "441900"


def test_registration_and_reporting_agree_on_where_activities_sit():
    from cyberweek.activities.services import activity_regions, is_activity_region
    from cyberweek.geo.models import Region

    guangdong = Region.objects.filter(path__startswith="/440000/")
    listed = set(
        activity_regions().filter(path__startswith="/440000/").values_list("code", flat=True)
    )
    assert "441900" in listed
    assert "440100" not in listed
    assert listed == {r.code for r in guangdong if is_activity_region(r)}


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"ends_at": at(17, "08:00")}, "ends_at"),
        ({"starts_at": at(1, "09:00", month=3), "ends_at": at(1, "10:00", month=3)}, "starts_at"),
        ({"venue_address": ""}, "venue_address"),
        ({"format": Activity.Format.ONLINE, "online_url": ""}, "online_url"),
        ({"format": Activity.Format.HYBRID, "online_url": "javascript:alert(1)"}, "online_url"),
        ({"latitude": Decimal("39.1")}, "latitude"),
        ({"latitude": Decimal("10.0"), "longitude": Decimal("10.0")}, "latitude"),
        ({"public_registration": True, "capacity": None}, "capacity"),
        ({"contact_phone": "12345"}, "contact_phone"),
        ({"contact_name": ""}, "contact_name"),
        ({"title": "   "}, "title"),
        ({"expected_reach": 10**9}, "expected_reach"),
        ({"sector": "pets"}, "sector"),
        ({"nickname": "x"}, None),
    ],
)
def test_bad_fields_are_refused_with_the_field_named(heping, edition, overrides, field):
    with pytest.raises(ValidationFailed) as error:
        register(heping, edition, **overrides)
    assert error.value.field == field
    assert not Activity.objects.exists()


def test_a_themed_day_of_another_edition_is_refused(heping, edition):
    from tests.programme.factories import ThemedDayFactory

    other = ThemedDayFactory(edition=EditionFactory(year=2020, slug="2020"))
    with pytest.raises(ValidationFailed) as error:
        register(heping, edition, themed_day=other)
    assert error.value.field == "themed_day"


def test_capacity_is_dropped_when_the_public_cannot_register(heping, edition):
    activity = register(heping, edition, capacity=50)
    assert activity.capacity is None


def test_a_draft_is_edited_and_moved_only_within_scope(heping, edition):
    activity = register(heping, edition)
    services.update_activity(actor=heping, activity_id=activity.pk, data={"title": "新标题"})
    activity.refresh_from_db()
    assert activity.title == "新标题"
    assert "新标题" in activity.search_text
    with pytest.raises(PermissionDenied):
        services.update_activity(
            actor=heping,
            activity_id=activity.pk,
            data={"region": Region.objects.get(code="120103")},
        )
    activity.refresh_from_db()
    assert activity.region.code == HEPING


def test_an_approved_activity_cannot_be_edited(heping, edition):
    activity = ActivityFactory(edition=edition, status=S.APPROVED, created_by=heping)
    with pytest.raises(InvalidTransition):
        services.update_activity(actor=heping, activity_id=activity.pk, data={"title": "x"})


def test_another_county_cannot_edit(hexi, edition):
    activity = ActivityFactory(edition=edition)
    with pytest.raises(PermissionDenied):
        services.update_activity(actor=hexi, activity_id=activity.pk, data={"title": "x"})
    assert denied("activities.create").filter(actor=hexi).exists()


# --- Review ----------------------------------------------------------------------------------
def test_the_whole_workflow_from_draft_to_verified(heping, tianjin, edition):
    activity = register(heping, edition)
    services.submit_activity(actor=heping, activity_id=activity.pk)
    services.approve_activity(actor=tianjin, activity_id=activity.pk, comment="同意")
    activity.refresh_from_db()
    assert activity.status == S.APPROVED
    assert activity.is_public
    now = at(17, "12:00")
    services.mark_held(actor=heping, activity_id=activity.pk, now=now)
    services.report_outcome(
        actor=heping,
        activity_id=activity.pk,
        participants=280,
        online_reach=1200,
        summary="活动顺利举行。",
        photos=[PNG, JPEG],
    )
    services.verify_outcome(actor=tianjin, activity_id=activity.pk)
    activity.refresh_from_db()
    assert activity.status == S.VERIFIED
    assert activity.reach == 1480
    assert [(s.action, s.from_status, s.to_status) for s in activity.steps.all()] == [
        ("created", "", "draft"),
        ("submitted", "draft", "submitted"),
        ("approved", "submitted", "approved"),
        ("held", "approved", "held"),
        ("outcome_reported", "held", "reported"),
        ("verified", "reported", "verified"),
    ]
    steps = activity.steps.all()
    assert steps[2].actor == tianjin
    assert steps[2].comment == "同意"
    assert sorted(p.content_type for p in activity.photos.all()) == ["image/jpeg", "image/png"]


def test_the_organiser_right_above_may_review(heping, tianjin_city, edition):
    activity = ActivityFactory(edition=edition, status=S.SUBMITTED, created_by=heping)
    services.approve_activity(actor=tianjin_city, activity_id=activity.pk)
    activity.refresh_from_db()
    assert activity.status == S.APPROVED


def test_the_county_itself_cannot_approve(heping, edition):
    activity = ActivityFactory(edition=edition, status=S.SUBMITTED)
    with pytest.raises(PermissionDenied):
        services.approve_activity(actor=heping, activity_id=activity.pk)
    assert denied("activities.review").filter(actor=heping).exists()


def test_another_province_cannot_approve(hebei, edition):
    activity = ActivityFactory(edition=edition, status=S.SUBMITTED)
    with pytest.raises(PermissionDenied):
        services.approve_activity(actor=hebei, activity_id=activity.pk)
    activity.refresh_from_db()
    assert activity.status == S.SUBMITTED
    assert denied("activities.review").filter(actor=hebei, region_code="120100").exists()


def test_a_reviewer_cannot_approve_what_they_registered(edition):
    both = organiser(L.UNIT, HEPING)
    OrganiserRole.objects.create(
        user=both, level=L.PROVINCIAL, region=Region.objects.get(code="120000")
    )
    activity = ActivityFactory(edition=edition, status=S.SUBMITTED, created_by=both)
    with pytest.raises(PermissionDenied):
        services.approve_activity(actor=both, activity_id=activity.pk)


def test_a_sector_reviewer_reviews_only_their_sector(edition):
    education = organiser(L.PROVINCIAL, "120000", sector=Sector.SCHOOL)
    school = ActivityFactory(edition=edition, status=S.SUBMITTED, sector=Sector.SCHOOL)
    bank = ActivityFactory(edition=edition, status=S.SUBMITTED, sector=Sector.ENTERPRISE)
    services.approve_activity(actor=education, activity_id=school.pk)
    with pytest.raises(PermissionDenied):
        services.approve_activity(actor=education, activity_id=bank.pk)


def test_returning_needs_a_comment_and_allows_resubmission(heping, tianjin, edition):
    activity = ActivityFactory(edition=edition, status=S.SUBMITTED, created_by=heping)
    with pytest.raises(ValidationFailed) as error:
        services.return_activity(actor=tianjin, activity_id=activity.pk, comment=" ")
    assert error.value.field == "comment"
    services.return_activity(actor=tianjin, activity_id=activity.pk, comment="请补充场地地址")
    activity.refresh_from_db()
    assert activity.status == S.RETURNED
    assert not activity.is_public
    services.update_activity(actor=heping, activity_id=activity.pk, data={"title": "改后"})
    services.submit_activity(actor=heping, activity_id=activity.pk)
    activity.refresh_from_db()
    assert activity.status == S.SUBMITTED


def test_a_comment_is_kept_with_personal_information_masked(heping, tianjin, edition):
    activity = ActivityFactory(edition=edition, status=S.SUBMITTED)
    services.return_activity(
        actor=tianjin, activity_id=activity.pk, comment="请联系13812345678确认"
    )
    step = activity.steps.get(action="returned")
    assert "13812345678" not in step.comment


@pytest.mark.parametrize(
    ("status", "step"),
    [
        (S.DRAFT, "approve_activity"),
        (S.APPROVED, "approve_activity"),
        (S.DRAFT, "verify_outcome"),
        (S.HELD, "verify_outcome"),
        (S.SUBMITTED, "submit_activity"),
        (S.DRAFT, "mark_held"),
        (S.APPROVED, "report_outcome"),
    ],
)
def test_steps_out_of_order_are_refused(heping, tianjin, edition, status, step):
    activity = ActivityFactory(edition=edition, status=status)
    actor = tianjin if step in {"approve_activity", "verify_outcome"} else heping
    kwargs = {"actor": actor, "activity_id": activity.pk}
    if step == "report_outcome":
        kwargs.update(participants=1, online_reach=0, summary="x")
    with pytest.raises(InvalidTransition):
        getattr(services, step)(**kwargs)
    activity.refresh_from_db()
    assert activity.status == status


def test_an_activity_cannot_be_marked_held_before_it_starts(heping, edition):
    activity = ActivityFactory(edition=edition, status=S.APPROVED)
    with pytest.raises(InvalidTransition):
        services.mark_held(actor=heping, activity_id=activity.pk, now=at(16, "09:00"))


def test_an_unknown_activity_is_not_found(heping):
    from cyberweek.core.errors import NotFound

    with pytest.raises(NotFound):
        services.submit_activity(actor=heping, activity_id=999999)


# --- Outcome ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"participants": -1}, "participants"),
        ({"online_reach": 10**9}, "online_reach"),
        ({"summary": ""}, "summary"),
        ({"photos": [b"GIF89a..."]}, "photos"),
        ({"photos": [b"<svg onload=alert(1)>"]}, "photos"),
        ({"photos": [PNG] * 7}, "photos"),
        ({"photos": [b"\x89PNG\r\n\x1a\n" + b"0" * (5 * 1024 * 1024)]}, "photos"),
    ],
)
def test_bad_outcome_reports_are_refused(heping, edition, kwargs, field):
    activity = ActivityFactory(edition=edition, status=S.HELD)
    report = {"participants": 10, "online_reach": 0, "summary": "好", "photos": [], **kwargs}
    with pytest.raises(ValidationFailed) as error:
        services.report_outcome(actor=heping, activity_id=activity.pk, **report)
    assert error.value.field == field
    activity.refresh_from_db()
    assert activity.status == S.HELD
    assert not OutcomePhoto.objects.exists()


def test_a_returned_outcome_goes_back_to_held(heping, tianjin, edition):
    activity = ActivityFactory(
        edition=edition, status=S.REPORTED, outcome_reported_at=timezone.now()
    )
    services.return_outcome(actor=tianjin, activity_id=activity.pk, comment="照片不清晰")
    activity.refresh_from_db()
    assert activity.status == S.HELD
    assert activity.outcome_reported_at is None
    assert activity.is_public


def test_the_county_cannot_verify_its_own_outcome(heping, edition):
    activity = ActivityFactory(edition=edition, status=S.REPORTED)
    with pytest.raises(PermissionDenied):
        services.verify_outcome(actor=heping, activity_id=activity.pk)
    assert denied("activities.verify").exists()


# --- Reminders -------------------------------------------------------------------------------
def test_overdue_outcomes_are_reminded_once_a_day(
    heping, edition, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    long_ago = timezone.now() - timedelta(days=30)
    overdue = ActivityFactory(
        edition=edition,
        status=S.HELD,
        created_by=heping,
        starts_at=long_ago - timedelta(hours=2),
        ends_at=long_ago,
    )
    ActivityFactory(
        edition=edition,
        status=S.REPORTED,
        ends_at=long_ago,
        starts_at=long_ago - timedelta(hours=1),
    )
    ActivityFactory(edition=edition, status=S.APPROVED)  # 2019: long overdue as well
    recent = timezone.now() - timedelta(days=2)
    ActivityFactory(
        edition=edition, status=S.HELD, ends_at=recent, starts_at=recent - timedelta(hours=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_overdue_reminders() == 2
        assert services.send_overdue_reminders() == 0
    assert OverdueReminder.objects.filter(activity=overdue).count() == 1
    assert any(heping.email in m.to for m in mail.outbox)
    assert all(len(m.to) == 1 for m in mail.outbox)
    link = f"{settings.SITE_URL}/organiser/activities/{overdue.pk}/outcome/"
    assert any(link in m.body for m in mail.outbox)


def test_the_responsible_organisers_are_the_county_and_its_sector_units(heping, hexi, edition):
    bank = organiser(L.UNIT, HEPING, sector=Sector.ENTERPRISE)
    school_unit = organiser(L.UNIT, HEPING, sector=Sector.SCHOOL)
    activity = ActivityFactory(edition=edition, status=S.HELD, sector=Sector.SCHOOL)
    people = set(services.responsible_organisers(activity))
    assert people == {heping, school_unit}
    assert bank not in people
    assert hexi not in people


def test_the_reminder_command_runs_the_job(
    heping, edition, settings, capsys, django_capture_on_commit_callbacks
):
    from django.core.management import call_command

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    long_ago = timezone.now() - timedelta(days=30)
    ActivityFactory(
        edition=edition,
        status=S.APPROVED,
        created_by=heping,
        starts_at=long_ago - timedelta(hours=1),
        ends_at=long_ago,
    )
    with django_capture_on_commit_callbacks(execute=True):
        call_command("activities", "send-reminders")
    assert "Reminders sent for 1 overdue activities." in capsys.readouterr().out
    assert len(mail.outbox) == 1


def test_history_steps_record_the_statuses(heping, edition):
    activity = register(heping, edition)
    services.submit_activity(actor=heping, activity_id=activity.pk, comment="请审核")
    step = ActivityStep.objects.get(activity=activity, action="submitted")
    assert (step.from_status, step.to_status, step.actor, step.comment) == (
        "draft",
        "submitted",
        heping,
        "请审核",
    )


def test_approving_an_activity_open_to_the_public_opens_its_registration(region):
    from cyberweek.activities.services import attendance
    from cyberweek.tickets.models import Offering

    county = organiser(L.COUNTY, "120101")
    reviewer = organiser(L.PREFECTURAL, "120100")
    activity = services.register_activity(
        actor=county,
        data=activity_data(public_registration=True, capacity=30),
        edition=EditionFactory(),
    )
    services.submit_activity(actor=county, activity_id=activity.pk)
    services.approve_activity(actor=reviewer, activity_id=activity.pk)
    offering = Offering.objects.get(source="activities.activity", source_id=activity.pk)
    assert (offering.capacity, offering.region.code) == (30, "120101")
    assert attendance(activity) == {
        "confirmed": 0,
        "waitlisted": 0,
        "checked_in": 0,
        "capacity": 30,
    }


@pytest.mark.parametrize(
    ("starts_at", "ends_at", "refused"),
    [
        (at(17, "00:00", month=8), at(17, "02:00", month=8), False),  # 30 days before the Week
        (at(16, "23:00", month=8), at(17, "01:00", month=8), True),
        (at(22, "20:00", month=10), at(22, "23:30", month=10), False),  # 30 days after it
        (at(22, "23:00", month=10), at(23, "00:30", month=10), True),
    ],
)
def test_an_activity_runs_within_thirty_days_of_the_week(starts_at, ends_at, refused):
    activity = ActivityFactory.build(starts_at=starts_at, ends_at=ends_at)
    fields = {field for field, _message in services.activity_problems(activity)}
    assert ("starts_at" in fields) is refused
