"""The pages, the API, the feed and the export: what people see, and that nothing after
the freeze leaks through any of them."""

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cyberweek.ctf import flags, services
from cyberweek.ctf.models import Division, Solve, Team
from cyberweek.geo.models import Region
from tests.accounts.factories import UserFactory

from .factories import ChallengeFactory, CompetitionFactory, division, hint, team

pytestmark = pytest.mark.django_db


def test_a_visitor_sees_the_competition_and_its_released_challenges_only(client):
    challenge = ChallengeFactory(description="Read **this** <script>alert(1)</script>")
    ChallengeFactory(competition=challenge.competition, title="秘密", is_hidden=True)
    ChallengeFactory(
        competition=challenge.competition,
        title="明天",
        release_at=timezone.now() + timedelta(days=1),
    )
    page = client.get(reverse("ctf:competition", args=[challenge.competition.slug]))
    assert page.status_code == 200
    text = page.content.decode()
    assert challenge.title_en in text
    assert "秘密" not in text
    assert "明天" not in text
    detail = client.get(reverse("ctf:challenge", args=[challenge.competition.slug, challenge.pk]))
    body = detail.content.decode()
    assert "<strong>this</strong>" in body
    assert "<script>alert(1)</script>" not in body


def test_hidden_challenge_pages_are_not_found(client):
    hidden = ChallengeFactory(is_hidden=True)
    url = reverse("ctf:challenge", args=[hidden.competition.slug, hidden.pk])
    assert client.get(url).status_code == 404


def test_registering_a_team_and_joining_by_the_invite_link(client):
    competition = CompetitionFactory()
    division(competition)
    captain = UserFactory()
    client.force_login(captain)
    url = reverse("ctf:register", args=[competition.slug])
    province = Region.objects.filter(level=Region.Level.PROVINCE).first()
    data = {
        "name": "<b>evil</b>",
        "division": competition.divisions.get().pk,
        "region": province.pk,
        "sector": "school",
    }
    refused = client.post(url, data)
    assert refused.status_code == 400
    assert "markup" in refused.content.decode()
    data["name"] = "白帽子"
    assert client.post(url, data).status_code == 302
    made = Team.objects.get()
    page = client.get(reverse("ctf:competition", args=[competition.slug]))
    assert made.invite_token in page.content.decode()
    friend = UserFactory()
    client.force_login(friend)
    join_url = reverse("ctf:join", args=[made.invite_token])
    assert client.post(join_url, {}).status_code == 302
    assert made.memberships.count() == 2


def test_submitting_a_flag_with_htmx_answers_in_place(client):
    challenge = ChallengeFactory()
    made = team(challenge.competition)
    client.force_login(made.captain)
    url = reverse("ctf:submit", args=[challenge.competition.slug, challenge.pk])
    wrong = client.post(url, {"flag": "flag{nope}"}, headers={"HX-Request": "true"})
    assert "Wrong flag" in wrong.content.decode()
    bad = client.post(url, {"flag": "ｆｌａｇ"}, headers={"HX-Request": "true"})
    assert bad.status_code == 422
    assert "stands in for" in bad.content.decode()
    right = client.post(url, {"flag": challenge.flag}, headers={"HX-Request": "true"})
    assert "Correct! 525 points." in right.content.decode()


def test_hints_are_unlocked_from_the_challenge_page(client):
    challenge = ChallengeFactory()
    tip = hint(challenge, cost=30)
    made = team(challenge.competition)
    client.force_login(made.captain)
    page = client.get(reverse("ctf:challenge", args=[challenge.competition.slug, challenge.pk]))
    assert "Read the source" not in page.content.decode()
    client.post(reverse("ctf:unlock_hint", args=[challenge.competition.slug, tip.pk]))
    page = client.get(reverse("ctf:challenge", args=[challenge.competition.slug, challenge.pk]))
    assert "Read the source" in page.content.decode()


def test_the_board_shows_display_names_only_and_my_rank(client):
    challenge = ChallengeFactory()
    first, second = team(challenge.competition, name="Alpha"), team(challenge.competition)
    services.submit_flag(actor=first.captain, challenge_id=challenge.pk, text=challenge.flag)
    client.force_login(second.captain)
    page = client.get(reverse("ctf:board", args=[challenge.competition.slug]))
    text = page.content.decode()
    assert "Alpha" in text
    assert "is ranked 2" in text
    assert first.captain.email not in text


def frozen_competition():
    """A team that solved before the freeze and one that solved after it."""
    challenge = ChallengeFactory(scoring="linear", decay=100)
    competition = challenge.competition
    before = team(competition, name="Before")
    after = team(competition, name="After")
    services.submit_flag(actor=before.captain, challenge_id=challenge.pk, text=challenge.flag)
    Solve.objects.update(solved_at=timezone.now() - timedelta(minutes=10))
    competition.freeze_at = timezone.now() - timedelta(minutes=5)
    competition.save()
    services.submit_flag(actor=after.captain, challenge_id=challenge.pk, text=challenge.flag)
    return competition, challenge, before, after


