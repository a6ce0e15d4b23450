from datetime import date

import pytest

from cyberweek.accounts.models import OrganiserRole
from cyberweek.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from cyberweek.core.models import AuditEvent
from cyberweek.programme import services
from cyberweek.programme.models import Edition, Event, ThemedDay
from tests.accounts.factories import organiser
from tests.programme.factories import EditionFactory, EventFactory, RoomFactory, SpeakerFactory, at

pytestmark = pytest.mark.django_db
L = OrganiserRole.Level


@pytest.fixture
def national():
    return organiser(L.NATIONAL)


@pytest.fixture
def edition():
    return EditionFactory()


EDITION_2020 = {
    "year": 2020,
    "slug": "2020",
    "theme": "网络安全为人民，网络安全靠人民",
    "host_city": "郑州",
    "starts_on": date(2020, 9, 14),
    "ends_on": date(2020, 9, 20),
}


def event_data(**overrides):
    data = {
        "slug": "talk",
        "kind": Event.Kind.SESSION,
        "title": "议程",
        "starts_at": at(17, "09:00"),
        "ends_at": at(17, "10:00"),
    }
    return {**data, **overrides}


def test_a_national_organiser_creates_an_edition_and_it_is_audited(national):
    edition = services.create_edition(actor=national, data=EDITION_2020)
    assert Edition.objects.get(year=2020) == edition
    assert AuditEvent.objects.filter(action="programme.edition_created", actor=national).exists()


def test_a_provincial_organiser_may_not_edit_the_programme(region):
    tianjin = organiser(L.PROVINCIAL, "120000")
    with pytest.raises(PermissionDenied):
        services.create_edition(actor=tianjin, data=EDITION_2020)
    assert not Edition.objects.exists()
    assert AuditEvent.objects.filter(
        actor=tianjin, action="programme.manage", outcome="denied"
    ).exists()


def test_an_edition_cannot_end_before_it_starts(national):
    with pytest.raises(ValidationFailed, match="cannot be before"):
        services.create_edition(actor=national, data={**EDITION_2020, "ends_on": date(2020, 9, 1)})


def test_two_editions_cannot_share_a_year(national, edition):
    with pytest.raises(Conflict, match="already an edition"):
        services.create_edition(actor=national, data={**EDITION_2020, "year": 2019})


def test_unknown_fields_are_refused(national):
    with pytest.raises(ValidationFailed, match="Unknown fields: owner"):
        services.create_edition(actor=national, data={**EDITION_2020, "owner": 1})


def test_moving_an_edition_away_from_its_events_is_refused(national, edition):
    EventFactory(edition=edition, starts_at=at(22, "09:00"), ends_at=at(22, "10:00"))
    with pytest.raises(ValidationFailed, match="outside the new dates"):
        services.update_edition(
            actor=national, edition_id=edition.pk, data={"ends_on": date(2019, 9, 20)}
        )
    edition.refresh_from_db()
    assert edition.ends_on == date(2019, 9, 22)


def test_a_themed_day_must_fall_inside_the_edition(national, edition):
    data = {"date": date(2019, 9, 30), "kind": ThemedDay.Kind.FINANCE, "title": "金融日"}
    with pytest.raises(ValidationFailed, match="between"):
        services.save_themed_day(actor=national, edition_id=edition.pk, data=data)


def test_one_themed_day_per_date(national, edition):
    data = {"date": date(2019, 9, 20), "kind": ThemedDay.Kind.FINANCE, "title": "金融日"}
    services.save_themed_day(actor=national, edition_id=edition.pk, data=data)
    with pytest.raises(Conflict, match="already has a themed day"):
        services.save_themed_day(
            actor=national, edition_id=edition.pk, data={**data, "title": "另一个"}
        )


def test_an_event_is_created_with_its_speakers(national, edition):
    speaker = SpeakerFactory(edition=edition)
    event = services.save_event(
        actor=national, edition_id=edition.pk, data=event_data(), speakers=[speaker]
    )
    assert list(event.speakers.all()) == [speaker]
    assert AuditEvent.objects.filter(action="programme.event_created").count() == 1


@pytest.mark.parametrize(
    ("starts", "ends"),
    [
        ((15, "09:00"), (15, "10:00")),
        ((22, "23:00"), (23, "01:00")),
        ((23, "09:00"), (23, "10:00")),
    ],
)
def test_no_event_outside_the_edition_dates(national, edition, starts, ends):
    with pytest.raises(ValidationFailed, match="edition's dates"):
        services.save_event(
            actor=national,
            edition_id=edition.pk,
            data=event_data(starts_at=at(*starts), ends_at=at(*ends)),
        )
    assert not Event.objects.exists()


