"""The CTF in the privacy registry: export, erasure that keeps the team's score, retention."""

from datetime import date, timedelta

import pytest

from cyberweek.ctf import personal_data, services
from cyberweek.ctf.models import Membership, Solve, Submission, Team
from cyberweek.programme.models import Edition
from tests.accounts.factories import UserFactory

from .factories import ChallengeFactory, team

pytestmark = pytest.mark.django_db


def a_solving_team():
    challenge = ChallengeFactory()
    made = team(challenge.competition, members=2)
    member = made.memberships.exclude(user=made.captain).get().user
    services.submit_flag(actor=member, challenge_id=challenge.pk, text="flag{wrong}")
    services.submit_flag(actor=member, challenge_id=challenge.pk, text=challenge.flag)
    return made, member


def test_the_export_lists_the_team_and_the_flags_the_person_sent():
    _made, member = a_solving_team()
    records = personal_data.export(member)
    kinds = [r["what"] for r in records]
    assert kinds.count("CTF team") == 1
    assert kinds.count("Flag you sent") == 2
    assert kinds.count("Challenge you solved") == 1
    assert any(r.get("what was sent") == "flag{wrong}" for r in records)
    assert personal_data.export(UserFactory()) == []


def test_erasing_a_member_leaves_the_team_and_its_score_intact():
    made, member = a_solving_team()
    score = Team.objects.get(pk=made.pk).score
    assert score > 0
    personal_data.erase(member)
    made.refresh_from_db()
    assert made.score == score
    assert not Membership.objects.filter(user=member).exists()
    assert Solve.objects.get().user is None
    assert not Submission.objects.filter(user=member).exists()
    assert Submission.objects.count() == 2


def test_erasing_the_captain_keeps_the_team_without_a_captain():
    made, _member = a_solving_team()
    personal_data.erase(made.captain)
    made.refresh_from_db()
    assert made.captain is None
    assert made.memberships.count() == 1


def test_retention_takes_members_and_sent_flags_out_after_the_contest_period():
    made, _member = a_solving_team()
    source = personal_data.SOURCES[0]
    edition = Edition.objects.get(pk=made.competition.edition_id)
    soon = edition.ends_on + timedelta(days=30)
    assert source.purge_due(today=soon, dry_run=True) == 0
    late = edition.ends_on + timedelta(days=400)
    assert source.purge_due(today=late, dry_run=True) == 2 + 2
    source.purge_due(today=late, dry_run=False)
    assert not Membership.objects.exists()
    assert not Submission.objects.exists()
    made.refresh_from_db()
    assert made.score > 0
    assert Solve.objects.count() == 1
    assert isinstance(late, date)
