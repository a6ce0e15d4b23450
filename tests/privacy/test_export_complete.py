"""The download is complete: every field of every model the registry declares is in the
person's export, or is exempted by its source with a reason. A field added to a model that
holds personal data fails here until it is exported or its exemption is argued."""

from datetime import timedelta

import pytest
from django.apps import apps
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from cyberweek.accounts.models import OrganiserRole, User
from cyberweek.core.personal_data import PersonalDataSource
from cyberweek.privacy import registry, services
from cyberweek.privacy.models import Purpose
from cyberweek.quiz import services as quiz_services
from cyberweek.quiz.models import QuestionVersion
from tests.accounts.factories import organiser
from tests.campaigns.factories import use_campaigns
from tests.insights.factories import use_insights
from tests.quiz.factories import contest_with_paper
from tests.quiz.test_services import right_answers
from tests.showcase.factories import use_the_showcase
from tests.tipline.factories import tipline_volunteer

from .test_end_to_end import EMAIL, NAME, sign_up, use_the_platform

pytestmark = pytest.mark.django_db


def a_person_who_used_everything(client, capture) -> User:
    """One person with a row in every model the registry declares."""
    staff = organiser(OrganiserRole.Level.NATIONAL)
    services.publish_notice(actor=staff, purpose=Purpose.LEADERBOARD_DISPLAY, text="显示姓名")
    user = sign_up(client, capture)
    use_the_platform(client, user)
    OrganiserRole.objects.filter(user=user).update(granted_by=staff)
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    LogEntry.objects.create(
        user=user,
        content_type=ContentType.objects.get_for_model(User),
        object_id=str(staff.pk),
        object_repr="an account",
        action_flag=ADDITION,
    )
    services.log_access(actor=user, subject=staff, what="account", why="a county report")
    QuestionVersion.objects.filter(pk=QuestionVersion.objects.first().pk).update(created_by=user)
    # A second contest passed with every answer right: answers, timings and a certificate.
    contest = contest_with_paper(questions=3, pass_mark=50)
    quiz_services.enter_contest(actor=user, contest_id=contest.pk, display_name=NAME)
    attempt, _new = quiz_services.start_attempt(actor=user, contest_id=contest.pk)
    for position, keys in right_answers(attempt).items():
        quiz_services.save_answer(actor=user, attempt_id=attempt.pk, position=position, chosen=keys)
    quiz_services.submit_attempt(actor=user, attempt_id=attempt.pk)
    play_a_ctf(user)
    # A tip-line volunteer who claimed, voted on and confirmed a report.
    tipline_volunteer(user, recruited_by=staff)
    use_the_showcase(user)
    use_campaigns(user, staff)
    use_insights(user)
    return User.objects.get(pk=user.pk)


def play_a_ctf(user):
    """A CTF team: a wrong flag, another team's flag, a solve, a hint unlock and, after
    the end, a write-up."""
    from cyberweek.ctf import flags as ctf_flags
    from cyberweek.ctf import services as ctf_services
    from tests.ctf.factories import ChallengeFactory, division, hint, team

    challenge = ChallengeFactory(flag_kind="per_team", flag="cw")
    competition = challenge.competition
    other = team(competition)
    mine = ctf_services.register_team(
        actor=user,
        competition_id=competition.pk,
        name="隐私队",
        division_id=division(competition).pk,
        region=other.region,
        sector="school",
    )
    tip = hint(challenge, cost=10)
    ctf_services.unlock_hint(actor=user, hint_id=tip.pk)
    send = ctf_services.submit_flag
    send(actor=user, challenge_id=challenge.pk, text=ctf_flags.team_flag(challenge, other.pk))
    send(actor=user, challenge_id=challenge.pk, text=ctf_flags.team_flag(challenge, mine.pk))
    type(competition).objects.filter(pk=competition.pk).update(
        ends_at=timezone.now() - timedelta(minutes=1)
    )
    ctf_services.submit_writeup(actor=user, challenge_id=challenge.pk, text="先看源码。")


def field_key(model, field) -> str:
    return f"{model._meta.label_lower}.{field.name}"


def test_every_declared_field_is_exported_or_exempted_with_a_reason(
    client, django_capture_on_commit_callbacks
):
    user = a_person_who_used_everything(client, django_capture_on_commit_callbacks)
    exported = {s["key"]: s["records"] for s in services.export_personal_data(user)["sources"]}
    missing = []
    for source in registry.sources():
        labels = {key for record in exported[source.key] for key in record}
        for label in source.models:
            model = apps.get_model(label)
            for field in model._meta.concrete_fields:
                if field.primary_key or field_key(model, field) in source.exempt_fields:
                    continue
                if str(field.verbose_name) not in labels:
                    missing.append(f"{source.key}: {field_key(model, field)}")
    assert not missing, "export these, or exempt them with a reason: " + ", ".join(missing)


def test_every_exemption_names_a_real_field_and_says_why():
    for source in registry.sources():
        fields = {
            field_key(apps.get_model(label), f)
            for label in source.models
            for f in apps.get_model(label)._meta.concrete_fields
        }
        for name, reason in source.exempt_fields.items():
            assert name in fields, f"{source.key} exempts {name}, which it does not declare"
            assert str(reason).strip(), f"{source.key}: say why {name} is not exported"


def test_the_check_would_notice_a_field_left_out():
    source = next(s for s in registry.sources() if s.key == "tickets.registrations")
    assert "tickets.registration.repeat_scans" not in source.exempt_fields
    assert isinstance(source, PersonalDataSource)


def test_the_download_shows_timings_answers_flags_access_by_role_and_requests(
    client, django_capture_on_commit_callbacks
):
    user = a_person_who_used_everything(client, django_capture_on_commit_callbacks)
    exported = {s["key"]: s["records"] for s in services.export_personal_data(user)["sources"]}
    quiz = exported["quiz.entries"]
    attempts = [r for r in quiz if r["what"] == "Contest attempt"]
    assert all("flags" in r and "flagged" in r and "time taken (ms)" in r for r in attempts)
    answers = [r for r in quiz if r["what"] == "Answer"]
    assert len(answers) >= 3
    assert all(r["answered"] and r["chosen options"] for r in answers)
    [about_me] = [r for r in exported["privacy.access_log"] if r["whose"] == "you"]
    assert about_me["who"] == "National · China"
    # The reason as typed named the person; it was screened before it was stored.
    assert "来电" in about_me["why"]
    assert NAME not in about_me["why"]
    [request] = exported["privacy.requests"]
    assert request["how to reach the requester"] == EMAIL
    assert request["due"]
