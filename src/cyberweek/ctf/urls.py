from django.urls import path, register_converter

from . import team_views, views


class RowIdConverter:
    """A database id: 1 to 18 digits, so a number no row can have is a plain 404."""

    regex = "[0-9]{1,18}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return str(value)


register_converter(RowIdConverter, "ctfid")

app_name = "ctf"
urlpatterns = [
    path("", views.competition_list, name="competitions"),
    path("join/<str:token>/", views.join, name="join"),
    path("<slug:slug>/", views.competition_detail, name="competition"),
    path("<slug:slug>/team/", views.register_team, name="register"),
    path("<slug:slug>/challenges/<ctfid:pk>/", views.challenge_detail, name="challenge"),
    path("<slug:slug>/challenges/<ctfid:pk>/submit/", views.submit, name="submit"),
    path("<slug:slug>/hints/<ctfid:pk>/unlock/", views.unlock_hint, name="unlock_hint"),
    path("<slug:slug>/board/", views.scoreboard, name="board"),
    path("<slug:slug>/board/chart.json", views.chart_data, name="chart"),
    path("<slug:slug>/board.csv", views.board_csv, name="board_csv"),
    path("<slug:slug>/board.xlsx", views.board_xlsx, name="board_xlsx"),
    path("<slug:slug>/files/<str:token>/", views.attachment, name="attachment"),
    path("<slug:slug>/my-team/", team_views.my_team, name="my_team"),
    path("<slug:slug>/my-team/leave/", team_views.leave, name="leave"),
    path("<slug:slug>/my-team/captain/", team_views.hand_over, name="hand_over"),
    path("<slug:slug>/challenges/<ctfid:pk>/write-up/", team_views.write_up, name="write_up"),
    path("<slug:slug>/write-ups/", team_views.writeup_list, name="writeups"),
    path("<slug:slug>/ctftime.json", views.ctftime, name="ctftime"),
]