def test_nothing_after_the_freeze_leaks_through_pages_api_feed_or_export(client):
    competition, _challenge, _before, after = frozen_competition()
    slug = competition.slug
    for viewer in (None, after.captain):
        if viewer:
            client.force_login(viewer)
        board_page = client.get(reverse("ctf:board", args=[slug])).content.decode()
        assert "After" in board_page  # listed, with its points as at the freeze
        assert "415" not in board_page
        assert "425" not in board_page
        assert "525" in board_page
        feed = json.loads(client.get(reverse("ctf:ctftime", args=[slug])).content)
        assert feed["standings"][0] == {"pos": 1, "team": "Before", "score": 525}
        assert feed["standings"][1] == {"pos": 2, "team": "After", "score": 0}
        csv_text = client.get(reverse("ctf:board_csv", args=[slug])).content.decode()
        assert "Before,525" in csv_text
        assert "After,0" in csv_text
        api_board = client.get(f"/api/ctf/competitions/{slug}/board").json()
        assert api_board["frozen"] is True
        assert [r["score"] for r in api_board["rows"]] == [525, 0]
        cards = client.get(f"/api/ctf/competitions/{slug}/challenges").json()
        assert (cards[0]["solves"], cards[0]["value"]) == (1, 500)
        page = client.get(reverse("ctf:competition", args=[slug])).content.decode()
        assert "2 solves" not in page
        chart = json.loads(client.get(reverse("ctf:chart", args=[slug])).content)
        points = {s["name"]: s["points"] for s in chart["series"]}
        assert points["After"] == []
        assert points["Before"][-1][1] == 500


def test_organisers_see_the_live_board_after_the_freeze(client, staff):
    competition, _challenge, _before, _after = frozen_competition()
    client.force_login(staff)
    page = client.get(reverse("organiser:ctf_competition", args=[competition.pk]))
    text = page.content.decode()
    assert "425" in text
    assert "415" in text


def test_the_api_submits_flags_and_refuses_clearly(client):
    challenge = ChallengeFactory()
    made = team(challenge.competition)
    url = f"/api/ctf/challenges/{challenge.pk}/submissions"
    anonymous = client.post(url, {"flag": "x"}, content_type="application/json")
    assert anonymous.status_code == 401
    client.force_login(made.captain)
    huge = client.post(url, {"flag": "x" * 1024 * 1024}, content_type="application/json")
    assert huge.status_code in (413, 422)
    wrong = client.post(url, {"flag": "flag{no}"}, content_type="application/json")
    assert wrong.json() == {"correct": False, "already_solved": False, "points": 0}
    confusable = client.post(url, {"flag": "flаg{x}"}, content_type="application/json")
    assert confusable.status_code == 422
    assert confusable["Content-Type"] == "application/problem+json"
    right = client.post(url, {"flag": challenge.flag}, content_type="application/json")
    assert right.json()["points"] == 525
    missing = client.post("/api/ctf/challenges/999999/submissions", {"flag": "x"},
                          content_type="application/json")  # fmt: skip
    assert missing.status_code == 404


def test_the_api_returns_429_with_retry_after(client, settings):
    settings.CTF_RATE_LIMITS = (100, 1)
    challenge = ChallengeFactory()
    made = team(challenge.competition)
    client.force_login(made.captain)
    url = f"/api/ctf/challenges/{challenge.pk}/submissions"
    client.post(url, {"flag": "flag{no}"}, content_type="application/json")
    limited = client.post(url, {"flag": "flag{no}"}, content_type="application/json")
    assert limited.status_code == 429
    assert int(limited["Retry-After"]) > 0


def test_organisers_manage_challenges_teams_and_see_sharing(client, staff):
    challenge = ChallengeFactory(flag_kind="per_team", flag="cw")
    competition = challenge.competition
    owner, sharer = team(competition, name="Owner"), team(competition, name="Sharer")
    services.submit_flag(
        actor=sharer.captain, challenge_id=challenge.pk, text=flags.team_flag(challenge, owner.pk)
    )
    client.force_login(staff)
    page = client.get(reverse("organiser:ctf_competition", args=[competition.pk])).content.decode()
    incidents = page[page.index('id="incidents"') :]
    assert "Sharer" in incidents
    assert "Owner" in incidents
    ban = reverse("organiser:ctf_team_action", args=[sharer.pk, "ban"])
    client.post(ban, {"note": "flag sharing"})
    assert Team.objects.get(pk=sharer.pk).status == Team.Status.BANNED
    new = reverse("organiser:ctf_challenge_new", args=[competition.pk])
    data = {
        "title": "新题",
        "category": "crypto",
        "scoring": "exponential",
        "initial_value": 1000,
        "minimum_value": 100,
        "decay": 20,
        "flag_kind": "static",
        "flag": "flag{new}",
    }
    assert client.post(new, data).status_code == 302
    assert competition.challenges.filter(title="新题").exists()


def test_competitors_cannot_reach_the_organiser_pages(client):
    made = team(CompetitionFactory())
    client.force_login(made.captain)
    url = reverse("organiser:ctf_competition", args=[made.competition_id])
    assert client.get(url).status_code == 403
    assert (
        client.post(reverse("organiser:ctf_team_action", args=[made.pk, "ban"])).status_code == 403
    )


def test_youth_division_join_asks_for_the_year_of_birth(client):
    competition = CompetitionFactory()
    division(competition, Division.Kind.YOUTH)
    young = team(competition, division_kind=Division.Kind.YOUTH)
    client.force_login(UserFactory())
    refused = client.post(reverse("ctf:join", args=[young.invite_token]), {})
    assert refused.status_code == 400
    assert "year of birth" in refused.content.decode()
