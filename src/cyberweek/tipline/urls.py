from django.urls import path

from . import views

app_name = "tipline"

urlpatterns = [
    path("", views.home, name="home"),
    path("challenge/", views.challenge, name="challenge"),
    path("report/<slug:kind>/", views.report, name="report"),
    path("receipt/", views.receipt, name="receipt"),
    path("receipt/withdraw/", views.withdraw, name="withdraw"),
    path("lookup/", views.lookup, name="lookup"),
    path("statistics/", views.statistics, name="statistics"),
    path("threats/<int:pk>/", views.threat, name="threat"),
    path("threats/<int:pk>/taken-down/", views.TakenDownView.as_view(), name="taken_down"),
    path("feeds/phishing.<str:fmt>", views.phishing_feed, name="phishing_feed"),
    path("triage/", views.QueueView.as_view(), name="triage"),
    path("triage/<int:pk>/", views.ReportDetailView.as_view(), name="triage_report"),
    path(
        "triage/<int:pk>/<slug:action>/",
        views.TriageActionView.as_view(),
        name="triage_action",
    ),
    path("exports/<slug:fmt>/", views.ExportView.as_view(), name="export"),
]
