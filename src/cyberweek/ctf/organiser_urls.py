from django.urls import path

from . import organiser_views as v
from . import urls as _converters  # noqa: F401  (registers the "ctfid" converter)

# Part of /organiser/ (namespace "organiser"), see cyberweek/organiser_urls.py.
urlpatterns = [
    path("ctf/", v.CompetitionListView.as_view(), name="ctf_competitions"),
    path("ctf/<ctfid:pk>/", v.CompetitionView.as_view(), name="ctf_competition"),
    path(
        "ctf/<ctfid:pk>/board/<slug:action>/", v.BoardActionView.as_view(), name="ctf_board_action"
    ),
    path(
        "ctf/<ctfid:competition>/challenges/new/",
        v.ChallengeFormView.as_view(),
        name="ctf_challenge_new",
    ),
    path(
        "ctf/<ctfid:competition>/challenges/<ctfid:pk>/",
        v.ChallengeFormView.as_view(),
        name="ctf_challenge",
    ),
    path("ctf/challenges/<ctfid:pk>/hints/", v.HintCreateView.as_view(), name="ctf_hint_new"),
    path("ctf/teams/<ctfid:pk>/<slug:action>/", v.TeamActionView.as_view(), name="ctf_team_action"),
]
