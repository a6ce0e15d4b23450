from django.urls import path

from . import organiser_views as v

# Part of /organiser/ (namespace "organiser"), see cyberweek/organiser_urls.py.
urlpatterns = [
    path("showcase/", v.ContestsView.as_view(), name="showcase_contests"),
    path("showcase/<int:pk>/screening/", v.ScreeningView.as_view(), name="showcase_screening"),
    path("showcase/<int:pk>/progress/", v.ProgressView.as_view(), name="showcase_progress"),
    path("showcase/<int:pk>/fraud/", v.FraudView.as_view(), name="showcase_fraud"),
    path(
        "showcase/<int:pk>/reports/<int:report_id>/",
        v.CloseReportView.as_view(),
        name="showcase_close_report",
    ),
    path("showcase/new/", v.ContestFormView.as_view(), name="showcase_new"),
    path("showcase/<int:pk>/edit/", v.ContestFormView.as_view(), name="showcase_edit"),
    path("showcase/<int:pk>/setup/", v.SetupView.as_view(), name="showcase_setup"),
    path(
        "showcase/<int:pk>/criteria/", v.AddCriterionView.as_view(), name="showcase_add_criterion"
    ),
    path(
        "showcase/<int:pk>/criteria/<int:item>/remove/",
        v.RemoveCriterionView.as_view(),
        name="showcase_remove_criterion",
    ),
    path("showcase/<int:pk>/judges/", v.AddJudgeView.as_view(), name="showcase_add_judge"),
    path(
        "showcase/<int:pk>/judges/<int:item>/remove/",
        v.RemoveJudgeView.as_view(),
        name="showcase_remove_judge",
    ),
]
