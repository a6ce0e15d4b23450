"""Province and sector boards, the XLSX export and the board's ETag: paged like the main
board, and frozen exactly like it (nothing after the freeze shows, not even as a changed
ETag)."""

import io
import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from cyberweek.ctf import board, queries, services
from cyberweek.geo.models import Region

from .factories import ChallengeFactory, CompetitionFactory, team
from .test_views import frozen_competition

pytestmark = pytest.mark.django_db


def provinces(n=2):
    return list(Region.objects.filter(level=Region.Level.PROVINCE).order_by("code")[:n])


def xlsx_rows(response):
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_province_and_sector_boards_list_their_teams_only_and_rank_within_them(client):
    challenge = ChallengeFactory()
    competition = challenge.competition
    north, south = provinces()
    a = team(competition, name="Alpha", region=north, sector="school")
    b = team(competition, name="Bravo", region=south, sector="school")
    c = team(competition, name="Charlie", region=south, sector="enterprise")
    for solver in (c, b):
        services.submit_flag(actor=solver.captain, challenge_id=challenge.pk, text=challenge.flag)
    url = reverse("ctf:board", args=[competition.slug])
    south_page = client.get(url, {"region": south.pk}).content.decode()
    assert "Bravo" in south_page
    assert "Charlie" in south_page
    assert "Alpha" not in south_page
    school = client.get(url, {"sector": "school"}).content.decode()
    assert "Alpha" in school
    assert "Bravo" in school
    assert "Charlie" not in school
    client.force_login(b.captain)
    both = client.get(url, {"region": south.pk, "sector": "school"}).content.decode()
    assert "Bravo is ranked 1." in both
    api = client.get(f"/api/ctf/competitions/{competition.slug}/board", {"region": south.pk}).json()
    assert [r["team"] for r in api["rows"]] == ["Charlie", "Bravo"]
    assert api["my_rank"] == 2
    unknown = client.get(f"/api/ctf/competitions/{competition.slug}/board", {"sector": "moon"})
    assert unknown.status_code == 422
    assert a.pk  # Alpha stays on the whole board
    assert "Alpha" in client.get(url).content.decode()


def test_a_province_board_is_paged(client):
    competition = CompetitionFactory()
    north = provinces(1)[0]
    for n in range(55):
        team(competition, name=f"T{n:02d}", region=north)
    url = reverse("ctf:board", args=[competition.slug])
    first = client.get(url, {"region": north.pk}).content.decode()
    assert "1 / 2" in first
    second = client.get(url, {"region": north.pk, "page": 2}).content.decode()
    assert "2 / 2" in second
    assert f"region={north.pk}" in second  # the page links keep the province


@pytest.mark.parametrize("use_cache", ["use_sql", "use_redis"])
def test_nothing_after_the_freeze_leaks_through_province_sector_boards_or_xlsx(
    client, request, use_cache
):
    request.getfixturevalue(use_cache)
    competition, _challenge, before, after = frozen_competition()
    slug = competition.slug
    where = {"region": before.region_id, "sector": before.sector}
    for viewer in (None, after.captain):
        if viewer:
            client.force_login(viewer)
        for params in ({"region": where["region"]}, {"sector": where["sector"]}, where):
            page = client.get(reverse("ctf:board", args=[slug]), params).content.decode()
            assert "After" in page
            assert "525" in page
            assert "415" not in page
            assert "425" not in page
            feed = json.loads(client.get(reverse("ctf:ctftime", args=[slug]), params).content)
            assert [s["score"] for s in feed["standings"]] == [525, 0]
            csv_text = client.get(reverse("ctf:board_csv", args=[slug]), params).content.decode()
            assert "After,0" in csv_text
            api = client.get(f"/api/ctf/competitions/{slug}/board", params).json()
            assert [r["score"] for r in api["rows"]] == [525, 0]
            rows = xlsx_rows(client.get(reverse("ctf:board_xlsx", args=[slug]), params))
            assert rows[1:] == [[1, "Before", 525], [2, "After", 0]]


def test_the_xlsx_export_writes_formula_like_names_as_text(client):
    competition = CompetitionFactory()
    team(competition, name="=HYPERLINK(1)")
    team(competition, name="@SUM(A1)")
    response = client.get(reverse("ctf:board_xlsx", args=[competition.slug]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    names = {row[1] for row in xlsx_rows(response)[1:]}
    assert names == {"'=HYPERLINK(1)", "'@SUM(A1)"}
    csv_text = client.get(reverse("ctf:board_csv", args=[competition.slug])).content.decode()
    assert "'=HYPERLINK(1)" in csv_text


def test_a_poll_between_changes_is_answered_304_and_a_solve_changes_the_etag(
    client, django_capture_on_commit_callbacks
):
    challenge = ChallengeFactory()
    solver = team(challenge.competition, name="Solver")
    url = reverse("ctf:board", args=[challenge.competition.slug])
    first = client.get(url, HTTP_HX_REQUEST="true")
    etag = first["ETag"]
    assert "Cookie" in first["Vary"]
    assert client.get(url, HTTP_HX_REQUEST="true", HTTP_IF_NONE_MATCH=etag).status_code == 304
    full_page = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert full_page.status_code == 200  # the whole page is another representation
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_flag(actor=solver.captain, challenge_id=challenge.pk, text=challenge.flag)
    moved = client.get(url, HTTP_HX_REQUEST="true", HTTP_IF_NONE_MATCH=etag)
    assert moved.status_code == 200
    assert "525" in moved.content.decode()  # 500 and the first blood bonus


def test_after_the_freeze_the_public_etag_does_not_move_with_live_solves(
    client, django_capture_on_commit_callbacks
):
    competition, challenge, _before, _after = frozen_competition()
    late = team(competition, name="Late")
    url = reverse("ctf:board", args=[competition.slug])
    etag = client.get(url)["ETag"]
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_flag(actor=late.captain, challenge_id=challenge.pk, text=challenge.flag)
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_cached_rows_follow_the_board_version(django_capture_on_commit_callbacks, use_sql):
    challenge = ChallengeFactory()
    solver = team(challenge.competition, name="Solver")
    competition = challenge.competition
    assert queries.board_page(competition, None, team=None).rows[0].score == 0
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_flag(actor=solver.captain, challenge_id=challenge.pk, text=challenge.flag)
    assert queries.board_page(competition, None, team=None).rows[0].score == 525
    assert board.live_version(competition.pk) is not None


def test_a_board_fragment_cached_before_the_freeze_is_not_served_after_it(client, staff):
    challenge = ChallengeFactory()
    competition = challenge.competition
    solver = team(competition, name="Solver")
    services.submit_flag(actor=solver.captain, challenge_id=challenge.pk, text=challenge.flag)
    url = reverse("ctf:board", args=[competition.slug])
    assert "525" in client.get(url).content.decode()  # live, and now cached
    services.save_competition(
        actor=staff,
        competition_id=competition.pk,
        data={"freeze_at": timezone.now() - timedelta(minutes=5)},
    )
    for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
        frozen = client.get(url, **headers).content.decode()
        assert "525" not in frozen
        assert "Solver" in frozen
