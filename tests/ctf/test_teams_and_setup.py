"""Leaving a team and handing over the captaincy; organisers create and edit
competitions and divisions on pages, through audited, scope-checked services."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cyberweek.core.audit import AuditEvent
from cyberweek.core.errors import Conflict, InvalidTransition, PermissionDenied, ValidationFailed
from cyberweek.ctf import services
from cyberweek.ctf.models import Competition, Division, Membership, Team
from tests.programme.factories import EditionFactory

from .factories import ChallengeFactory, CompetitionFactory, division, team

pytestmark = pytest.mark.django_db


def test_a_captain_hands_over_before_leaving_and_the_team_keeps_its_score(client):
    challenge = ChallengeFactory()
    made = team(challenge.competition, members=2)
    captain = made.captain
    member = made.memberships.exclude(user=captain).get().user
    services.submit_flag(actor=captain, challenge_id=challenge.pk, text=challenge.flag)
    with pytest.raises(InvalidTransition, match="Hand the captaincy"):
        services.leave_team(actor=captain, team_id=made.pk)
    with pytest.raises(PermissionDenied):
        services.hand_over_captaincy(actor=member, team_id=made.pk, new_captain_id=member.pk)
    client.force_login(captain)
    slug = challenge.competition.slug
    client.post(reverse("ctf:hand_over", args=[slug]), {"captain": member.pk})
    made.refresh_from_db()
    assert made.captain_id == member.pk
    left = client.post(reverse("ctf:leave", args=[slug]))
    assert left.status_code == 302
    assert not Membership.objects.filter(user=captain).exists()
    made.refresh_from_db()
    assert made.score == 525
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"ctf.team.captain_changed", "ctf.team.left"} <= actions


def test_the_captaincy_goes_to_members_only():
    made = team(CompetitionFactory(), members=1)
    stranger = team(made.competition).captain
    with pytest.raises(ValidationFailed, match="member of your team"):
        services.hand_over_captaincy(
            actor=made.captain, team_id=made.pk, new_captain_id=stranger.pk
        )


def test_the_last_member_may_leave_and_nobody_leaves_after_the_end():
    made = team(CompetitionFactory(), members=1)
    services.leave_team(actor=made.captain, team_id=made.pk)
    made.refresh_from_db()
    assert made.captain is None
    assert Team.objects.filter(pk=made.pk).exists()
    ended = team(CompetitionFactory(), members=1)
    Competition.objects.filter(pk=ended.competition_id).update(
        ends_at=timezone.now() - timedelta(minutes=1)
    )
    with pytest.raises(InvalidTransition, match="has ended"):
        services.leave_team(actor=ended.captain, team_id=ended.pk)


def competition_data(**changes):
    now = timezone.now()
    data = {
        "edition": EditionFactory().pk,
        "slug": "autumn-ctf",
        "title": "秋季赛",
        "title_en": "Autumn CTF",
        "starts_at": (now + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (now + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"),
        "freeze_at": "",
        "team_size": 4,
        "retroactive": "on",
        "first_blood_pct": 5,
        "second_blood_pct": 3,
        "third_blood_pct": 1,
        "writeups_visible_to": "public",
    }
    return {**data, **changes}


def test_organisers_create_and_edit_a_competition_and_its_divisions_on_pages(client, staff):
    client.force_login(staff)
    created = client.post(reverse("organiser:ctf_competition_new"), competition_data())
    assert created.status_code == 302
    competition = Competition.objects.get(slug="autumn-ctf")
    edit = reverse("organiser:ctf_competition_edit", args=[competition.pk])
    assert client.post(edit, competition_data(title="冬季赛")).status_code == 302
    competition.refresh_from_db()
    assert competition.title == "冬季赛"
    new_division = reverse("organiser:ctf_division_new", args=[competition.pk])
    data = {"kind": "youth", "name": "青少年组", "youth_max_age": 18}
    assert client.post(new_division, data).status_code == 302
    again = client.post(new_division, {**data, "name": "又一个"})
    assert again.status_code == 400
    assert "already has a division of this kind" in again.content.decode()
    actions = list(AuditEvent.objects.values_list("action", flat=True))
    for action in ("ctf.competition.created", "ctf.competition.changed", "ctf.division.created"):
        assert action in actions


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"freeze_at": "2001-01-01T00:00"}, "freezes after the start"),
        ({"first_blood_pct": 150}, "100"),
        ({"title": ""}, "This field is required"),
        ({"team_size": 0}, "1 to 20"),
    ],
)
def test_a_competition_form_with_bad_values_is_refused_clearly(client, staff, changes, message):
    client.force_login(staff)
    refused = client.post(reverse("organiser:ctf_competition_new"), competition_data(**changes))
    assert refused.status_code == 400
    assert message in refused.content.decode()
    assert not Competition.objects.filter(slug="autumn-ctf").exists()


def test_a_taken_short_name_is_a_conflict(staff):
    existing = CompetitionFactory()
    with pytest.raises(Conflict, match="short name"):
        services.save_competition(
            actor=staff,
            data={
                "edition": existing.edition,
                "slug": existing.slug,
                "title": "x",
                "starts_at": existing.starts_at,
                "ends_at": existing.ends_at,
                "team_size": 4,
            },
        )


def test_a_changed_blood_bonus_recomputes_the_board(staff):
    challenge = ChallengeFactory()
    solver = team(challenge.competition)
    services.submit_flag(actor=solver.captain, challenge_id=challenge.pk, text=challenge.flag)
    services.save_competition(
        actor=staff, competition_id=challenge.competition_id, data={"first_blood_pct": 20}
    )
    solver.refresh_from_db()
    assert solver.score == 600


def test_competitors_cannot_set_up_competitions(client):
    made = team(CompetitionFactory())
    with pytest.raises(PermissionDenied):
        services.save_division(
            actor=made.captain,
            competition_id=made.competition_id,
            data={"kind": "youth", "name": "x"},
        )
    client.force_login(made.captain)
    assert client.get(reverse("organiser:ctf_competition_new")).status_code == 403
    assert division(made.competition).kind == Division.Kind.OPEN
