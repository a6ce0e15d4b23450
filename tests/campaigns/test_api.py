import pytest

from cyberweek.campaigns import services
from cyberweek.campaigns.models import Campaign
from tests.activities.factories import HEPING

from .factories import campaign, verified_activity

pytestmark = pytest.mark.django_db


def payload(**overrides):
    body = {
        "year": 2019,
        "slug": "finance",
        "title": "金融网络安全专题",
        "kind": "industry",
        "sectors": ["enterprise"],
        "region": "120000",
        "starts_on": "2019-09-10",
        "ends_on": "2019-09-25",
        "goal_activities": 5,
        "goal_participants": 1000,
        "goal_regions": 3,
        "is_published": True,
    }
    body.update(overrides)
    return body


def test_the_public_list_shows_goals_and_progress(client, tianjin):
    made = campaign()
    activity = verified_activity(HEPING, participants=40, online=2, edition=made.edition)
    services.add_activity(actor=tianjin, campaign_id=made.pk, activity_id=activity.pk)
    body = client.get("/api/campaigns/?year=2019").json()
    goals = {g["key"]: g["achieved"] for g in body["items"][0]["goals"]}
    assert goals == {"activities": 1, "participants": 42, "regions": 1}
    one = client.get(f"/api/campaigns/2019/{made.slug}")
    assert one.json()["slug"] == made.slug
    assert client.get("/api/campaigns/2019/nothing").status_code == 404


@pytest.mark.parametrize("goal", [0, -1])
def test_a_goal_of_zero_or_less_is_a_422_problem_naming_it(client, tianjin, edition, goal):
    client.force_login(tianjin)
    answer = client.post(
        "/api/campaigns/", payload(goal_participants=goal), content_type="application/json"
    )
    assert answer.status_code == 422
    assert "goal_participants" in answer.text
    assert not Campaign.objects.exists()


def test_organisers_create_in_scope_and_join_activities(client, tianjin, hebei, edition):
    client.force_login(hebei)
    assert (
        client.post("/api/campaigns/", payload(), content_type="application/json").status_code
        == 403
    )
    client.force_login(tianjin)
    made = client.post("/api/campaigns/", payload(), content_type="application/json")
    assert made.status_code == 201
    activity = verified_activity(HEPING, participants=1, edition=edition, sector="enterprise")
    link = client.post(
        f"/api/campaigns/manage/{made.json()['id']}/activities",
        {"activity": activity.pk},
        content_type="application/json",
    )
    assert link.status_code == 201
    again = client.post(
        f"/api/campaigns/manage/{made.json()['id']}/activities",
        {"activity": activity.pk},
        content_type="application/json",
    )
    assert again.status_code == 409
    gone = client.delete(f"/api/campaigns/manage/{made.json()['id']}/activities/{activity.pk}")
    assert gone.status_code == 204


def test_the_english_summary_goes_in_and_comes_out_masked(client, tianjin, edition):
    client.force_login(tianjin)
    body = payload(summary_en="Call 13812345678 to join.")
    assert client.post("/api/campaigns/", body, content_type="application/json").status_code == 201
    one = client.get("/api/campaigns/2019/finance").json()
    assert one["summary_en"].startswith("Call ")
    assert "13812345678" not in one["summary_en"]
