from django.urls import path

from . import organiser_views as v
from . import urls as _converters  # noqa: F401  (registers the "quizid" converter)

# Part of /organiser/ (namespace "organiser"), see cyberweek/organiser_urls.py.
urlpatterns = [
    path("quiz/questions/", v.QuestionListView.as_view(), name="quiz_questions"),
    path("quiz/questions/import/", v.QuestionImportView.as_view(), name="quiz_import"),
    path("quiz/questions/export.<str:fmt>", v.QuestionExportView.as_view(), name="quiz_export"),
    path("quiz/questions/<quizid:pk>/", v.QuestionEditView.as_view(), name="quiz_question"),
    path(
        "quiz/questions/<quizid:pk>/active/",
        v.QuestionActiveView.as_view(),
        name="quiz_question_active",
    ),
    path("quiz/contests/", v.ContestListView.as_view(), name="quiz_contests"),
    path("quiz/contests/new/", v.ContestFormView.as_view(), name="quiz_contest_new"),
    path("quiz/contests/<quizid:pk>/", v.ContestDetailView.as_view(), name="quiz_contest"),
    path("quiz/contests/<quizid:pk>/edit/", v.ContestFormView.as_view(), name="quiz_contest_edit"),
    path(
        "quiz/contests/<quizid:pk>/flagged/", v.FlaggedAttemptsView.as_view(), name="quiz_flagged"
    ),
    path(
        "quiz/attempts/<quizid:pk>/flag-decision/",
        v.FlagDecisionView.as_view(),
        name="quiz_flag_decision",
    ),
    path("quiz/participation/", v.StatsContestListView.as_view(), name="quiz_contests_stats"),
    path("quiz/contests/<quizid:pk>/stats/", v.StatsView.as_view(), name="quiz_stats"),
]
