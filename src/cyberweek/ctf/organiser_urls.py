from django.urls import path

from . import organiser_views as v
from . import urls as _converters  # noqa: F401  (registers the "ctfid" converter)

# Part of /organiser/ (namespace "organiser"), see cyberweek/organiser_urls.py.
urlpatterns = [
    path("ctf/", v.CompetitionListView.as_view(), name="ctf_competitions"),
    path("ctf/new/", v.CompetitionFormView.as_view(), name="ctf_competition_new"),
    path("ctf/<ctfid:pk>/", v.CompetitionView.as_view(), name="ctf_competition"),
    path("ctf/<ctfid:pk>/edit/", v.CompetitionFormView.as_view(), name="ctf_competition_edit"),
    path(
        "ctf/<ctfid:competition>/divisions/new/",
        v.DivisionFormView.as_view(),
        name="ctf_division_new",
    ),
    path(
        "ctf/<ctfid:competition>/divisions/<ctfid:pk>/",
        v.DivisionFormView.as_view(),
        name="ctf_division",
    ),
    path(
        "ctf/challenges/<ctfid:pk>/files/",
        v.AttachmentCreateView.as_view(),
        name="ctf_attachment_new",
    ),
    path(
        "ctf/files/<ctfid:pk>/remove/",
        v.AttachmentDeleteView.as_view(),
        name="ctf_attachment_remove",
    ),
    path(
        "ctf/write-ups/<ctfid:pk>/<slug:decision>/",
        v.WriteUpReviewView.as_view(),
        name="ctf_writeup_review",
    ),
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