def test_an_event_that_ends_at_midnight_of_the_last_day_is_inside(national, edition):
    event = services.save_event(
        actor=national,
        edition_id=edition.pk,
        data=event_data(starts_at=at(22, "20:00"), ends_at=at(23, "00:00")),
    )
    assert event.pk


def test_no_event_ends_before_it_starts(national, edition):
    with pytest.raises(ValidationFailed, match="end after it starts"):
        services.save_event(
            actor=national,
            edition_id=edition.pk,
            data=event_data(starts_at=at(17, "10:00"), ends_at=at(17, "09:00")),
        )


def test_no_two_sessions_in_one_room_at_once(national, edition):
    room = RoomFactory(edition=edition, name="第一会议室")
    EventFactory(
        edition=edition,
        room=room,
        title="先到的议程",
        starts_at=at(17, "09:00"),
        ends_at=at(17, "10:00"),
    )
    with pytest.raises(Conflict, match="already booked for “先到的议程”"):
        services.save_event(
            actor=national,
            edition_id=edition.pk,
            data=event_data(room=room, starts_at=at(17, "09:30"), ends_at=at(17, "11:00")),
        )


def test_back_to_back_sessions_share_a_room(national, edition):
    room = RoomFactory(edition=edition)
    EventFactory(edition=edition, room=room, starts_at=at(17, "09:00"), ends_at=at(17, "10:00"))
    event = services.save_event(
        actor=national,
        edition_id=edition.pk,
        data=event_data(room=room, starts_at=at(17, "10:00"), ends_at=at(17, "11:00")),
    )
    assert event.pk


def test_a_session_may_use_the_room_of_its_forum(national, edition):
    room = RoomFactory(edition=edition)
    forum = EventFactory(
        edition=edition,
        kind=Event.Kind.FORUM,
        room=room,
        starts_at=at(17, "09:00"),
        ends_at=at(17, "12:00"),
    )
    session = services.save_event(
        actor=national, edition_id=edition.pk, data=event_data(parent=forum, room=room)
    )
    assert session.parent == forum


def test_moving_an_event_does_not_collide_with_itself(national, edition):
    room = RoomFactory(edition=edition)
    event = EventFactory(
        edition=edition, room=room, starts_at=at(17, "09:00"), ends_at=at(17, "10:00")
    )
    moved = services.save_event(
        actor=national, edition_id=edition.pk, event_id=event.pk, data={"ends_at": at(17, "10:30")}
    )
    assert moved.ends_at == at(17, "10:30")


def test_a_sub_forum_belongs_only_to_a_forum(national, edition):
    expo = EventFactory(edition=edition, kind=Event.Kind.EXPO)
    with pytest.raises(ValidationFailed, match="cannot be part of"):
        services.save_event(
            actor=national,
            edition_id=edition.pk,
            data=event_data(kind=Event.Kind.SUB_FORUM, parent=expo),
        )


def test_an_event_cannot_become_part_of_its_own_session(national, edition):
    forum = EventFactory(edition=edition, kind=Event.Kind.FORUM)
    sub = EventFactory(edition=edition, kind=Event.Kind.SUB_FORUM, parent=forum)
    with pytest.raises(ValidationFailed):
        services.save_event(
            actor=national,
            edition_id=edition.pk,
            event_id=forum.pk,
            data={"kind": Event.Kind.SUB_FORUM, "parent": sub},
        )


def test_rooms_and_parents_of_another_edition_are_refused(national, edition):
    other = EditionFactory(year=2020, starts_on=date(2020, 9, 14), ends_on=date(2020, 9, 20))
    with pytest.raises(ValidationFailed, match="another edition"):
        services.save_event(
            actor=national, edition_id=edition.pk, data=event_data(room=RoomFactory(edition=other))
        )


def test_duplicate_event_short_names_are_refused(national, edition):
    EventFactory(edition=edition, slug="talk")
    with pytest.raises(Conflict, match="short name"):
        services.save_event(actor=national, edition_id=edition.pk, data=event_data(slug="talk"))


def test_editing_an_event_of_an_unknown_edition_is_not_found(national):
    with pytest.raises(NotFound):
        services.save_event(actor=national, edition_id=999, data=event_data())


def test_deleting_an_event_is_audited(national, edition):
    event = EventFactory(edition=edition)
    services.delete_event(actor=national, event_id=event.pk)
    assert not Event.objects.exists()
    assert AuditEvent.objects.filter(action="programme.event_deleted").exists()
