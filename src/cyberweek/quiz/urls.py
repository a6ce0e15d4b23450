from django.urls import path, register_converter

from . import views


class RowIdConverter:
    """A database id: 1 to 18 digits, so a number no row can have is a plain 404."""

    regex = "[0-9]{1,18}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return str(value)


register_converter(RowIdConverter, "quizid")

app_name = "quiz"
urlpatterns = [
    path("", views.contest_list, name="contests"),
    path("attempts/<quizid:pk>/", views.attempt_page, name="attempt"),
    path("attempts/<quizid:pk>/answers/<quizid:position>/", views.save_answer, name="answer"),
    path("attempts/<quizid:pk>/submit/", views.submit, name="submit"),
    path("attempts/<quizid:pk>/review/", views.review, name="review"),
    path("attempts/<quizid:pk>/certificate.pdf", views.certificate_pdf, name="certificate"),
    path("certificates/<str:code>/", views.verify_certificate, name="verify"),
    path("<slug:slug>/", views.contest_detail, name="contest"),
    path("<slug:slug>/leaderboard/", views.leaderboard, name="leaderboard"),
]
